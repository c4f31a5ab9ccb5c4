"""The importable layouts: people, attendance (people reached by one activity), staff lists, statistics.

Each layout declares its fields (Vietnamese label, the header texts offices use, required or not, the
cleaner from `audience.fields`) and how its records are matched and written. Other kinds (activities,
radio logs) register themselves the same way with `engine.register`.
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumbers import PhoneMetadata

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.activities.services import writable_area_ids
from lantoa.audience import fields as cleaners
from lantoa.audience.fields import FieldError
from lantoa.audience.imports import engine
from lantoa.audience.imports.engine import Field, ImportFileError, Layout, Outcome, register
from lantoa.audience.models import (
    ConsentEvent,
    DataRequest,
    ImportJob,
    InsuranceStatus,
    Person,
    StaffPosting,
    Statistic,
)
from lantoa.audience.selectors import person_scope
from lantoa.core import clock
from lantoa.core.models import AuditLog, valid_on
from lantoa.core.text import search_key
from lantoa.geo.models import Area
from lantoa.geo.selectors import commune_rollup_map, name_key_without_level
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup

WRITE_BATCH = 500

# ----- small cleaners the field module does not have ----------------------------------------------------

_YES = {"co", "x", "1", "yes", "y", "dong y", "true", "v", "ok", "la", "phai"}
_NO = {"khong", "0", "no", "n", "false", "khong dong y"}


def clean_yes_no(value: str) -> bool:
    key = search_key(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise FieldError(_("write “có” or “không” (or x for yes)"))


_MONTH = re.compile(r"^(?:tháng|thang|t)?\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")


def clean_paid_until(value: str) -> dt.date:
    """ "Đóng đến tháng" 12/2023 → the next payment is due on 01/01/2024."""
    m = _MONTH.match(value.strip().lower())
    if m:
        month, year = int(m.group(1)), int(m.group(2))
    else:
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", value.strip())
        if iso:
            year, month = int(iso.group(1)), int(iso.group(2))
        else:
            try:
                day = cleaners.clean_date(value)
            except FieldError:
                raise FieldError(_("write the month as mm/yyyy, e.g. 12/2023")) from None
            year, month = day.year, day.month
    if not 1 <= month <= 12 or not 1950 <= year <= 2100:
        raise FieldError(_("write the month as mm/yyyy, e.g. 12/2023"))
    return dt.date(year + (month == 12), month % 12 + 1, 1)


def clean_year(value: str) -> int:
    text = value.strip()
    if re.fullmatch(r"\d{4}(\.0)?", text) and 2000 <= int(text[:4]) <= 2100:
        return int(text[:4])
    raise FieldError(_("write a year such as 2024"))


def clean_status_optional(value: str) -> str:
    return cleaners.clean_status(value)


# The mobile-number pattern of phonenumbers' own metadata: a number it matches is valid there too.
_MOBILE = re.compile(PhoneMetadata.metadata_for_region("VN").mobile.national_number_pattern)
_PHONE_JUNK = re.compile(r"[\s.\-()]")


def clean_phone(value: str) -> str:
    """A Vietnamese mobile number in E.164. The common shapes (0912…, +84912…, 912… without its zero)
    are read here against phonenumbers' mobile pattern (a large import spends most of its time parsing
    phones); anything else goes through `fields.clean_phone`."""
    digits = _PHONE_JUNK.sub("", value)
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("0"):
        national = digits[1:]
    elif len(digits) == 9:
        national = digits
    else:
        national = ""
    if national and national[0] != "0" and _MOBILE.fullmatch(national):
        return "+84" + national
    return cleaners.clean_phone(value)


def clean_note(value: str) -> str:
    return cleaners.clean_text(value, max_length=2000)


def _text(max_length: int):
    def clean(value: str) -> str:
        return cleaners.clean_text(value, max_length=max_length)

    return clean


_CHANNELS = {"sms": "sms", "tin nhan": "sms", "zalo": "zalo", "ca hai": "all", "sms zalo": "all", "tat ca": "all"}


def clean_channel(value: str) -> str:
    key = search_key(value)
    if key not in _CHANNELS:
        raise FieldError(_("write SMS, Zalo or cả hai"))
    return _CHANNELS[key]


def _memo(cleaner):
    """A cleaner of a small vocabulary (sex, payment mode, status…) read once per distinct text."""
    return functools.lru_cache(maxsize=4096)(cleaner)


clean_sex = _memo(cleaners.clean_sex)
clean_payment_mode = _memo(cleaners.clean_payment_mode)
clean_status_optional = _memo(clean_status_optional)
clean_money = _memo(cleaners.clean_money)
clean_paid_until = _memo(clean_paid_until)


# ----- areas, groups, units ------------------------------------------------------------------------------

_HAMLET_PREFIXES = ("ap ", "khom ", "to dan pho ", "thon ", "ban ", "khu pho ", "to ", "khu ")


def _strip_prefix(key: str, prefixes) -> str:
    for p in prefixes:
        if key.startswith(p):
            return key[len(p) :]
    return key


class AreaIndex:
    """Communes by name (with or without "xã", accent-insensitive, old and current ones) and hamlets
    under each commune, loaded once per import."""

    def __init__(self, *, scope, on: dt.date):
        self.on = on
        self.scope = scope
        self.communes: dict[str, list[Area]] = {}
        for area in Area.objects.filter(level=Area.Level.COMMUNE):
            for key in {area.search_key, name_key_without_level(area.search_key)}:
                self.communes.setdefault(key, []).append(area)
        self._hamlets: dict[int, dict[str, int]] = {}
        self._cache: dict[str, Area | str] = {}
        self._hamlet_cache: dict[tuple[int, str], int | None] = {}

    def commune(self, text: str) -> Area:
        hit = self._cache.get(text)
        if hit is None:
            hit = self._resolve(search_key(text), text)
            self._cache[text] = hit
        if isinstance(hit, str):
            raise FieldError(hit)
        return hit

    def _resolve(self, key: str, text: str) -> Area | str:
        found = self.communes.get(key) or self.communes.get(name_key_without_level(key)) or []
        if not found:
            return _("no commune named “%(name)s”") % {"name": text[:60]}
        if len(found) > 1:
            # The one in force on the date of the records; then one the user works in.
            dated = [a for a in found if a.is_valid_on(self.on)] or found
            mine = [a for a in dated if self.scope.sees_all or a.id in self.scope.area_ids] or dated
            if len({a.id for a in mine}) > 1:
                return _("more than one commune is named “%(name)s”") % {"name": text[:60]}
            found = mine
        return found[0]

    def hamlets_of(self, commune: Area) -> dict[str, int]:
        if commune.id not in self._hamlets:
            index = {}
            for hamlet_id, key in Area.objects.filter(parent=commune, level=Area.Level.HAMLET).values_list(
                "id", "search_key"
            ):
                index[key] = hamlet_id
                index.setdefault(_strip_prefix(key, _HAMLET_PREFIXES), hamlet_id)
            self._hamlets[commune.id] = index
        return self._hamlets[commune.id]

    def hamlet(self, commune: Area, text: str) -> int | None:
        """The hamlet's id; None when the commune has no hamlets recorded (the text goes to the address)."""
        index = self.hamlets_of(commune)
        if not index:
            return None
        cache_key = (commune.id, text)
        if cache_key in self._hamlet_cache:
            hit = self._hamlet_cache[cache_key]
        else:
            key = search_key(text)
            hit = index.get(key) or index.get(_strip_prefix(key, _HAMLET_PREFIXES))
            self._hamlet_cache[cache_key] = hit
        if hit is None:  # every row naming an unknown hamlet gets the error, not only the first
            raise FieldError(
                _("%(commune)s has no hamlet named “%(name)s”") % {"commune": commune.name, "name": text[:60]}
            )
        return hit


def _groups_index() -> tuple[dict[str, int], set[str]]:
    index: dict[str, int] = {}
    computed: set[str] = set()
    for g in TargetGroup.objects.all():
        keys = {search_key(g.code), search_key(g.name)}
        if g.voluntary_group:
            keys |= {str(g.voluntary_group), f"nhom {g.voluntary_group}"}
        for key in keys:
            if g.computed:
                computed.add(key)
            else:
                index[key] = g.id
    return index, computed


def _unit_commune(unit: Unit) -> Area | None:
    area = unit.area
    if area.level == Area.Level.COMMUNE:
        return area
    if area.level == Area.Level.HAMLET:
        return area.parent
    return None


# ----- people ----------------------------------------------------------------------------------------------

# Person fields an import may set; an empty cell never erases what is stored.
PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "cccd",
    "bhxh_number",
    "phone",
    "phone2",
    "address",
    "occupation",
    "area_id",
    "insurance_status",
    "payment_mode",
    "next_due_date",
    "declared_income",
    "note",
)


def person_fields() -> list[Field]:
    return [
        Field(
            "full_name",
            gettext_lazy("Full name"),
            ("Họ và tên", "Họ tên", "Tên", "Họ và tên người tham gia"),
            True,
            cleaners.clean_name,
        ),
        Field(
            "birth",
            gettext_lazy("Date of birth"),
            ("Ngày sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Năm sinh"),
            clean=cleaners.clean_birth,
            text=False,
        ),
        Field("sex", gettext_lazy("Sex"), ("Giới tính", "Nam/Nữ", "Giới"), clean=clean_sex),
        Field(
            "cccd",
            gettext_lazy("Citizen ID (CCCD)"),
            (
                "Số CCCD",
                "CCCD",
                "Số căn cước",
                "Số CCCD/CMND",
                "Căn cước công dân",
                "Số định danh cá nhân",
                "Số định danh",
            ),
            clean=cleaners.clean_cccd,
            text=False,
        ),
        Field(
            "bhxh_number",
            gettext_lazy("BHXH number"),
            ("Mã số BHXH", "Mã BHXH", "Số sổ BHXH", "Mã số bảo hiểm xã hội"),
            clean=cleaners.clean_bhxh,
            text=False,
        ),
        Field(
            "phone",
            gettext_lazy("Phone"),
            ("Số điện thoại", "Điện thoại", "SĐT", "Di động", "Số di động"),
            clean=clean_phone,
            text=False,
        ),
        Field(
            "phone2",
            gettext_lazy("Second phone"),
            ("Số điện thoại 2", "Điện thoại khác", "SĐT 2"),
            clean=clean_phone,
            text=False,
        ),
        Field(
            "hamlet",
            gettext_lazy("Hamlet"),
            ("Ấp", "Khóm", "Ấp/Khóm", "Ấp, khóm", "Thôn", "Tổ dân phố"),
            clean=_text(150),
        ),
        Field(
            "commune",
            gettext_lazy("Commune"),
            ("Xã", "Xã/Phường", "Phường", "Xã, phường, thị trấn", "Xã/phường/thị trấn"),
            clean=_text(150),
        ),
        Field(
            "address",
            gettext_lazy("Address"),
            ("Địa chỉ", "Địa chỉ thường trú", "Nơi cư trú", "Số nhà"),
            clean=_text(300),
        ),
        Field("occupation", gettext_lazy("Occupation"), ("Nghề nghiệp", "Công việc"), clean=_text(150)),
        Field(
            "declared_income",
            gettext_lazy("Declared income"),
            ("Mức thu nhập làm căn cứ đóng", "Mức thu nhập", "Thu nhập", "Mức thu nhập tháng"),
            clean=clean_money,
            text=False,
        ),
        Field(
            "payment_mode",
            gettext_lazy("Payment mode"),
            ("Phương thức đóng", "Phương thức", "Phương thức đóng BHXH"),
            clean=clean_payment_mode,
        ),
        Field(
            "paid_until",
            gettext_lazy("Paid up to month"),
            ("Đóng đến tháng", "Đã đóng đến tháng", "Đóng đến"),
            clean=clean_paid_until,
            text=False,
        ),
        Field(
            "next_due_date",
            gettext_lazy("Next payment due"),
            ("Ngày đến hạn", "Hạn đóng tiếp theo", "Ngày đến hạn đóng"),
            clean=cleaners.clean_date,
            text=False,
        ),
        Field(
            "status",
            gettext_lazy("Insurance status"),
            ("Tình trạng tham gia", "Tình trạng BHXH", "Loại hình tham gia", "Tình trạng"),
            clean=clean_status_optional,
        ),
        Field("groups", gettext_lazy("Target groups"), ("Nhóm đối tượng", "Đối tượng", "Nhóm"), clean=_text(300)),
        Field(
            "consent",
            gettext_lazy("Agrees to messages"),
            ("Đồng ý nhận tin", "Đồng ý nhận tin nhắn", "Nhận tin"),
            clean=clean_yes_no,
        ),
        Field("consent_date", gettext_lazy("Consent date"), ("Ngày đồng ý",), clean=cleaners.clean_date, text=False),
        Field("consent_channel", gettext_lazy("Consent channel"), ("Kênh nhận tin",), clean=clean_channel),
        Field("note", gettext_lazy("Note"), ("Ghi chú",), clean=clean_note),
    ]


@dataclass
class PeopleContext:
    job: ImportJob
    actor: Any
    unit: Unit
    on: dt.date
    areas: AreaIndex
    default_commune: Area | None
    groups: dict[str, int]
    computed_groups: set[str]
    rollup: dict[int, int]
    source: str
    people: Any
    mapped: set[str]
    scope: Any
    activity: Any = None
    reached: set[int] = field(default_factory=set)
    now: Any = None
    writable: Any = None  # area ids the uploader may record people in; None: anywhere


def _check_writer(job: ImportJob, actor) -> None:
    if has_role(actor, READ_ONLY):
        raise ImportFileError(_("Your role may read but not change the registry."))
    if actor is not None and not scope_for(actor).allows(unit_id=job.unit_id):
        raise ImportFileError(_("This record belongs to another unit or area."))


def people_prepare(job: ImportJob, actor, *, on: dt.date | None = None) -> PeopleContext:
    _check_writer(job, actor)
    scope = scope_for(actor) if actor is not None else None
    from lantoa.orgs.access import EVERYTHING

    scope = scope or EVERYTHING
    on = on or (job.activity.start_date if job.activity_id else clock.today())
    areas = AreaIndex(scope=scope, on=on)
    groups, computed = _groups_index()
    commune_ids = {a.id for found in areas.communes.values() for a in found}
    return PeopleContext(
        job=job,
        actor=actor,
        unit=job.unit,
        on=on,
        areas=areas,
        default_commune=_unit_commune(job.unit),
        groups=groups,
        computed_groups=computed,
        rollup=commune_rollup_map(clock.today(), commune_ids),
        source=(_("Imported from file %(name)s") % {"name": job.original_name})[:200],
        people=person_scope(user=actor).filter(anonymised_at__isnull=True),
        mapped=set(job.mapping.get("columns", {})),
        scope=scope,
        activity=job.activity if job.activity_id else None,
        now=timezone.now(),
        writable=None if actor is None else writable_area_ids(actor),
    )


def people_check_mapping(job: ImportJob, columns: dict) -> list[str]:
    if "commune" not in columns and _unit_commune(job.unit) is None:
        return [_("Your unit is not a commune: choose the column that gives each person's commune.")]
    return []


def people_build(ctx: PeopleContext, values: dict) -> tuple[dict | None, list]:
    errors: list = []
    record: dict[str, Any] = {"full_name": values["full_name"], "name_key": search_key(values["full_name"])}
    birth = values.get("birth")
    if birth:
        record["birth_date"], record["birth_year"] = birth
        if record["birth_date"] is None:
            del record["birth_date"]
    for key in (
        "sex",
        "cccd",
        "bhxh_number",
        "phone",
        "phone2",
        "occupation",
        "declared_income",
        "note",
        "next_due_date",
        "consent_channel",
    ):
        value = values.get(key)
        if value not in (None, ""):
            record[key] = value
    # Where the person lives: the hamlet under its commune, the unit's own commune when there is no column.
    commune = None
    if values.get("commune"):
        try:
            commune = ctx.areas.commune(values["commune"])
        except FieldError as exc:
            errors.append(("commune", str(exc)))
    else:
        commune = ctx.default_commune
        if commune is None:
            errors.append(("commune", _("must not be empty")))
    address = values.get("address", "")
    if commune is not None and ctx.writable is not None and commune.id not in ctx.writable:
        # The gate: a commune's file records its own people, never someone in another commune.
        errors.append(("commune", _("%(commune)s is not a commune your unit works in") % {"commune": commune.name}))
        commune = None
    if commune is not None:
        area_id = commune.id
        if values.get("hamlet"):
            try:
                hamlet_id = ctx.areas.hamlet(commune, values["hamlet"])
            except FieldError as exc:
                errors.append(("hamlet", str(exc)))
                hamlet_id = None
            if hamlet_id:
                area_id = hamlet_id
            elif not errors:
                address = ", ".join(x for x in (address, values["hamlet"]) if x)
        record["area_id"] = area_id
        record["commune_id"] = ctx.rollup.get(commune.id, commune.id)
    if address:
        record["address"] = address[:300]
    # Insurance status: a payment mode means voluntary BHXH (the voluntary participants' list).
    status = values.get("status")
    mode = values.get("payment_mode")
    if status is None and mode:
        status = InsuranceStatus.VOLUNTARY
    if status is not None:
        record["insurance_status"] = status
    if mode:
        if status != InsuranceStatus.VOLUNTARY:
            errors.append(("payment_mode", _("a payment mode is for voluntary BHXH only")))
        record["payment_mode"] = mode
    if "paid_until" in values:
        record["next_due_date"] = values["paid_until"]
    if values.get("groups"):
        ids = []
        for part in re.split(r"[,;]", values["groups"]):
            key = search_key(part)
            if not key:
                continue
            key = re.sub(r"^nhom ", "", key) if key.startswith("nhom ") and key[5:].isdecimal() else key
            if key in ctx.computed_groups:
                errors.append(
                    ("groups", _("group “%(name)s” is computed from the due date, not typed") % {"name": part.strip()})
                )
            elif key in ctx.groups:
                ids.append(ctx.groups[key])
            else:
                errors.append(("groups", _("no target group “%(name)s”") % {"name": part.strip()[:60]}))
        record["group_ids"] = sorted(set(ids))
    if "consent" in values:
        record["consent"] = values["consent"]
        record["consent_date"] = values.get("consent_date") or ctx.on
    return (None if errors else record), errors


def _nbc(name_key: str, birth_date, commune_id) -> str:
    """`matching.name_birth_key` from the stored accent-free name (no second unidecode per row)."""
    if not name_key or not birth_date or not commune_id:
        return ""
    return f"{name_key}|{birth_date.isoformat()}|{commune_id}"


SAME_CCCD = gettext_lazy("same CCCD")
SAME_BHXH = gettext_lazy("same BHXH number")
SAME_PHONE_NAME = gettext_lazy("same phone and name")
SAME_NAME_BIRTH = gettext_lazy("same name, date of birth and commune")


def people_keys(record: dict) -> list[tuple[str, str]]:
    keys = []
    if record.get("cccd"):
        keys.append((SAME_CCCD, "c" + record["cccd"]))
    if record.get("bhxh_number"):
        keys.append((SAME_BHXH, "b" + record["bhxh_number"]))
    if record.get("phone"):
        keys.append((SAME_PHONE_NAME, f"p{record['phone']}|{record['name_key']}"))
    nbc = _nbc(record["name_key"], record.get("birth_date"), record.get("commune_id"))
    if nbc:
        keys.append((SAME_NAME_BIRTH, "n" + nbc))
    return keys


_LOAD_FIELDS = (*PERSON_FIELDS, "id", "name_key", "consent", "consent_date", "consent_channel")


def _ids_by_name_and_birth(pairs) -> list[int]:
    """Ids of the people with one of the (name key, birth date) pairs. Common names ("nguyen van an")
    are shared by many people: asking by name alone returns more rows with every batch."""
    table = connection.ops.quote_name(Person._meta.db_table)
    ids: list[int] = []
    pairs = list(pairs)
    for start in range(0, len(pairs), 400):
        chunk = pairs[start : start + 400]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        params = [v for pair in chunk for v in pair]
        with connection.cursor() as cur:
            # A join to the pairs: one probe of the (name_key, birth_date) index each, on SQLite and
            # PostgreSQL alike (SQLite scans the table for a row-value IN).
            cur.execute(
                f"SELECT p.id FROM (VALUES {values}) AS v JOIN {table} p "  # noqa: S608 - no user text
                "ON p.name_key = v.column1 AND p.birth_date = v.column2",
                params,
            )
            ids.extend(row[0] for row in cur.fetchall())
    return ids


def _find_people(ctx: PeopleContext, records: list[dict]):
    """(strong match, weak match) for each record; weak = the same phone only."""
    cccds = {r["cccd"] for r in records if r.get("cccd")}
    bhxhs = {r["bhxh_number"] for r in records if r.get("bhxh_number")}
    pairs = {(r["name_key"], r["birth_date"]) for r in records if r.get("birth_date")}
    phones = {r["phone"] for r in records if r.get("phone")}
    by_cccd, by_bhxh, by_nbc, by_phone, by_phone_name = {}, {}, {}, {}, {}
    # One query per key on that key's index alone, then the access gate's own predicate
    # (`Scope.allows`) and the merged/anonymised test in Python. With the scope's conditions in the SQL
    # (or the keys OR-ed together) SQLite picks the merged_into index — every row — for each batch,
    # which makes a large import quadratic.
    base = (
        Person.objects.only(*_LOAD_FIELDS, "unit_id", "merged_into_id", "anonymised_at")
        .annotate(area_level=F("area__level"), area_parent=F("area__parent_id"))
        .order_by()
    )
    scope = ctx.scope
    seen_ids: set[int] = set()
    found = []
    for lookup, keys in (
        ("cccd__in", cccds),
        ("bhxh_number__in", bhxhs),
        ("pk__in", _ids_by_name_and_birth(pairs)),
        ("phone__in", phones),
    ):
        if not keys:
            continue
        for p in base.filter(**{lookup: keys}):
            if p.merged_into_id is not None or p.anonymised_at is not None:
                continue
            if not scope.allows(unit_id=p.unit_id, area_id=p.area_id):
                continue
            if p.id not in seen_ids:
                seen_ids.add(p.id)
                found.append(p)
    found.sort(key=lambda p: p.id)
    for p in found:
        if p.cccd:
            by_cccd.setdefault(p.cccd, p)
        if p.bhxh_number:
            by_bhxh.setdefault(p.bhxh_number, p)
        if p.phone:
            by_phone.setdefault(p.phone, p)
            by_phone_name.setdefault((p.phone, p.name_key), p)
        if p.birth_date:
            commune = p.area_parent if p.area_level == Area.Level.HAMLET else p.area_id
            key = _nbc(p.name_key, p.birth_date, ctx.rollup.get(commune, commune))
            by_nbc.setdefault(key, p)
    out = []
    for r in records:
        strong = (
            by_cccd.get(r.get("cccd") or "")
            or by_bhxh.get(r.get("bhxh_number") or "")
            or by_nbc.get(_nbc(r["name_key"], r.get("birth_date"), r.get("commune_id")))
            # The same phone and the same name: the same person (a list without CCCD or birth date).
            or by_phone_name.get((r.get("phone"), r["name_key"]))
        )
        weak = None if strong else by_phone.get(r.get("phone") or "")
        out.append((strong, weak))
    return out, found


def _groups_of(person_ids) -> dict[int, set[int]]:
    through = Person.groups.through
    out: dict[int, set[int]] = {}
    for pid, gid in through.objects.filter(person_id__in=person_ids).values_list("person_id", "targetgroup_id"):
        out.setdefault(pid, set()).add(gid)
    return out


def _withdrawn(person_ids) -> set[int]:
    return set(ConsentEvent.objects.filter(person_id__in=person_ids, given=False).values_list("person_id", flat=True))


def _changes(
    person: Person, record: dict, groups: dict[int, set[int]], withdrawn: frozenset | set = frozenset()
) -> dict[str, Any]:
    changes = {}
    for name in PERSON_FIELDS:
        if name in record and getattr(person, name) != record[name]:
            changes[name] = record[name]
    if "area_id" in changes and person.area_id:
        # The same commune under its old and new name is no move: keep the more precise area.
        commune = person.area_parent if person.area_level == Area.Level.HAMLET else person.area_id
        same = record.get("commune_id") == changes["area_id"] == commune
        if same:
            del changes["area_id"]
    if changes.get("insurance_status") not in (None, InsuranceStatus.VOLUNTARY) and person.payment_mode:
        changes["payment_mode"] = ""
    # An opt-out is never undone by a sheet: only by the person, recorded by hand.
    opted_out = record.get("consent") and person.id in withdrawn
    if "consent" in record and record["consent"] != person.consent and not opted_out:
        changes["consent"] = record["consent"]
        changes["consent_date"] = record["consent_date"]
        changes["consent_channel"] = record.get("consent_channel", "all") if record["consent"] else ""
    if record.get("group_ids") and not set(record["group_ids"]) <= groups.get(person.id, set()):
        changes["_groups"] = True
    return changes


def people_match(ctx: PeopleContext, records: list[dict]) -> list[Outcome]:
    pairs, found = _find_people(ctx, records)
    groups = _groups_of([p.id for p in found]) if "groups" in ctx.mapped and found else {}
    withdrawn = _withdrawn([p.id for p in found]) if "consent" in ctx.mapped and found else set()
    outcomes = []
    for record, (strong, weak) in zip(records, pairs, strict=True):
        if strong is None:
            note = ""
            if weak is not None:
                note = _("possible duplicate: the same phone number as %(name)s, already in the registry") % {
                    "name": weak.full_name
                }
            outcomes.append(Outcome("new", note))
        else:
            outcomes.append(Outcome("updated" if _changes(strong, record, groups, withdrawn) else "unchanged"))
    return outcomes


def _new_person(ctx: PeopleContext, record: dict) -> Person:
    data = {k: record[k] for k in PERSON_FIELDS if k in record}
    p = Person(
        **data,
        name_key=record["name_key"],
        unit_id=ctx.unit.id,
        source=ctx.source,
        created_by=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
    )
    if p.insurance_status != InsuranceStatus.VOLUNTARY:
        p.payment_mode = ""
    if "consent" in record:
        p.consent = record["consent"]
        p.consent_date = record["consent_date"]
        p.consent_channel = record.get("consent_channel", "all") if record["consent"] else ""
    return p


def people_write(ctx: PeopleContext, records: list[dict], totals: dict) -> list[int]:
    """Create the new people, update the changed ones; returns the person id of every record."""
    pairs, found = _find_people(ctx, records)
    groups = _groups_of([p.id for p in found]) if "groups" in ctx.mapped and found else {}
    withdrawn = _withdrawn([p.id for p in found]) if "consent" in ctx.mapped and found else set()
    created: list[tuple[Person, dict]] = []
    changed: list[Person] = []
    changed_fields: set[str] = set()
    group_rows: list[tuple[int, int]] = []
    consents: list[tuple[Person, dict]] = []
    audits: list[AuditLog] = []
    ids: list[int | None] = []
    pending: dict[int, Person] = {}
    for record, (strong, _weak) in zip(records, pairs, strict=True):
        if strong is None:
            person = _new_person(ctx, record)
            created.append((person, record))
            ids.append(None)
            continue
        # Two rows of one batch may reach the same stored person through different keys.
        person = pending.get(strong.id, strong)
        ids.append(person.id)
        changes = _changes(person, record, groups, withdrawn)
        if not changes:
            totals["unchanged"] += 1
            continue
        totals["updated"] += 1
        # The old values of an updated person are kept in the audit, one row per person.
        audits.append(
            AuditLog(
                actor=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
                actor_name=ctx.actor.get_username() if getattr(ctx.actor, "is_authenticated", False) else "system",
                action=AuditLog.Action.UPDATE,
                verb="import_person_update",
                target_type=Person._meta.label_lower,
                target_id=str(person.id),
                target_repr=str(person)[:255],
                changes={
                    k: [_audit_value(getattr(person, k)), _audit_value(v)] for k, v in changes.items() if k != "_groups"
                },
                note=ctx.source,
                source="import",
            )
        )
        for name, value in changes.items():
            if name == "_groups":
                continue
            setattr(person, name, value)
            changed_fields.add(name)
        if "birth_date" in changes and person.birth_date:
            person.birth_year = person.birth_date.year
            changed_fields.add("birth_year")
        if "full_name" in changes:
            person.name_key = search_key(person.full_name)
            changed_fields.add("name_key")
        if changes.get("_groups"):
            group_rows.extend((person.id, g) for g in record["group_ids"])
        if "consent" in changes:
            consents.append((person, record))
        if person.id not in pending:
            pending[person.id] = person
            changed.append(person)
    if created:
        Person.objects.bulk_create([p for p, _r in created], batch_size=WRITE_BATCH)
        engine.audit_created(ctx.actor, [p for p, _r in created], verb="import_person_create", note=ctx.source)
        totals["created"] += len(created)
        for person, record in created:
            group_rows.extend((person.id, g) for g in record.get("group_ids", ()))
            if "consent" in record:
                consents.append((person, record))
        it = iter(created)
        ids = [i if i is not None else next(it)[0].id for i in ids]
    if changed:
        for person in changed:
            person.updated_at = ctx.now
        Person.objects.bulk_update(changed, sorted(changed_fields | {"updated_at"}), batch_size=WRITE_BATCH)
    if group_rows:
        through = Person.groups.through
        through.objects.bulk_create(
            [through(person_id=p, targetgroup_id=g) for p, g in group_rows],
            ignore_conflicts=True,
            batch_size=WRITE_BATCH,
        )
    if consents:
        recorder = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        ConsentEvent.objects.bulk_create(
            [
                ConsentEvent(
                    person=p,
                    given=r["consent"],
                    channel=r.get("consent_channel", "all"),
                    date=r["consent_date"],
                    how=ctx.source,
                    recorded_by=recorder,
                )
                for p, r in consents
            ],
            batch_size=WRITE_BATCH,
        )
        # A refusal is also a request about one's data (as when recorded by hand).
        DataRequest.objects.bulk_create(
            [
                DataRequest(
                    person=p,
                    kind=DataRequest.Kind.WITHDRAWAL,
                    received=r["consent_date"],
                    note=ctx.source,
                    handled_by=recorder,
                )
                for p, r in consents
                if not r["consent"]
            ],
            batch_size=WRITE_BATCH,
        )
    AuditLog.objects.bulk_create(audits, batch_size=WRITE_BATCH)
    return ids


def _audit_value(value):
    from lantoa.core.services import _jsonable

    return _jsonable(value)


def _people_write(ctx, records, totals):
    people_write(ctx, records, totals)


PEOPLE_SAMPLE = [
    [
        "1",
        "Nguyễn Văn An",
        "12/03/1985",
        "Nam",
        "087085001234",
        "8712345678",
        "0912345678",
        "Ấp 1",
        "Xã Long Khánh A",
        "1.500.000",
        "3 tháng",
        "12/2025",
    ],
    [
        "2",
        "Trần Thị Bích",
        "1990",
        "Nữ",
        "87190002345",
        "",
        "912 345 679",
        "Ấp 2",
        "Xã Long Khánh A",
        "2.000.000",
        "12 tháng",
        "06/2026",
    ],
]

register(
    Layout(
        kind=ImportJob.Kind.PEOPLE,
        title=gettext_lazy("People (e.g. the voluntary-BHXH participants list)"),
        fields=person_fields(),
        prepare=people_prepare,
        build=people_build,
        keys=people_keys,
        match=people_match,
        write=_people_write,
        check_mapping=people_check_mapping,
        sample=PEOPLE_SAMPLE,
    )
)

# ----- attendance: the people one activity reached ---------------------------------------------------


def attendance_prepare(job: ImportJob, actor) -> PeopleContext:
    if job.activity_id is None:
        raise ImportFileError(_("Choose the activity the people attended."))
    from django.core.exceptions import ValidationError

    from lantoa.audience.services import check_may_write

    try:
        check_may_write(actor, unit_id=job.activity.organiser_id, area_id=job.activity.area_id)
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from None
    return people_prepare(job, actor, on=job.activity.start_date)


def attendance_write(ctx: PeopleContext, records: list[dict], totals: dict) -> None:
    ids = people_write(ctx, records, totals)
    ctx.reached.update(ids)


def attendance_finish(ctx: PeopleContext, totals: dict) -> None:
    from lantoa.audience.services import reach_add_for_activity

    totals["reached_new"] = reach_add_for_activity(
        actor=ctx.actor, activity=ctx.activity, person_ids=ctx.reached, note=ctx.source
    )
    totals["reached"] = len(ctx.reached)


register(
    Layout(
        kind=ImportJob.Kind.ATTENDANCE,
        title=gettext_lazy("Attendance list of one activity"),
        fields=[
            f
            for f in person_fields()
            if f.key
            in {
                "full_name",
                "birth",
                "sex",
                "cccd",
                "bhxh_number",
                "phone",
                "hamlet",
                "commune",
                "address",
                "occupation",
                "groups",
                "note",
            }
        ],
        prepare=attendance_prepare,
        build=people_build,
        keys=people_keys,
        match=people_match,
        write=attendance_write,
        finish=attendance_finish,
        check_mapping=people_check_mapping,
        needs_activity=True,
        sample=[
            ["1", "Nguyễn Văn An", "12/03/1985", "Nam", "087085001234", "0912345678", "Ấp 1", "Xã Long Khánh A"],
            ["2", "Lê Thị Cúc", "1978", "Nữ", "", "0987654321", "Ấp 3", "Xã Long Khánh A"],
        ],
    )
)

# ----- staff lists ----------------------------------------------------------------------------------------

STAFF_FLAGS = ("position", "is_leader", "is_official", "communication", "valid_to")


def staff_fields() -> list[Field]:
    keep = {"full_name", "birth", "sex", "cccd", "phone", "commune"}
    return [
        *(f for f in person_fields() if f.key in keep),
        Field(
            "unit", gettext_lazy("Unit"), ("Đơn vị", "Cơ quan", "Đơn vị công tác", "Cơ quan, đơn vị"), clean=_text(200)
        ),
        Field("position", gettext_lazy("Position"), ("Chức vụ", "Chức danh", "Chức vụ, chức danh"), clean=_text(150)),
        Field(
            "is_leader", gettext_lazy("Leader"), ("Lãnh đạo", "Là lãnh đạo", "Lãnh đạo, quản lý"), clean=clean_yes_no
        ),
        Field(
            "is_official",
            gettext_lazy("Official / civil servant"),
            ("Công chức", "CBCC", "Cán bộ, công chức", "Công chức, viên chức"),
            clean=clean_yes_no,
        ),
        Field(
            "communication",
            gettext_lazy("Communication staff"),
            ("Làm công tác truyền thông", "Truyền thông", "Cán bộ truyền thông"),
            clean=clean_yes_no,
        ),
        Field(
            "valid_from",
            gettext_lazy("From"),
            ("Từ ngày", "Ngày bổ nhiệm", "Ngày nhận nhiệm vụ"),
            clean=cleaners.clean_date,
            text=False,
        ),
        Field(
            "valid_to", gettext_lazy("Until"), ("Đến ngày", "Ngày thôi nhiệm vụ"), clean=cleaners.clean_date, text=False
        ),
    ]


@dataclass
class StaffContext(PeopleContext):
    units: dict[str, Unit] = field(default_factory=dict)


def staff_prepare(job: ImportJob, actor) -> StaffContext:
    base = people_prepare(job, actor)
    scope = scope_for(actor) if actor is not None else None
    qs = Unit.objects.select_related("area").filter(valid_on(clock.today()))
    if scope is not None and not scope.sees_all:
        qs = qs.filter(id__in=scope.unit_ids)
    units: dict[str, Unit] = {}
    for unit in qs:
        for key in {unit_key(unit.name), unit_key(unit.short_name), search_key(unit.code)} - {""}:
            units.setdefault(key, unit)
    return StaffContext(**base.__dict__, units=units)


def unit_key(text: str) -> str:
    """ "Ủy ban nhân dân xã Long Khánh A", "UBND xã Long Khánh A" and "UBND Long Khánh A" alike."""
    key = search_key(text).replace("uy ban nhan dan", "ubnd")
    return re.sub(r"^ubnd (xa|phuong|thi tran|huyen) ", "ubnd ", key)


def staff_check_mapping(job: ImportJob, columns: dict) -> list[str]:
    return []


def staff_build(ctx: StaffContext, values: dict) -> tuple[dict | None, list]:
    unit = ctx.unit
    errors = []
    if values.get("unit"):
        unit = ctx.units.get(unit_key(values["unit"]))
        if unit is None:
            errors.append(("unit", _("no unit named “%(name)s” among yours") % {"name": values["unit"][:60]}))
    if unit is not None and not values.get("commune"):
        commune = _unit_commune(unit)
        if commune is None:
            errors.append(("commune", _("the unit is not a commune: fill in the commune where the person lives")))
        ctx_default = ctx.default_commune
        ctx.default_commune = commune
        record, person_errors = people_build(ctx, values)
        ctx.default_commune = ctx_default
    else:
        record, person_errors = people_build(ctx, values)
    errors.extend(e for e in person_errors if e[0] != "commune" or not any(x[0] == "commune" for x in errors))
    if errors or record is None:
        return None, errors
    posting = {
        "unit_id": unit.id,
        "position": values.get("position", ""),
        "is_leader": values.get("is_leader", False),
        "is_official": values.get("is_official", True),
        "communication": values.get("communication", False),
        "valid_from": values.get("valid_from"),
        "valid_to": values.get("valid_to"),
    }
    if posting["valid_from"] and posting["valid_to"] and posting["valid_to"] < posting["valid_from"]:
        return None, [("valid_to", _("The end date must be after the start date."))]
    record["posting"] = posting
    return record, []


def staff_keys(record: dict) -> list[tuple[str, str]]:
    unit = record["posting"]["unit_id"]
    return [(reason, f"s{unit}|{key}") for reason, key in people_keys(record) if key[0] in "cn"] or [
        (_("same name in the same unit"), f"s{unit}|{record['name_key']}|{record.get('birth_year')}")
    ]


def _postings(person_ids) -> dict[tuple[int, int], list[StaffPosting]]:
    out: dict[tuple[int, int], list[StaffPosting]] = {}
    for p in StaffPosting.objects.filter(person_id__in=person_ids):
        out.setdefault((p.person_id, p.unit_id), []).append(p)
    return out


def _posting_for(existing: list[StaffPosting], posting: dict) -> StaffPosting | None:
    for p in existing:
        if p.valid_from == posting["valid_from"] or (posting["valid_from"] is None and p.valid_to is None):
            return p
    return None


def _posting_changes(p: StaffPosting, posting: dict) -> dict:
    return {k: posting[k] for k in STAFF_FLAGS if getattr(p, k) != posting[k]}


def staff_match(ctx: StaffContext, records: list[dict]) -> list[Outcome]:
    pairs, _found = _find_people(ctx, records)
    postings = _postings([s.id for s, _w in pairs if s is not None])
    out = []
    for record, (strong, _weak) in zip(records, pairs, strict=True):
        if strong is None:
            out.append(Outcome("new"))
            continue
        p = _posting_for(postings.get((strong.id, record["posting"]["unit_id"]), []), record["posting"])
        out.append(
            Outcome("new" if p is None else ("updated" if _posting_changes(p, record["posting"]) else "unchanged"))
        )
    return out


def staff_write(ctx: StaffContext, records: list[dict], totals: dict) -> None:
    person_totals = {"created": 0, "updated": 0, "unchanged": 0}
    ids = people_write(ctx, records, person_totals)
    totals["people_created"] = totals.get("people_created", 0) + person_totals["created"]
    postings = _postings(ids)
    new, changed, fields_ = [], [], set()
    for pid, record in zip(ids, records, strict=True):
        posting = record["posting"]
        p = _posting_for(postings.get((pid, posting["unit_id"]), []), posting)
        if p is None:
            new.append(StaffPosting(person_id=pid, **posting))
            continue
        changes = _posting_changes(p, posting)
        if changes:
            for k, v in changes.items():
                setattr(p, k, v)
            fields_ |= set(changes)
            changed.append(p)
        else:
            totals["unchanged"] += 1
    StaffPosting.objects.bulk_create(new, batch_size=WRITE_BATCH)
    if changed:
        StaffPosting.objects.bulk_update(changed, sorted(fields_), batch_size=WRITE_BATCH)
    totals["created"] += len(new)
    totals["updated"] += len(changed)


register(
    Layout(
        kind=ImportJob.Kind.STAFF,
        title=gettext_lazy("Staff list (officials, leaders, communication staff)"),
        fields=staff_fields(),
        prepare=staff_prepare,
        build=staff_build,
        keys=staff_keys,
        match=staff_match,
        write=staff_write,
        check_mapping=staff_check_mapping,
        sample=[
            [
                "1",
                "Phạm Văn Dũng",
                "05/09/1975",
                "Nam",
                "087075003456",
                "0913000111",
                "Xã Long Khánh A",
                "Chủ tịch UBND xã",
                "x",
                "x",
                "",
                "01/07/2021",
            ],
            [
                "2",
                "Võ Thị Em",
                "20/11/1988",
                "Nữ",
                "087188004567",
                "0913000222",
                "Xã Long Khánh A",
                "Công chức Văn hóa - Xã hội",
                "",
                "x",
                "x",
                "15/03/2022",
            ],
        ],
    )
)

# ----- statistics (denominators) -----------------------------------------------------------------------

_STAT_KINDS = {
    "labour_force": Statistic.Kind.LABOUR_FORCE,
    "luc luong lao dong": Statistic.Kind.LABOUR_FORCE,
    "lao dong trong do tuoi": Statistic.Kind.LABOUR_FORCE,
    "nguoi trong do tuoi lao dong": Statistic.Kind.LABOUR_FORCE,
    "luc luong lao dong trong do tuoi": Statistic.Kind.LABOUR_FORCE,
    "officials": Statistic.Kind.OFFICIALS,
    "can bo cong chuc": Statistic.Kind.OFFICIALS,
    "cbcc": Statistic.Kind.OFFICIALS,
    "so can bo cong chuc": Statistic.Kind.OFFICIALS,
    "can bo cong chuc vien chuc": Statistic.Kind.OFFICIALS,
    "comm_staff": Statistic.Kind.COMM_STAFF,
    "can bo truyen thong": Statistic.Kind.COMM_STAFF,
    "nguoi lam cong tac truyen thong": Statistic.Kind.COMM_STAFF,
    "truyen thong": Statistic.Kind.COMM_STAFF,
}


def clean_stat_kind(value: str) -> str:
    key = search_key(value)
    for kind in Statistic.Kind:
        _STAT_KINDS.setdefault(search_key(str(kind.label)), kind)
    if key not in _STAT_KINDS:
        raise FieldError(_("write one of: lực lượng lao động, cán bộ công chức, cán bộ truyền thông"))
    return _STAT_KINDS[key].value


def clean_value(value: str) -> int:
    number = cleaners.clean_count(value)
    if number is None:
        raise FieldError(_("must not be empty"))
    return number


@dataclass
class StatsContext:
    job: ImportJob
    actor: Any
    scope: Any
    areas: AreaIndex
    units: dict[str, Unit]
    default_commune: Area | None


def stats_prepare(job: ImportJob, actor) -> StatsContext:
    _check_writer(job, actor)
    from lantoa.audience.statistics import may_write_statistics

    if actor is not None and not may_write_statistics(actor):
        # The denominators of T2, T3 and T4: only those who keep statistics may change them.
        raise ImportFileError(_("Your role may not record statistics."))
    staff = staff_prepare(job, actor)
    from lantoa.orgs.access import EVERYTHING

    return StatsContext(
        job, actor, scope_for(actor) if actor else EVERYTHING, staff.areas, staff.units, _unit_commune(job.unit)
    )


def stats_build(ctx: StatsContext, values: dict) -> tuple[dict | None, list]:
    kind, year = values["kind"], values["year"]
    record = {
        "kind": kind,
        "year": year,
        "value": values["value"],
        "source": values["source"],
        "source_date": values.get("source_date"),
        "area_id": None,
        "unit_id": None,
    }
    if kind == Statistic.Kind.LABOUR_FORCE:
        ctx.areas.on = dt.date(year, 7, 1)
        ctx.areas._cache.clear() if len(ctx.areas._cache) > 10000 else None
        if values.get("commune"):
            try:
                area = ctx.areas.commune(values["commune"])
            except FieldError as exc:
                return None, [("commune", str(exc))]
        else:
            area = ctx.default_commune
            if area is None:
                return None, [("commune", _("must not be empty"))]
        if not (ctx.scope.sees_all or area.id in ctx.scope.area_ids):
            return None, [("commune", _("%(name)s is outside your unit's areas") % {"name": area.name})]
        record["area_id"] = area.id
    else:
        unit = ctx.job.unit
        if values.get("unit"):
            unit = ctx.units.get(unit_key(values["unit"]))
            if unit is None:
                return None, [("unit", _("no unit named “%(name)s” among yours") % {"name": values["unit"][:60]})]
        record["unit_id"] = unit.id
    return record, []


def stats_keys(record: dict) -> list[tuple[str, str]]:
    owner = f"a{record['area_id']}" if record["area_id"] else f"u{record['unit_id']}"
    return [(_("same figure, year and place"), f"{record['kind']}|{record['year']}|{owner}")]


def _stats_existing(records: list[dict]) -> dict[str, Statistic]:
    kinds = {r["kind"] for r in records}
    years = {r["year"] for r in records}
    out = {}
    for s in Statistic.objects.filter(kind__in=kinds, year__in=years):
        owner = f"a{s.area_id}" if s.area_id else f"u{s.unit_id}"
        out[f"{s.kind}|{s.year}|{owner}"] = s
    return out


_STAT_FIELDS = ("value", "source", "source_date")


def stats_match(ctx, records):
    existing = _stats_existing(records)
    out = []
    for r in records:
        s = existing.get(stats_keys(r)[0][1])
        if s is None:
            out.append(Outcome("new"))
        else:
            out.append(Outcome("updated" if any(getattr(s, k) != r[k] for k in _STAT_FIELDS) else "unchanged"))
    return out


def stats_write(ctx, records, totals):
    existing = _stats_existing(records)
    new, changed = [], []
    for r in records:
        s = existing.get(stats_keys(r)[0][1])
        if s is None:
            new.append(Statistic(**{k: v for k, v in r.items() if not k.startswith("_")}))
        elif any(getattr(s, k) != r[k] for k in _STAT_FIELDS):
            for k in _STAT_FIELDS:
                setattr(s, k, r[k])
            changed.append(s)
        else:
            totals["unchanged"] += 1
    Statistic.objects.bulk_create(new, batch_size=WRITE_BATCH)
    if changed:
        Statistic.objects.bulk_update(changed, list(_STAT_FIELDS), batch_size=WRITE_BATCH)
    totals["created"] += len(new)
    totals["updated"] += len(changed)


register(
    Layout(
        kind=ImportJob.Kind.STATISTICS,
        title=gettext_lazy("Statistics (labour force, officials, communication staff)"),
        fields=[
            Field(
                "kind",
                gettext_lazy("Figure"),
                ("Chỉ tiêu", "Loại số liệu", "Số liệu", "Nội dung"),
                True,
                clean_stat_kind,
            ),
            Field("year", gettext_lazy("Year"), ("Năm",), True, clean_year, text=False),
            Field(
                "commune",
                gettext_lazy("Commune"),
                ("Xã", "Xã/Phường", "Phường", "Xã, phường, thị trấn"),
                clean=_text(150),
            ),
            Field("unit", gettext_lazy("Unit"), ("Đơn vị", "Cơ quan"), clean=_text(200)),
            Field(
                "value",
                gettext_lazy("Value"),
                ("Số lượng", "Giá trị", "Số người", "Tổng số"),
                True,
                clean_value,
                text=False,
            ),
            Field("source", gettext_lazy("Source"), ("Nguồn", "Nguồn số liệu"), True, _text(300)),
            Field(
                "source_date",
                gettext_lazy("As of"),
                ("Tính đến ngày", "Ngày số liệu", "Thời điểm"),
                clean=cleaners.clean_date,
                text=False,
            ),
        ],
        prepare=stats_prepare,
        build=stats_build,
        keys=stats_keys,
        match=stats_match,
        write=stats_write,
        sample=[
            ["1", "Lực lượng lao động", "2024", "Xã Long Khánh A", "", "6.850", "Chi cục Thống kê huyện", "31/12/2024"],
            ["2", "Cán bộ công chức", "2024", "", "UBND xã Long Khánh A", "21", "UBND xã Long Khánh A", "31/12/2024"],
        ],
    )
)


def sample_headers(kind: str) -> list[str]:
    """The header row of the sample file: STT, then the first alias of each sample column."""
    from lantoa.audience.imports.engine import LAYOUTS

    order = {
        ImportJob.Kind.PEOPLE: [
            "full_name",
            "birth",
            "sex",
            "cccd",
            "bhxh_number",
            "phone",
            "hamlet",
            "commune",
            "declared_income",
            "payment_mode",
            "paid_until",
        ],
        ImportJob.Kind.ATTENDANCE: ["full_name", "birth", "sex", "cccd", "phone", "hamlet", "commune"],
        ImportJob.Kind.STAFF: [
            "full_name",
            "birth",
            "sex",
            "cccd",
            "phone",
            "commune",
            "position",
            "is_leader",
            "is_official",
            "communication",
            "valid_from",
        ],
        ImportJob.Kind.STATISTICS: ["kind", "year", "commune", "unit", "value", "source", "source_date"],
    }[kind]
    layout = LAYOUTS[kind]
    return ["STT", *(layout.field(k).aliases[0] for k in order)]
