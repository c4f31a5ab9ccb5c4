"""Importing the communication team from a sheet ("team" layout of the audience import engine).

Each row names a person (full name with a date of birth, CCCD or phone: matched to the registry, or added
to it when not found) and their role as offices write it ("CTV", "Cộng tác viên", "Đại lý thu",
"Trưởng ấp", "Báo cáo viên", "Chức sắc tôn giáo"… — "Trưởng ấp, CTV" gives two rows), the unit, the
commune or hamlet, the organisation and the dates. Every row is checked before anything is written; the
write is the engine's one transaction. A person already in the registry is not changed by this sheet.
Re-importing the same sheet finds every row's member again (same person, role and unit over a period
that meets the row's) and changes nothing.
"""

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantoa.audience import fields as cleaners
from lantoa.audience.fields import FieldError
from lantoa.audience.imports import engine
from lantoa.audience.imports.engine import Field, Layout, Outcome, register
from lantoa.audience.imports.layouts import (
    StaffContext,
    _find_people,
    _new_person,
    _text,
    _unit_commune,
    clean_note,
    people_build,
    people_keys,
    person_fields,
    staff_prepare,
    unit_key,
)
from lantoa.audience.models import Person
from lantoa.core.text import search_key
from lantoa.team.models import Role, TeamMember

KIND = "team"  # ImportJob.kind (max 12 characters)
WRITE_BATCH = 500

# Role words as offices write them (accent-free keys).
ROLE_WORDS = {
    Role.COLLABORATOR: (
        "ctv",
        "ctv bhxh",
        "cong tac vien",
        "cong tac vien bhxh",
        "cong tac vien tuyen truyen",
        "cong tac vien thu",
    ),
    Role.INSURANCE_STAFF: (
        "can bo bhxh",
        "cb bhxh",
        "vien chuc bhxh",
        "nhan vien bhxh",
        "bhxh",
        "bhxh huyen",
        "can bo bao hiem xa hoi",
        "vien chuc bao hiem xa hoi",
    ),
    Role.COLLECTION_AGENT: (
        "dai ly thu",
        "dai ly",
        "dai ly thu bhxh",
        "nhan vien dai ly thu",
        "nhan vien thu",
        "diem thu",
        "to chuc dich vu thu",
        "buu dien",
        "nhan vien buu dien",
        "dai ly thu buu dien",
    ),
    Role.REPORTER: ("bao cao vien", "bcv", "bao cao vien huyen"),
    Role.HAMLET_HEAD: (
        "truong ap",
        "truong khom",
        "truong thon",
        "truong ban nhan dan ap",
        "truong ban ap",
        "to truong to dan pho",
    ),
    Role.PRESTIGIOUS: ("nguoi co uy tin", "nguoi uy tin", "uy tin"),
    Role.RELIGIOUS: ("chuc sac ton giao", "chuc sac", "chuc viec", "chuc sac chuc viec", "chuc viec ton giao"),
}
_ROLE_INDEX = {word: role for role, words in ROLE_WORDS.items() for word in words}
_ROLE_INDEX.update({search_key(r.value): r for r in Role} | {search_key(str(r.label)): r for r in Role})
_ROLE_SPLIT = re.compile(r"[,;/+]|\s+(?:kiêm|kiem|và|va)\s+", re.IGNORECASE)


def clean_roles(value: str) -> list[str]:
    """ "CTV", "Trưởng ấp kiêm CTV", "Cộng tác viên; Người có uy tín" → the roles, each once."""
    text = cleaners.clean_text(value, max_length=200)
    parts = [text] if search_key(text) in _ROLE_INDEX else _ROLE_SPLIT.split(text)
    roles: list[str] = []
    for part in parts:
        key = search_key(part)
        if not key:
            continue
        role = _ROLE_INDEX.get(key)
        if role is None:
            raise FieldError(
                _(
                    "unknown team role “%(name)s”: write e.g. CTV, Cộng tác viên, Đại lý thu, Báo cáo viên, "
                    "Trưởng ấp, Người có uy tín, Chức sắc tôn giáo"
                )
                % {"name": part.strip()[:60]}
            )
        if role not in roles:
            roles.append(role)
    if not roles:
        raise FieldError(_("must not be empty"))
    return roles


def team_fields() -> list[Field]:
    keep = {"full_name", "birth", "sex", "cccd", "phone", "hamlet", "commune", "address"}
    return [
        *(f for f in person_fields() if f.key in keep),
        Field(
            "role",
            gettext_lazy("Team role"),
            ("Vai trò", "Chức danh", "Nhiệm vụ", "Vai trò trong đội ngũ", "Loại", "Thành phần"),
            True,
            clean_roles,
        ),
        Field("unit", gettext_lazy("Unit"), ("Đơn vị", "Đơn vị quản lý", "Cơ quan, đơn vị"), clean=_text(200)),
        Field(
            "organisation",
            gettext_lazy("Organisation"),
            ("Tổ chức", "Nơi công tác", "Tổ chức dịch vụ thu", "Đơn vị công tác"),
            clean=_text(200),
        ),
        Field(
            "valid_from",
            gettext_lazy("From"),
            ("Từ ngày", "Ngày bắt đầu", "Ngày tham gia", "Ngày ký hợp đồng"),
            clean=cleaners.clean_date,
            text=False,
        ),
        Field(
            "valid_to",
            gettext_lazy("Until"),
            ("Đến ngày", "Ngày kết thúc", "Ngày thôi", "Ngày nghỉ"),
            clean=cleaners.clean_date,
            text=False,
        ),
        Field("member_note", gettext_lazy("Note"), ("Ghi chú",), clean=clean_note),
    ]


@dataclass
class TeamContext(StaffContext):
    cache: dict = field(default_factory=dict)


def team_prepare(job, actor) -> TeamContext:
    base = staff_prepare(job, actor)
    return TeamContext(**base.__dict__)


def team_build(ctx: TeamContext, values: dict) -> tuple[dict | None, list]:
    errors: list = []
    unit = ctx.unit
    if values.get("unit"):
        unit = ctx.units.get(unit_key(values["unit"]))
        if unit is None:
            errors.append(("unit", _("no unit named “%(name)s” among yours") % {"name": values["unit"][:60]}))
    if not (values.get("birth") or values.get("cccd") or values.get("phone")):
        errors.append(
            ("full_name", _("give the date of birth, CCCD or phone as well, so the person is found in the registry"))
        )
    default = ctx.default_commune
    if unit is not None and not values.get("commune"):
        ctx.default_commune = _unit_commune(unit)
    person_values = {k: v for k, v in values.items() if k != "member_note"}
    record, person_errors = people_build(ctx, person_values)
    ctx.default_commune = default
    errors.extend(person_errors)
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and end < start:
        errors.append(("valid_to", _("The end date must be after the start date.")))
    if record is not None and unit is not None and not ctx.scope.allows(unit_id=unit.id, area_id=record["area_id"]):
        errors.append(("unit", _("You may only keep team members of your own unit and communes.")))
    if errors or record is None:
        return None, errors
    record["member"] = {
        "roles": values["role"],
        "unit_id": unit.id,
        "area_id": record["area_id"],
        "organisation": values.get("organisation", ""),
        "valid_from": start,
        "valid_to": end,
        "note": values.get("member_note", ""),
    }
    return record, []


def _identity(record: dict) -> str:
    keys = [k for _r, k in people_keys(record)]
    return keys[0] if keys else f"x{record['name_key']}|{record.get('birth_year')}|{record.get('area_id')}"


def team_keys(record: dict) -> list[tuple[str, str]]:
    m = record["member"]
    start = m["valid_from"].isoformat() if m["valid_from"] else ""
    return [
        (_("same person, role and unit"), f"t{role}|{m['unit_id']}|{start}|{_identity(record)}") for role in m["roles"]
    ]


MEMBER_FIELDS = ("area_id", "organisation", "valid_to", "note")


def _members_of(person_ids) -> dict[tuple[int, str, int], list[TeamMember]]:
    out: dict[tuple[int, str, int], list[TeamMember]] = {}
    for m in TeamMember.objects.filter(person_id__in=person_ids).order_by("pk"):
        out.setdefault((m.person_id, m.role, m.unit_id), []).append(m)
    return out


def _same_member(existing: list[TeamMember], m: dict) -> TeamMember | None:
    """The stored row of that person, role and unit whose period meets the row's."""
    start, end = m["valid_from"], m["valid_to"]
    for row in existing:
        if (end is None or row.valid_from is None or row.valid_from <= end) and (
            start is None or row.valid_to is None or row.valid_to >= start
        ):
            return row
    return None


def _member_changes(row: TeamMember, m: dict) -> dict:
    changes = {k: m[k] for k in MEMBER_FIELDS if m[k] not in (None, "") and getattr(row, k) != m[k]}
    if m["valid_from"] and row.valid_from is None:
        changes["valid_from"] = m["valid_from"]
    return changes


def team_match(ctx: TeamContext, records: list[dict]) -> list[Outcome]:
    pairs, _found = _find_people(ctx, records)
    members = _members_of([s.id for s, _w in pairs if s is not None])
    out = []
    for record, (strong, _weak) in zip(records, pairs, strict=True):
        m = record["member"]
        if strong is None:
            out.append(Outcome("new"))
            continue
        rows = [_same_member(members.get((strong.id, role, m["unit_id"]), []), m) for role in m["roles"]]
        if any(r is None for r in rows):
            out.append(Outcome("new"))
        else:
            out.append(Outcome("updated" if any(_member_changes(r, m) for r in rows) else "unchanged"))
    return out


def team_write(ctx: TeamContext, records: list[dict], totals: dict) -> None:
    pairs, _found = _find_people(ctx, records)
    person_ids: list[int | None] = []
    new_people: dict[str, Person] = {}
    for record, (strong, _weak) in zip(records, pairs, strict=True):
        if strong is not None:
            person_ids.append(strong.id)
            continue
        key = _identity(record)
        if key not in new_people:
            new_people[key] = _new_person(ctx, {k: v for k, v in record.items() if k != "consent"})
        person_ids.append(None)
    if new_people:
        Person.objects.bulk_create(list(new_people.values()), batch_size=WRITE_BATCH)
        engine.audit_created(ctx.actor, new_people.values(), verb="import_person_create", note=ctx.job.original_name)
        totals["people_created"] = totals.get("people_created", 0) + len(new_people)
    ids = [pid if pid is not None else new_people[_identity(r)].id for pid, r in zip(person_ids, records, strict=True)]
    members = _members_of(ids)
    new, changed, changed_fields = [], [], set()
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    for pid, record in zip(ids, records, strict=True):
        m = record["member"]
        for role in m["roles"]:
            existing = members.setdefault((pid, role, m["unit_id"]), [])
            row = _same_member(existing, m)
            if row is None:
                row = TeamMember(
                    person_id=pid,
                    role=role,
                    unit_id=m["unit_id"],
                    area_id=m["area_id"],
                    organisation=m["organisation"],
                    valid_from=m["valid_from"],
                    valid_to=m["valid_to"],
                    note=m["note"],
                    created_by=actor,
                )
                existing.append(row)
                new.append(row)
                continue
            changes = _member_changes(row, m)
            if not changes:
                totals["unchanged"] += 1
                continue
            for k, v in changes.items():
                setattr(row, k, v)
            changed_fields |= set(changes)
            if row.pk and row not in changed:
                changed.append(row)
    TeamMember.objects.bulk_create(new, batch_size=WRITE_BATCH)
    if changed:
        TeamMember.objects.bulk_update(changed, sorted(changed_fields), batch_size=WRITE_BATCH)
    totals["created"] += len(new)
    totals["updated"] += len(changed)


def team_check_mapping(job, columns: dict) -> list[str]:
    if "commune" not in columns and "unit" not in columns and _unit_commune(job.unit) is None:
        return [_("Your unit is not a commune: choose the column that gives the commune of each row.")]
    return []


SAMPLE_COLUMNS = ["full_name", "birth", "cccd", "phone", "role", "organisation", "hamlet", "commune", "valid_from"]
SAMPLE = [
    [
        "1",
        "Nguyễn Văn Hòa",
        "12/03/1975",
        "087075001234",
        "0912345601",
        "Trưởng ấp, CTV",
        "",
        "Ấp 1",
        "Xã Long Khánh A",
        "01/01/2022",
    ],
    [
        "2",
        "Lê Thị Lan",
        "1988",
        "",
        "0912345602",
        "Đại lý thu",
        "Bưu điện huyện Hồng Ngự",
        "",
        "Xã Long Khánh A",
        "15/03/2022",
    ],
    ["3", "Trần Văn Phúc", "05/09/1960", "", "", "Chức sắc tôn giáo", "", "", "Xã Long Khánh A", ""],
]

LAYOUT = register(
    Layout(
        kind=KIND,
        title=gettext_lazy("Communication team"),
        fields=team_fields(),
        prepare=team_prepare,
        build=team_build,
        keys=team_keys,
        match=team_match,
        write=team_write,
        check_mapping=team_check_mapping,
        sample=SAMPLE,
    )
)


def sample_workbook() -> bytes:
    """The sample sheet, shaped like the office lists (title block, header, numbering row)."""
    from openpyxl import Workbook

    from lantoa.core.exports import append_row

    headers = ["STT", *(LAYOUT.field(k).aliases[0] for k in SAMPLE_COLUMNS)]
    wb = Workbook()
    ws = wb.active
    ws.title = "Mau"
    append_row(ws, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    append_row(ws, ["Độc lập - Tự do - Hạnh phúc"])
    append_row(ws, [])
    append_row(ws, ["DANH SÁCH ĐỘI NGŨ TUYÊN TRUYỀN, CỘNG TÁC VIÊN, ĐẠI LÝ THU"])
    append_row(ws, [])
    append_row(ws, headers)
    append_row(ws, [f"({i})" for i in range(1, len(headers) + 1)])
    for row in SAMPLE:
        append_row(ws, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
