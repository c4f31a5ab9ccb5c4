"""Importable layouts for the records units kept in Excel: activities (the district's summary sheet),
commune radio logs, employers and households.

They follow the people layouts (layouts.py): each declares its fields with the header texts offices
write, resolves names (units, forms, target groups, topics, campaigns, communes on the record's date)
in `build`, names what makes two rows the same in `keys`, and writes in bulk inside the engine's one
transaction. Re-importing the same file matches every row to what it wrote the first time: nothing
changes. Validation is the services' own (activities.services, radio.services), applied per row.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantoa.activities.kinds import Kind, default_channel, is_modern
from lantoa.activities.models import Activity, Audience, Campaign
from lantoa.activities.services import activity_changed_hooks, writable_area_ids
from lantoa.audience import fields as cleaners
from lantoa.audience.fields import FieldError
from lantoa.audience.imports.engine import Field, Layout, Outcome, register
from lantoa.audience.imports.layouts import (
    AreaIndex,
    _check_writer,
    _text,
    _unit_commune,
    clean_note,
    clean_yes_no,
)
from lantoa.audience.lookups import match_group, match_kind, match_topics, match_unit
from lantoa.audience.models import Employer, Household, ImportJob
from lantoa.core import clock
from lantoa.core.text import format_date, nfc, search_key
from lantoa.geo.models import Area
from lantoa.orgs.access import EVERYTHING, scope_for
from lantoa.orgs.models import Unit
from lantoa.radio.models import MAX_DURATION, Broadcast

WRITE_BATCH = 500

# ----- shared helpers ------------------------------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _office(text) -> str:
    """Text stored in a record (notes) is in the office's language, whoever imports: `text` is a
    callable giving the translated text."""
    with translation.override(settings.LANGUAGE_CODE):
        return text()


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


class DatedAreaIndex(AreaIndex):
    """AreaIndex read on each row's own date: "Thường Lạc" is the commune in 2023 and the ward since
    01/07/2025; the commune found is the one in force on that date when several share the name."""

    def __init__(self, *, scope, on: dt.date):
        super().__init__(scope=scope, on=on)
        self._dated: dict[tuple[str, dt.date], Area | str] = {}

    def commune_on(self, text: str, day: dt.date) -> Area:
        key = (text, day)
        hit = self._dated.get(key)
        if hit is None:
            self.on = day
            hit = self._resolve(search_key(text), text)
            self._dated[key] = hit
        if isinstance(hit, str):
            raise FieldError(hit)
        return hit


def _commune_field(required: bool = False) -> Field:
    return Field(
        "commune",
        gettext_lazy("Commune"),
        ("Xã", "Xã/Thị trấn", "Xã/Phường", "Phường", "Xã, phường, thị trấn", "Xã/phường/thị trấn", "Thị trấn"),
        required,
        _text(150),
    )


def _hamlet_field() -> Field:
    return Field(
        "hamlet", gettext_lazy("Hamlet"), ("Ấp", "Khóm", "Ấp/Khóm", "Ấp, khóm", "Thôn", "Tổ dân phố"), clean=_text(150)
    )


def clean_whole(value: str) -> int | None:
    """A count typed as 1.200 or 1,200 or "35 người"."""
    text = re.sub(r"\s*(người|nguoi|lượt|luot|hộ|ho)\s*$", "", nfc(value), flags=re.IGNORECASE)
    text = re.sub(r"[.,](?=\d{3}(\D|$))", "", text)
    return cleaners.clean_count(text)


_MINUTES = re.compile(r"^(\d{1,3})(?:[.,]0+)?\s*(?:phút|phut|p|')?$", re.IGNORECASE)


def clean_minutes(value: str) -> int:
    m = _MINUTES.match(nfc(value))
    if not m or not 1 <= int(m.group(1)) <= MAX_DURATION:
        raise FieldError(_("write the minutes as a whole number from 1 to %(max)s") % {"max": MAX_DURATION})
    return int(m.group(1))


_TIME = re.compile(r"^(\d{1,2})\s*(?::|h|g|giờ|gio)\s*(\d{1,2})?\s*(?:(?::)\s*\d{1,2})?\s*(?:phút|phut|p)?$")


def clean_time(value: str) -> dt.time | None:
    """06:00, 6h, 6h30, 6 giờ 30, 06:00:00 (a time cell), or Excel's fraction of a day (0.25)."""
    text = nfc(value).lower()
    if not text:
        return None
    if re.fullmatch(r"0?\.\d+|0", text):
        minutes = round(float(text) * 24 * 60)
        if minutes < 24 * 60:
            return dt.time(minutes // 60, minutes % 60)
    m = _TIME.match(text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise FieldError(_("write the time as hh:mm, e.g. 06:30"))


def _title(value: str, max_length: int):
    return " ".join(cleaners.clean_text(value, max_length=max_length).split())


def _title_cleaner(max_length: int):
    def clean(value: str) -> str:
        return _title(value, max_length)

    return clean


def _in_force_error(area: Area, day: dt.date) -> str:
    """Why `area` (or its commune, for a hamlet) was not in force on `day`; "" if it was."""
    chain = [area, area.parent] if area.level == Area.Level.HAMLET and area.parent_id else [area]
    for a in chain:
        if a.valid_to is not None and day > a.valid_to:
            return _("%(area)s no longer existed on %(date)s: it ended on %(end)s.") % {
                "area": a.name,
                "date": format_date(day),
                "end": format_date(a.valid_to),
            }
        if a.valid_from is not None and day < a.valid_from:
            return _("%(area)s did not exist yet on %(date)s: it started on %(start)s.") % {
                "area": a.name,
                "date": format_date(day),
                "start": format_date(a.valid_from),
            }
    return ""


def _cached(cache: dict, key, compute):
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@dataclass
class RecordsContext:
    job: ImportJob
    actor: Any
    scope: Any
    areas: DatedAreaIndex
    today: dt.date
    default_commune: Area | None
    mapped: set[str]
    allowed_areas: set[int] | None = None
    units: list[Unit] = field(default_factory=list)
    campaigns: dict[str, list[Campaign]] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    now: Any = None


def records_prepare(job: ImportJob, actor) -> RecordsContext:
    _check_writer(job, actor)
    scope = scope_for(actor) if actor is not None else EVERYTHING
    today = clock.today()
    return RecordsContext(
        job=job,
        actor=actor,
        scope=scope,
        areas=DatedAreaIndex(scope=scope, on=today),
        today=today,
        default_commune=_unit_commune(job.unit),
        mapped=set(job.mapping.get("columns", {})),
        now=timezone.now(),
    )


def _commune(ctx: RecordsContext, values: dict, day: dt.date, errors: list) -> Area | None:
    """The commune of the row (its column, else the importing unit's), named as on `day`."""
    if values.get("commune"):
        try:
            return ctx.areas.commune_on(values["commune"], day)
        except FieldError as exc:
            errors.append(("commune", str(exc)))
            return None
    if ctx.default_commune is None:
        errors.append(("commune", _("must not be empty")))
    return ctx.default_commune


def _in_scope(ctx: RecordsContext, area: Area) -> bool:
    return ctx.scope.sees_all or area.id in ctx.scope.area_ids


def _needs_commune_column(job: ImportJob, columns: dict) -> list[str]:
    if "commune" not in columns and _unit_commune(job.unit) is None:
        return [_("Your unit is not a commune: choose the column that gives the commune of each row.")]
    return []


def _topics(ctx: RecordsContext, text: str) -> tuple[list, list[str]]:
    return _cached(ctx.cache, ("topics", text), lambda: match_topics(text))


# ----- activities: the district's summary sheet ----------------------------------------------------------


def activity_fields() -> list[Field]:
    return [
        Field(
            "date",
            gettext_lazy("Date"),
            ("Ngày", "Ngày tổ chức", "Ngày thực hiện", "Ngày, tháng", "Thời gian", "Thời gian tổ chức"),
            True,
            cleaners.clean_date,
            text=False,
        ),
        Field(
            "organiser",
            gettext_lazy("Organiser"),
            ("Đơn vị tổ chức", "Đơn vị thực hiện", "Đơn vị", "Cơ quan, đơn vị", "Đơn vị chủ trì"),
            True,
            _text(200),
        ),
        _commune_field(required=True),
        _hamlet_field(),
        Field(
            "kind",
            gettext_lazy("Form"),
            ("Hình thức", "Hình thức tuyên truyền", "Hình thức hoạt động", "Loại hình"),
            True,
            _text(200),
        ),
        Field(
            "group",
            gettext_lazy("Target group"),
            ("Đối tượng", "Đối tượng tham dự", "Nhóm đối tượng"),
            clean=_text(200),
        ),
        Field(
            "headcount",
            gettext_lazy("People present"),
            ("Số người tham dự", "Số người tham gia", "Số lượng người tham dự", "Số người dự", "Số lượt người"),
            clean=clean_whole,
            text=False,
        ),
        Field(
            "topics",
            gettext_lazy("Content"),
            ("Nội dung", "Nội dung tuyên truyền", "Chủ đề", "Nội dung chính"),
            clean=_text(2000),
        ),
        Field(
            "campaign", gettext_lazy("Campaign"), ("Thuộc chiến dịch", "Chiến dịch", "Đợt cao điểm"), clean=_text(200)
        ),
        Field(
            "cost",
            gettext_lazy("Cost (VND)"),
            ("Kinh phí", "Kinh phí thực hiện", "Chi phí", "Kinh phí đồng"),
            clean=cleaners.clean_money,
            text=False,
        ),
        Field(
            "title",
            gettext_lazy("Activity name"),
            ("Tên hoạt động", "Tên hội nghị", "Tên chương trình"),
            clean=_text(300),
        ),
        Field(
            "estimated_reach",
            gettext_lazy("Estimated reach"),
            ("Ước tính số người tiếp cận", "Số người tiếp cận", "Số người tiếp cận ước tính", "Ước tính tiếp cận"),
            clean=clean_whole,
            text=False,
        ),
        Field(
            "signups",
            gettext_lazy("Voluntary-BHXH sign-ups"),
            (
                "Số người đăng ký tham gia BHXH TN",
                "Số người đăng ký tham gia BHXH tự nguyện",
                "Số người tham gia BHXH tự nguyện mới",
                "Số người đăng ký",
            ),
            clean=clean_whole,
            text=False,
        ),
        Field("note", gettext_lazy("Note"), ("Ghi chú", "Kết quả", "Kết quả, ghi chú"), clean=clean_note),
    ]


def activities_prepare(job: ImportJob, actor) -> RecordsContext:
    ctx = records_prepare(job, actor)
    ctx.allowed_areas = writable_area_ids(actor) if actor is not None else None
    ctx.units = list(Unit.objects.all())
    for c in Campaign.objects.all():
        ctx.campaigns.setdefault(search_key(c.name), []).append(c)
    return ctx


def _organiser(ctx: RecordsContext, text: str, day: dt.date) -> tuple[Unit | None, str]:
    # Names are read against the units in force on the day; that set changes only on a few dates, so
    # the (costly) name matching runs once per name and set, not per row.
    def in_force():
        units = [u for u in ctx.units if u.is_valid_on(day)]
        return tuple(u.id for u in units), units

    ids, units = _cached(ctx.cache, ("units", day), in_force)

    def find():
        unit, why = match_unit(text, units)
        if unit is not None:
            return unit, None
        if why == "ambiguous":
            return None, _("more than one unit matches “%(name)s”: write the unit's full name") % {"name": text[:60]}
        # A unit closed or not yet set up on that date (a commune's committee before or after the merger).
        other, _why = match_unit(text, ctx.units)
        if other is not None:
            return None, other
        return None, _("unit “%(name)s” not found") % {"name": text[:60]}

    unit, why = _cached(ctx.cache, ("unit", search_key(text), ids), find)
    if isinstance(why, Unit):
        return None, _("%(unit)s was not active on %(date)s.") % {"unit": why.name, "date": format_date(day)}
    return unit, why or ""


def _campaign(ctx: RecordsContext, text: str, day: dt.date) -> tuple[Campaign | None, str]:
    found = ctx.campaigns.get(search_key(text), [])
    if not found:
        return None, _("campaign “%(name)s” not found") % {"name": text[:60]}
    for c in found:
        if c.start_date <= day <= c.end_date:
            return c, ""
    c = found[0]
    return None, _("The activity's date is outside the campaign (%(start)s – %(end)s).") % {
        "start": format_date(c.start_date),
        "end": format_date(c.end_date),
    }


def activities_build(ctx: RecordsContext, values: dict) -> tuple[dict | None, list]:
    errors: list = []
    day: dt.date = values["date"]
    if day > ctx.today:
        errors.append(("date", _("An activity marked done cannot be in the future; mark it planned.")))
    elif message := clock.too_early(day):
        errors.append(("date", message))

    kind = _cached(ctx.cache, ("kind", values["kind"]), lambda: match_kind(values["kind"]))
    if kind is None:
        errors.append(("kind", _("form of activity “%(name)s” not found") % {"name": values["kind"][:60]}))

    organiser, why = _organiser(ctx, values["organiser"], day)
    if organiser is None:
        errors.append(("organiser", why))
    elif not ctx.scope.sees_all and organiser.id not in ctx.scope.unit_ids:
        errors.append(("organiser", _("You may record activities only for your own unit.")))

    notes = []
    area = None
    commune = _commune(ctx, values, day, errors)
    if commune is not None:
        area = commune
        if message := _in_force_error(commune, day):
            errors.append(("commune", message))
        elif values.get("hamlet"):
            # The hamlet when it is recorded under the commune; else the commune, the hamlet kept in the note.
            try:
                hamlet_id = ctx.areas.hamlet(commune, values["hamlet"])
            except FieldError:
                hamlet_id = None
            if hamlet_id:
                area = _cached(ctx.cache, ("area", hamlet_id), lambda: Area.objects.get(pk=hamlet_id))
            else:
                notes.append(_office(lambda: _("Hamlet: %(name)s") % {"name": values["hamlet"]}))
        if ctx.allowed_areas is not None and area.id not in ctx.allowed_areas:
            errors.append(("commune", _("You may not record activities in %(area)s.") % {"area": area.name}))

    audience = None
    if values.get("group"):
        group = _cached(ctx.cache, ("group", values["group"]), lambda: match_group(values["group"]))
        if group is None:
            errors.append(("group", _("target group “%(name)s” not found") % {"name": values["group"][:60]}))
        elif values.get("headcount") is None:
            errors.append(("headcount", _("must not be empty")))
        else:
            audience = (group.id, values["headcount"])
    elif values.get("headcount"):
        errors.append(("group", _("name the target group of the %(n)s people") % {"n": values["headcount"]}))

    topic_ids = None
    if values.get("topics"):
        topics, unknown = _topics(ctx, values["topics"])
        topic_ids = sorted(t.id for t in topics)
        if unknown:
            # Free text the topic list does not name: kept, not refused.
            notes.append(_office(lambda: _("Content: %(text)s") % {"text": values["topics"]}))

    campaign_id = None
    if values.get("campaign"):
        campaign, why = _campaign(ctx, values["campaign"], day)
        if campaign is None:
            errors.append(("campaign", why))
        else:
            campaign_id = campaign.id

    if errors:
        return None, errors
    title = values.get("title") or ""
    if not title:
        title = _office(lambda: str(Kind(kind).label))  # as activity_save names an untitled activity
    note = _join(values.get("note", ""), *notes)
    record = {
        "organiser_id": organiser.id,
        "organiser_name": organiser.name,
        "kind": kind,
        "start_date": day,
        "area_id": area.id,
        "area_name": area.name,
        "title": title,
        "audience": audience,
        "topic_ids": topic_ids,
        "campaign_id": campaign_id,
        "cost": values.get("cost"),
        "estimated_reach": values.get("estimated_reach"),
        "signups": values.get("signups"),
        "note": note or None,
    }
    return record, []


SAME_ACTIVITY = gettext_lazy("same unit, form, date, place and title")


def _activity_key(r) -> str:
    return f"{r['organiser_id']}|{r['kind']}|{r['start_date'].isoformat()}|{r['area_id']}|{r['title']}"


def activities_keys(record: dict) -> list[tuple[str, str]]:
    return [(SAME_ACTIVITY, "a" + _activity_key(record))]


_ACTIVITY_FIELDS = ("campaign_id", "cost", "estimated_reach", "signups", "note")


@dataclass
class _Stored:
    activity: Activity
    audiences: dict[int, int]
    topic_ids: list[int]


def _stored_activities(records: list[dict]) -> dict[str, _Stored]:
    if not records:
        return {}
    qs = Activity.objects.filter(
        organiser_id__in={r["organiser_id"] for r in records},
        start_date__in={r["start_date"] for r in records},
        kind__in={r["kind"] for r in records},
        area_id__in={r["area_id"] for r in records},
        title__in={r["title"] for r in records},
    ).select_related("area", "organiser")
    found = {}
    for a in qs:
        key = {"organiser_id": a.organiser_id, "kind": a.kind, "start_date": a.start_date, "area_id": a.area_id}
        found[_activity_key({**key, "title": a.title})] = _Stored(a, {}, [])
    by_id = {s.activity.id: s for s in found.values()}
    for aid, gid, n in Audience.objects.filter(activity_id__in=by_id).values_list(
        "activity_id", "group_id", "headcount"
    ):
        by_id[aid].audiences[gid] = n
    through = Activity.topics.through
    for aid, tid in through.objects.filter(activity_id__in=by_id).values_list("activity_id", "topic_id"):
        by_id[aid].topic_ids.append(tid)
    for s in by_id.values():
        s.topic_ids.sort()
    return found


def _activity_changes(stored: _Stored, r: dict) -> dict[str, Any]:
    """What the row changes; an empty cell never erases what is stored."""
    a = stored.activity
    changes: dict[str, Any] = {}
    if a.status != Activity.Status.DONE:
        changes["status"] = Activity.Status.DONE
    for name in _ACTIVITY_FIELDS:
        if r[name] is not None and getattr(a, name) != r[name]:
            changes[name] = r[name]
    if r["audience"] is not None and stored.audiences != dict([r["audience"]]):
        changes["_audiences"] = True
    if r["topic_ids"] is not None and r["topic_ids"] and stored.topic_ids != r["topic_ids"]:
        changes["_topics"] = True
    return changes


def activities_match(ctx: RecordsContext, records: list[dict]) -> list[Outcome]:
    stored = _stored_activities(records)
    out = []
    for r in records:
        s = stored.get(_activity_key(r))
        if s is None:
            out.append(Outcome("new"))
        else:
            out.append(Outcome("updated" if _activity_changes(s, r) else "unchanged"))
    return out


def _activity_search_key(a: Activity, area_name: str, organiser_name: str) -> str:
    return search_key(f"{a.title} {a.materials} {a.note} {area_name} {organiser_name}")


def activities_write(ctx: RecordsContext, records: list[dict], totals: dict) -> None:
    stored = _stored_activities(records)
    created: list[tuple[Activity, dict]] = []
    changed: list[tuple[Activity, dict, dict]] = []
    fields_: set[str] = set()
    for r in records:
        s = stored.get(_activity_key(r))
        if s is None:
            channel = default_channel(r["kind"])
            a = Activity(
                title=r["title"],
                kind=r["kind"],
                channel=channel,
                modern=is_modern(channel),
                status=Activity.Status.DONE,
                start_date=r["start_date"],
                organiser_id=r["organiser_id"],
                area_id=r["area_id"],
                campaign_id=r["campaign_id"],
                participants=r["audience"][1] if r["audience"] else 0,
                estimated_reach=r["estimated_reach"],
                cost=r["cost"],
                signups=r["signups"] or 0,
                note=r["note"] or "",
                created_by=_user(ctx.actor),
            )
            a.search_key = _activity_search_key(a, r["area_name"], r["organiser_name"])
            created.append((a, r))
            continue
        changes = _activity_changes(s, r)
        if not changes:
            totals["unchanged"] += 1
            continue
        a = s.activity
        for name, value in changes.items():
            if not name.startswith("_"):
                setattr(a, name, value)
                fields_.add(name)
        if "_audiences" in changes:
            a.participants = r["audience"][1]
            fields_.add("participants")
        a.search_key = _activity_search_key(a, a.area.name, a.organiser.name)
        fields_.add("search_key")
        changed.append((a, r, changes))
    Activity.objects.bulk_create([a for a, _r in created], batch_size=WRITE_BATCH)
    if changed:
        Activity.objects.bulk_update([a for a, _r, _c in changed], sorted(fields_), batch_size=WRITE_BATCH)
    # Audiences and topics: the created ones, and the changed ones replaced.
    replace_audiences = [a.id for a, _r, c in changed if "_audiences" in c]
    replace_topics = [a.id for a, _r, c in changed if "_topics" in c]
    Audience.objects.filter(activity_id__in=replace_audiences).delete()
    through = Activity.topics.through
    through.objects.filter(activity_id__in=replace_topics).delete()
    audiences, topic_rows = [], []
    for a, r in created:
        if r["audience"] and r["audience"][1]:
            audiences.append(Audience(activity_id=a.id, group_id=r["audience"][0], headcount=r["audience"][1]))
        topic_rows.extend(through(activity_id=a.id, topic_id=t) for t in r["topic_ids"] or ())
    for a, r, c in changed:
        if "_audiences" in c and r["audience"][1]:
            audiences.append(Audience(activity_id=a.id, group_id=r["audience"][0], headcount=r["audience"][1]))
        if "_topics" in c:
            topic_rows.extend(through(activity_id=a.id, topic_id=t) for t in r["topic_ids"])
    Audience.objects.bulk_create(audiences, batch_size=WRITE_BATCH)
    through.objects.bulk_create(topic_rows, batch_size=WRITE_BATCH)
    # What other apps derive from an activity (the reach of its people) follows its new topics.
    for a, _r, c in changed:
        if "_topics" in c or "status" in c:
            for hook in activity_changed_hooks:
                hook(a)
    totals["created"] += len(created)
    totals["updated"] += len(changed)


ACTIVITY_SAMPLE = [
    [
        "1",
        "02/02/2023",
        "BHXH huyện",
        "Long Khánh B",
        "Ấp 3",
        "Hội nghị đối thoại tại doanh nghiệp",
        "Người lao động, người sử dụng lao động",
        "35",
        "Chính sách BHXH tự nguyện; NQ 28-NQ/TW",
        "",
        "500000",
    ],
    [
        "2",
        "05/06/2023",
        "Hội LHPN huyện",
        "Thường Thới Tiền",
        "Ấp 2",
        "Phát tờ rơi",
        "Người dân",
        "103",
        "Chính sách BHXH tự nguyện",
        "",
        "1200000",
    ],
    [
        "3",
        "02/02/2023",
        "Hội Nông dân huyện",
        "Thường Phước 1",
        "Ấp 2",
        "Hội nghị tuyên truyền tại cơ sở",
        "Hộ gia đình nông dân",
        "9",
        "Chính sách BHXH tự nguyện",
        "",
        "0",
    ],
]

register(
    Layout(
        kind=ImportJob.Kind.ACTIVITIES,
        title=gettext_lazy("Activities (the summary sheet of communication activities)"),
        fields=activity_fields(),
        prepare=activities_prepare,
        build=activities_build,
        keys=activities_keys,
        match=activities_match,
        write=activities_write,
        sample=ACTIVITY_SAMPLE,
    )
)

# ----- radio: a commune station's book -------------------------------------------------------------------


def radio_fields() -> list[Field]:
    return [
        Field(
            "aired_on",
            gettext_lazy("Date aired"),
            ("Ngày phát", "Ngày phát sóng", "Ngày"),
            True,
            cleaners.clean_date,
            text=False,
        ),
        Field("aired_at", gettext_lazy("Time"), ("Giờ phát", "Giờ", "Thời điểm phát"), clean=clean_time, text=False),
        Field(
            "duration",
            gettext_lazy("Duration (minutes)"),
            ("Thời lượng", "Thời lượng phát", "Số phút", "Thời lượng phút"),
            True,
            clean_minutes,
            text=False,
        ),
        Field(
            "title",
            gettext_lazy("Content / title"),
            (
                "Nội dung / tên bài",
                "Nội dung, tên bài",
                "Nội dung",
                "Tên bài",
                "Nội dung tuyên truyền",
                "Nội dung phát thanh",
                "Tên bài, nội dung",
            ),
            True,
            _title_cleaner(255),
        ),
        Field(
            "voluntary",
            gettext_lazy("About voluntary BHXH (x)"),
            ("BHXH tự nguyện", "Về BHXH tự nguyện", "BHXH TN", "BHXHTN"),
            clean=clean_yes_no,
        ),
        Field(
            "in_charge",
            gettext_lazy("Person in charge"),
            ("Người phụ trách", "Người thực hiện", "Phụ trách"),
            clean=_text(150),
        ),
        _commune_field(),
        Field("topics", gettext_lazy("Topics"), ("Chủ đề", "Chuyên mục"), clean=_text(1000)),
        Field("note", gettext_lazy("Note"), ("Ghi chú",), clean=clean_note),
    ]


def radio_prepare(job: ImportJob, actor) -> RecordsContext:
    return records_prepare(job, actor)


def radio_build(ctx: RecordsContext, values: dict) -> tuple[dict | None, list]:
    errors: list = []
    day: dt.date = values["aired_on"]
    unit = ctx.job.unit
    if day > ctx.today:
        errors.append(("aired_on", _("The date %(date)s is in the future.") % {"date": format_date(day)}))
    elif not unit.is_valid_on(day):
        errors.append(
            ("aired_on", _("%(unit)s was not active on %(date)s.") % {"unit": unit.name, "date": format_date(day)})
        )
    commune = _commune(ctx, values, day, errors)
    if commune is not None:
        if message := _in_force_error(commune, day):
            errors.append(("commune", message))
        if not _in_scope(ctx, commune):
            errors.append(("commune", _("You may only record broadcasts for the communes of your unit.")))
    topic_ids = None
    voluntary_topic = False
    if values.get("topics"):
        topics, unknown = _topics(ctx, values["topics"])
        if unknown:
            errors.append(("topics", _("topic “%(name)s” not found") % {"name": unknown[0][:60]}))
        topic_ids = sorted(t.id for t in topics)
        voluntary_topic = any(t.voluntary_bhxh for t in topics)
    if errors:
        return None, errors
    # The "x" column: ticked, or not ticked when the column is there; else taken from the topics.
    voluntary = values.get("voluntary")
    if voluntary is None and ("voluntary" in ctx.mapped or voluntary_topic):
        voluntary = voluntary_topic
    note = None
    if "in_charge" in ctx.mapped or "note" in ctx.mapped:
        in_charge = values.get("in_charge")
        line = _office(lambda: _("In charge: %(name)s") % {"name": in_charge}) if in_charge else ""
        note = _join(line, values.get("note", "")) or None
    return {
        "commune_id": commune.id,
        "commune_name": commune.name,
        "unit_id": unit.id,
        "aired_on": day,
        "aired_at": values.get("aired_at"),
        "duration_minutes": values["duration"],
        "title": values["title"],
        "voluntary_bhxh": voluntary,
        "topic_ids": topic_ids,
        "note": note,
    }, []


SAME_BROADCAST = gettext_lazy("same commune, date, time and title")


def _broadcast_key(commune_id, aired_on, aired_at, title) -> str:
    return f"{commune_id}|{aired_on.isoformat()}|{aired_at.isoformat() if aired_at else ''}|{title}"


def _record_broadcast_key(r: dict) -> str:
    return _broadcast_key(r["commune_id"], r["aired_on"], r["aired_at"], r["title"])


def radio_keys(record: dict) -> list[tuple[str, str]]:
    return [(SAME_BROADCAST, "r" + _record_broadcast_key(record))]


def _stored_broadcasts(records: list[dict]) -> dict[str, tuple[Broadcast, list[int]]]:
    if not records:
        return {}
    found = {}
    for b in Broadcast.objects.filter(
        commune_id__in={r["commune_id"] for r in records}, aired_on__in={r["aired_on"] for r in records}
    ):
        found[_broadcast_key(b.commune_id, b.aired_on, b.aired_at, b.title)] = (b, [])
    by_id = {b.id: topics for b, topics in found.values()}
    through = Broadcast.topics.through
    for bid, tid in through.objects.filter(broadcast_id__in=by_id).values_list("broadcast_id", "topic_id"):
        by_id[bid].append(tid)
    for topics in by_id.values():
        topics.sort()
    return found


def _broadcast_changes(b: Broadcast, topic_ids: list[int], r: dict) -> dict:
    changes = {}
    for name in ("unit_id", "duration_minutes", "voluntary_bhxh", "note"):
        if r[name] is not None and getattr(b, name) != r[name]:
            changes[name] = r[name]
    if r["topic_ids"] and r["topic_ids"] != topic_ids:
        changes["_topics"] = True
    return changes


def radio_match(ctx: RecordsContext, records: list[dict]) -> list[Outcome]:
    stored = _stored_broadcasts(records)
    out = []
    for r in records:
        hit = stored.get(_record_broadcast_key(r))
        out.append(Outcome("new" if hit is None else ("updated" if _broadcast_changes(*hit, r) else "unchanged")))
    return out


def radio_write(ctx: RecordsContext, records: list[dict], totals: dict) -> None:
    stored = _stored_broadcasts(records)
    created: list[tuple[Broadcast, dict]] = []
    changed: list[tuple[Broadcast, dict, dict]] = []
    fields_: set[str] = set()
    for r in records:
        hit = stored.get(_record_broadcast_key(r))
        if hit is None:
            b = Broadcast(
                commune_id=r["commune_id"],
                unit_id=r["unit_id"],
                aired_on=r["aired_on"],
                aired_at=r["aired_at"],
                duration_minutes=r["duration_minutes"],
                title=r["title"],
                voluntary_bhxh=bool(r["voluntary_bhxh"]),
                note=r["note"] or "",
                created_by=_user(ctx.actor),
            )
            b.search_key = search_key(f"{b.title} {b.note} {r['commune_name']}")[:600]
            created.append((b, r))
            continue
        b, topic_ids = hit
        changes = _broadcast_changes(b, topic_ids, r)
        if not changes:
            totals["unchanged"] += 1
            continue
        for name, value in changes.items():
            if not name.startswith("_"):
                setattr(b, name, value)
                fields_.add(name)
        b.search_key = search_key(f"{b.title} {b.note} {r['commune_name']}")[:600]
        fields_.add("search_key")
        changed.append((b, r, changes))
    Broadcast.objects.bulk_create([b for b, _r in created], batch_size=WRITE_BATCH)
    if changed:
        Broadcast.objects.bulk_update([b for b, _r, _c in changed], sorted(fields_), batch_size=WRITE_BATCH)
    through = Broadcast.topics.through
    replace = [b.id for b, _r, c in changed if "_topics" in c]
    through.objects.filter(broadcast_id__in=replace).delete()
    rows = [through(broadcast_id=b.id, topic_id=t) for b, r in created for t in r["topic_ids"] or ()]
    rows += [through(broadcast_id=b.id, topic_id=t) for b, r, c in changed if "_topics" in c for t in r["topic_ids"]]
    through.objects.bulk_create(rows, batch_size=WRITE_BATCH)
    totals["created"] += len(created)
    totals["updated"] += len(changed)


RADIO_SAMPLE = [
    ["1", "04/01/2023", "06:00", "15", "Hưởng lương hưu hằng tháng thay vì BHXH một lần", "x", "Đài truyền thanh xã"],
    [
        "2",
        "11/01/2023",
        "17:00",
        "10",
        "Hỗ trợ tiền đóng BHXH tự nguyện cho hộ nghèo, hộ cận nghèo",
        "x",
        "Đài truyền thanh xã",
    ],
    ["3", "18/01/2023", "06:00", "10", "Lịch tiếp công dân của UBND xã", "", "Đài truyền thanh xã"],
]

register(
    Layout(
        kind=ImportJob.Kind.RADIO,
        title=gettext_lazy("Radio log of a commune station"),
        fields=radio_fields(),
        prepare=radio_prepare,
        build=radio_build,
        keys=radio_keys,
        match=radio_match,
        write=radio_write,
        check_mapping=_needs_commune_column,
        sample=RADIO_SAMPLE,
    )
)

# ----- employers -----------------------------------------------------------------------------------------


def employer_fields() -> list[Field]:
    return [
        Field(
            "name",
            gettext_lazy("Employer"),
            ("Tên doanh nghiệp", "Tên đơn vị", "Doanh nghiệp", "Tên công ty", "Tên doanh nghiệp, đơn vị", "Tên DN"),
            True,
            _title_cleaner(300),
        ),
        Field(
            "tax_code",
            gettext_lazy("Tax code"),
            ("Mã số thuế", "MST", "Mã số doanh nghiệp", "Mã số DN"),
            clean=cleaners.clean_tax_code,
            text=False,
        ),
        Field("address", gettext_lazy("Address"), ("Địa chỉ", "Địa chỉ trụ sở", "Trụ sở"), clean=_text(300)),
        _commune_field(),
        Field(
            "employees",
            gettext_lazy("Employees"),
            ("Số lao động", "Tổng số lao động", "Số lao động hiện có", "Số LĐ"),
            clean=clean_whole,
            text=False,
        ),
        Field(
            "insured_employees",
            gettext_lazy("Employees with compulsory BHXH"),
            (
                "Số lao động tham gia BHXH bắt buộc",
                "Số lao động tham gia BHXH",
                "Số người tham gia BHXH bắt buộc",
                "Số LĐ tham gia BHXH",
                "Số LĐ tham gia BHXH bắt buộc",
                "Số lao động đóng BHXH",
            ),
            clean=clean_whole,
            text=False,
        ),
        Field(
            "compliance_note",
            gettext_lazy("Compliance note"),
            ("Ghi chú tuân thủ", "Tình hình tuân thủ", "Tình hình tham gia BHXH", "Ghi chú"),
            clean=clean_note,
        ),
    ]


def employers_build(ctx: RecordsContext, values: dict) -> tuple[dict | None, list]:
    errors: list = []
    area_id = None
    # A district office's list may leave the commune out.
    commune = _commune(ctx, values, ctx.today, errors) if values.get("commune") else ctx.default_commune
    if commune is not None:
        if not _in_scope(ctx, commune):
            errors.append(("commune", _("%(name)s is outside your unit's areas") % {"name": commune.name}))
        area_id = commune.id
    employees, insured = values.get("employees"), values.get("insured_employees")
    if employees is not None and insured is not None and insured > employees:
        errors.append(
            (
                "insured_employees",
                _("more than the %(n)s employees") % {"n": employees},
            )
        )
    tax = values.get("tax_code") or ""
    if tax and not ctx.scope.sees_all:
        owner = _cached(
            ctx.cache,
            ("tax", tax),
            lambda: Employer.objects.filter(tax_code=tax).values_list("unit_id", "area_id").first(),
        )
        if owner is not None and not ctx.scope.allows(unit_id=owner[0], area_id=owner[1]):
            errors.append(("tax_code", _("An employer with this tax code is already registered.")))
    if errors:
        return None, errors
    return {
        "name": values["name"],
        "name_key": search_key(values["name"]),
        "tax_code": tax,
        "address": values.get("address") or None,
        "area_id": area_id,
        "employees": employees,
        "insured_employees": insured,
        "compliance_note": values.get("compliance_note") or None,
    }, []


SAME_TAX_CODE = gettext_lazy("same tax code")
SAME_EMPLOYER_NAME = gettext_lazy("same name in the same commune")


def employers_keys(record: dict) -> list[tuple[str, str]]:
    if record["tax_code"]:
        return [(SAME_TAX_CODE, "t" + record["tax_code"])]
    return [(SAME_EMPLOYER_NAME, f"e{record['name_key']}|{record['area_id']}")]


_EMPLOYER_FIELDS = ("name", "tax_code", "address", "area_id", "employees", "insured_employees", "compliance_note")


def _stored_employers(ctx: RecordsContext, records: list[dict]) -> list[Employer | None]:
    taxes = {r["tax_code"] for r in records if r["tax_code"]}
    by_tax = {e.tax_code: e for e in Employer.objects.filter(tax_code__in=taxes)} if taxes else {}
    areas = {r["area_id"] for r in records if r["area_id"]}
    by_name: dict[tuple[str, int | None], Employer] = {}
    for e in Employer.objects.filter(area_id__in=areas).order_by("id"):
        by_name.setdefault((search_key(e.name), e.area_id), e)
    if any(r["area_id"] is None for r in records):
        for e in Employer.objects.filter(area__isnull=True, unit=ctx.job.unit).order_by("id"):
            by_name.setdefault((search_key(e.name), None), e)
    out = []
    for r in records:
        hit = by_tax.get(r["tax_code"]) if r["tax_code"] else None
        if hit is None:
            hit = by_name.get((r["name_key"], r["area_id"]))
            # A stored employer under another tax code is another employer of the same name.
            if hit is not None and r["tax_code"] and hit.tax_code and hit.tax_code != r["tax_code"]:
                hit = None
        out.append(hit)
    return out


def _employer_changes(e: Employer, r: dict) -> dict:
    return {k: r[k] for k in _EMPLOYER_FIELDS if r[k] not in (None, "") and getattr(e, k) != r[k]}


def employers_match(ctx: RecordsContext, records: list[dict]) -> list[Outcome]:
    return [
        Outcome("new" if e is None else ("updated" if _employer_changes(e, r) else "unchanged"))
        for e, r in zip(_stored_employers(ctx, records), records, strict=True)
    ]


def _employer_search_key(e: Employer) -> str:
    return search_key(f"{e.name} {e.tax_code} {e.address}")


def employers_write(ctx: RecordsContext, records: list[dict], totals: dict) -> None:
    new, changed, fields_ = [], {}, set()
    for e, r in zip(_stored_employers(ctx, records), records, strict=True):
        if e is None:
            e = Employer(unit_id=ctx.job.unit_id, **{k: r[k] for k in _EMPLOYER_FIELDS if r[k] is not None})
            e.search_key = _employer_search_key(e)
            new.append(e)
            continue
        e = changed.get(e.id, e)
        changes = _employer_changes(e, r)
        if not changes:
            totals["unchanged"] += 1
            continue
        for k, v in changes.items():
            setattr(e, k, v)
        e.search_key = _employer_search_key(e)
        fields_ |= {*changes, "search_key"}
        changed[e.id] = e
    Employer.objects.bulk_create(new, batch_size=WRITE_BATCH)
    if changed:
        Employer.objects.bulk_update(list(changed.values()), sorted(fields_), batch_size=WRITE_BATCH)
    totals["created"] += len(new)
    totals["updated"] += len(changed)


EMPLOYER_SAMPLE = [
    [
        "1",
        "Công ty TNHH Chế biến Thủy sản Long Khánh",
        "1402123456",
        "Số 12, Ấp 1",
        "Xã Long Khánh A",
        "85",
        "78",
        "Còn 7 lao động thời vụ chưa tham gia",
    ],
    ["2", "Hợp tác xã Nông nghiệp Long Khánh A", "1402654321", "Ấp 3", "Xã Long Khánh A", "12", "12", ""],
]

register(
    Layout(
        kind=ImportJob.Kind.EMPLOYERS,
        title=gettext_lazy("Employers (enterprises, cooperatives)"),
        fields=employer_fields(),
        prepare=records_prepare,
        build=employers_build,
        keys=employers_keys,
        match=employers_match,
        write=employers_write,
        sample=EMPLOYER_SAMPLE,
    )
)

# ----- households ----------------------------------------------------------------------------------------


def household_fields() -> list[Field]:
    return [
        Field(
            "code",
            gettext_lazy("Household book no."),
            (
                "Số sổ hộ khẩu / Mã hộ",
                "Số sổ hộ khẩu",
                "Mã hộ",
                "Số hộ khẩu",
                "Mã hộ gia đình",
                "Số sổ hộ khẩu, mã hộ",
                "Số sổ",
            ),
            True,
            _text(30),
            text=False,
        ),
        Field(
            "head_name",
            gettext_lazy("Head of household"),
            ("Chủ hộ", "Họ tên chủ hộ", "Họ và tên chủ hộ", "Tên chủ hộ"),
            True,
            cleaners.clean_name,
        ),
        Field("address", gettext_lazy("Address"), ("Địa chỉ", "Số nhà", "Địa chỉ thường trú"), clean=_text(300)),
        _hamlet_field(),
        _commune_field(),
    ]


def households_build(ctx: RecordsContext, values: dict) -> tuple[dict | None, list]:
    errors: list = []
    commune = _commune(ctx, values, ctx.today, errors)
    if commune is None:
        return None, errors
    if not _in_scope(ctx, commune):
        return None, [("commune", _("%(name)s is outside your unit's areas") % {"name": commune.name})]
    area_id, address = commune.id, values.get("address", "")
    if values.get("hamlet"):
        try:
            hamlet_id = ctx.areas.hamlet(commune, values["hamlet"])
        except FieldError as exc:
            return None, [("hamlet", str(exc))]
        if hamlet_id is None and ctx.areas.hamlets_of(commune):
            # AreaIndex answers None, not an error, when it meets the same unknown hamlet a second time.
            return None, [
                (
                    "hamlet",
                    _("%(commune)s has no hamlet named “%(name)s”")
                    % {"commune": commune.name, "name": values["hamlet"][:60]},
                )
            ]
        if hamlet_id:
            area_id = hamlet_id
        else:  # no hamlets recorded for the commune: the hamlet stays in the address, as for people
            address = ", ".join(x for x in (address, values["hamlet"]) if x)
    return {
        "code": values["code"],
        "head_name": values["head_name"],
        "address": address[:300] or None,
        "area_id": area_id,
    }, []


SAME_HOUSEHOLD = gettext_lazy("same household book no. in the same place")


def households_keys(record: dict) -> list[tuple[str, str]]:
    return [(SAME_HOUSEHOLD, f"h{record['area_id']}|{record['code']}")]


def _stored_households(records: list[dict]) -> dict[tuple[int, str], Household]:
    if not records:
        return {}
    qs = Household.objects.filter(area_id__in={r["area_id"] for r in records}, code__in={r["code"] for r in records})
    return {(h.area_id, h.code): h for h in qs}


def _household_changes(h: Household, r: dict) -> dict:
    return {k: r[k] for k in ("head_name", "address") if r[k] and getattr(h, k) != r[k]}


def households_match(ctx: RecordsContext, records: list[dict]) -> list[Outcome]:
    stored = _stored_households(records)
    out = []
    for r in records:
        h = stored.get((r["area_id"], r["code"]))
        out.append(Outcome("new" if h is None else ("updated" if _household_changes(h, r) else "unchanged")))
    return out


def _household_search_key(h: Household) -> str:
    return search_key(f"{h.head_name} {h.code} {h.address}")


def households_write(ctx: RecordsContext, records: list[dict], totals: dict) -> None:
    stored = _stored_households(records)
    new, changed, fields_ = [], [], set()
    for r in records:
        h = stored.get((r["area_id"], r["code"]))
        if h is None:
            h = Household(
                code=r["code"],
                head_name=r["head_name"],
                address=r["address"] or "",
                area_id=r["area_id"],
                unit_id=ctx.job.unit_id,
            )
            h.search_key = _household_search_key(h)
            new.append(h)
            continue
        changes = _household_changes(h, r)
        if not changes:
            totals["unchanged"] += 1
            continue
        for k, v in changes.items():
            setattr(h, k, v)
        h.search_key = _household_search_key(h)
        fields_ |= {*changes, "search_key"}
        changed.append(h)
    Household.objects.bulk_create(new, batch_size=WRITE_BATCH)
    if changed:
        Household.objects.bulk_update(changed, sorted(fields_), batch_size=WRITE_BATCH)
    totals["created"] += len(new)
    totals["updated"] += len(changed)


HOUSEHOLD_SAMPLE = [
    ["1", "HK-0012345", "Nguyễn Văn An", "Số 12, tổ 3", "Ấp 1", "Xã Long Khánh A"],
    ["2", "HK-0012346", "Trần Thị Bích", "Số 45, tổ 5", "Ấp 2", "Xã Long Khánh A"],
]

register(
    Layout(
        kind=ImportJob.Kind.HOUSEHOLDS,
        title=gettext_lazy("Households"),
        fields=household_fields(),
        prepare=records_prepare,
        build=households_build,
        keys=households_keys,
        match=households_match,
        write=households_write,
        sample=HOUSEHOLD_SAMPLE,
    )
)

# ----- sample files ----------------------------------------------------------------------------------------

KINDS = (ImportJob.Kind.ACTIVITIES, ImportJob.Kind.RADIO, ImportJob.Kind.EMPLOYERS, ImportJob.Kind.HOUSEHOLDS)

# The header row as the offices write it (first cell "STT"), and the sheet's title.
SAMPLE_HEADERS = {
    ImportJob.Kind.ACTIVITIES: [
        "STT",
        "Ngày",
        "Đơn vị tổ chức",
        "Xã/Thị trấn",
        "Ấp",
        "Hình thức",
        "Đối tượng",
        "Số người tham dự",
        "Nội dung",
        "Thuộc chiến dịch",
        "Kinh phí (đồng)",
    ],
    ImportJob.Kind.RADIO: [
        "STT",
        "Ngày phát",
        "Giờ phát",
        "Thời lượng (phút)",
        "Nội dung / tên bài",
        "BHXH tự nguyện (x)",
        "Người phụ trách",
    ],
    ImportJob.Kind.EMPLOYERS: [
        "STT",
        "Tên doanh nghiệp",
        "Mã số thuế",
        "Địa chỉ",
        "Xã",
        "Số lao động",
        "Số lao động tham gia BHXH bắt buộc",
        "Ghi chú tuân thủ",
    ],
    ImportJob.Kind.HOUSEHOLDS: ["STT", "Số sổ hộ khẩu / Mã hộ", "Chủ hộ", "Địa chỉ", "Ấp", "Xã"],
}
SAMPLE_TITLES = {
    ImportJob.Kind.ACTIVITIES: "BẢNG TỔNG HỢP HOẠT ĐỘNG TUYÊN TRUYỀN BHXH NĂM 2023",
    ImportJob.Kind.RADIO: "SỔ THEO DÕI PHÁT THANH TUYÊN TRUYỀN BHXH - XÃ LONG KHÁNH A - NĂM 2023",
    ImportJob.Kind.EMPLOYERS: "DANH SÁCH DOANH NGHIỆP, HỢP TÁC XÃ TRÊN ĐỊA BÀN XÃ LONG KHÁNH A",
    ImportJob.Kind.HOUSEHOLDS: "DANH SÁCH HỘ GIA ĐÌNH XÃ LONG KHÁNH A",
}
SAMPLE_FILES = {
    ImportJob.Kind.ACTIVITIES: "hoat-dong-tuyen-truyen",
    ImportJob.Kind.RADIO: "so-phat-thanh",
    ImportJob.Kind.EMPLOYERS: "danh-sach-doanh-nghiep",
    ImportJob.Kind.HOUSEHOLDS: "danh-sach-ho-gia-dinh",
}


def sample_headers(kind: str) -> list[str]:
    return list(SAMPLE_HEADERS[kind])


def _sample_cell(kind: str, col: int, value: str):
    """The sample as Excel holds it: dates, counts and money as numbers, like the offices' sheets."""
    header = SAMPLE_HEADERS[kind][col]
    if value and re.fullmatch(r"\d{2}/\d{2}/\d{4}", value):
        d, m, y = (int(p) for p in value.split("/"))
        return dt.date(y, m, d)
    if value.isdecimal() and header not in ("Mã số thuế", "Số sổ hộ khẩu / Mã hộ"):
        return int(value)
    return value


def sample_workbook(kind: str) -> bytes:
    """The sample of a layout, shaped like the office's own sheet: motto, title, header, "(1) (2)…",
    data, "Tổng cộng" and the signature block."""
    from openpyxl import Workbook

    from lantoa.audience.imports.engine import LAYOUTS
    from lantoa.core.exports import append_row

    headers = SAMPLE_HEADERS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = "Mau"
    append_row(ws, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    append_row(ws, ["Độc lập - Tự do - Hạnh phúc"])
    append_row(ws, [])
    append_row(ws, [SAMPLE_TITLES[kind]])
    append_row(ws, [])
    append_row(ws, headers)
    append_row(ws, [f"({i})" for i in range(1, len(headers) + 1)])
    for row in LAYOUTS[kind].sample:
        append_row(ws, [_sample_cell(kind, i, v) for i, v in enumerate(row)])
    append_row(ws, ["", "Tổng cộng"])
    append_row(ws, [])
    append_row(ws, ["", "", "", "NGƯỜI LẬP BIỂU"])
    append_row(ws, ["", "", "", "(Ký, ghi rõ họ tên)"])
    for row in (1, 2, 4):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sample_csv(kind: str) -> bytes:
    from lantoa.audience.imports.engine import LAYOUTS
    from lantoa.core.exports import csv_writer

    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\n")
    writer.writerow(SAMPLE_HEADERS[kind])
    writer.writerows(LAYOUTS[kind].sample)
    return buf.getvalue().encode("utf-8-sig")


def write_samples(directory: str | Path = "docs/import-samples") -> list[Path]:
    """Write the sample files of these layouts (.xlsx and .csv) for the README."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        for suffix, data in (("xlsx", sample_workbook(kind)), ("csv", sample_csv(kind))):
            path = directory / f"{SAMPLE_FILES[kind]}.{suffix}"
            path.write_bytes(data)
            written.append(path)
    return written
