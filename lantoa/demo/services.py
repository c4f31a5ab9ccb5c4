"""Synthetic records for the Hồng Ngự plan (2022–2025) and for 2026 up to today on the communes that
replaced the district, with a demo 2026–2030 plan copied from the Hồng Ngự one, so the dashboards show a
believable mix of met and missed targets. Every record is marked demo and removable; nothing real is
touched."""

import datetime as dt
import random
from importlib import import_module

from django.apps import apps
from django.db import connection, transaction

from lantoa.activities.kinds import Channel, Kind, is_modern
from lantoa.activities.models import Activity, Audience, Campaign
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log
from lantoa.core.text import search_key
from lantoa.demo.units import in_force
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.plans.models import Plan
from lantoa.plans.services import plan_copy, plan_save, proposed_areas
from lantoa.taxonomy.models import TargetGroup, Topic

# Years after the Hồng Ngự plan are filled up to today only (a year not begun yet is skipped).
YEARS = (2022, 2023, 2024, 2025, 2026)
# Per year: meetings with workers and employers (M4), communes with a grassroots meeting (M5),
# training classes (M10) and, per association, meetings for collaborators (M6). Some years fall short.
PLAN = {
    2022: {"employer": 7, "grassroots": 3, "training": 2, "association": (3, 4, 2, 3, 5)},
    2023: {"employer": 6, "grassroots": 2, "training": 1, "association": (1, 2, 2, 1, 3)},
    2024: {"employer": 4, "grassroots": 1, "training": 1, "association": (2, 1, 0, 1, 2)},
    2025: {"employer": 5, "grassroots": 1, "training": 1, "association": (1, 1, 1, 2, 1)},
    2026: {"employer": 6, "grassroots": 1, "training": 1, "association": (2, 0, 1, 2, 1)},
}
REFORM = dt.date(2025, 7, 1)
# The demo successor plan: marked demo in its number and title, found and removed by them.
NEXT_PLAN = {
    "number": "DEMO/KH-UBND",
    "title": (
        "Kế hoạch tuyên truyền chính sách BHXH giai đoạn 2026–2030 trên địa bàn các xã, phường thuộc huyện "
        "Hồng Ngự cũ (dữ liệu minh họa – demo)"
    ),
}
NEXT_START, NEXT_END = 2026, 2030
NEXT_ISSUER = "Ủy ban nhân dân tỉnh Đồng Tháp"


def _communes_on(day: dt.date) -> list[Area]:
    return [
        a
        for a in Area.objects.filter(level=Area.Level.COMMUNE)
        if a.is_valid_on(day) and (a.valid_from is None or a.code in {"29971", "29978", "29983", "29992", "30154"})
    ]


def _committee_of(commune: Area) -> Unit | None:
    return Unit.objects.filter(kind=Unit.Kind.COMMUNE_COMMITTEE, area=commune).first()


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.today = clock.today()
        self.activities: list[Activity] = []
        self.audiences: list[tuple[int, str, int]] = []
        self.groups = {g.code: g for g in TargetGroup.objects.all()}

    def add(
        self,
        *,
        day,
        kind,
        unit,
        area,
        title,
        groups=(),
        campaign=None,
        channel=None,
        link="",
        status="done",
        signups=0,
        vssid=0,
    ):
        if day > self.today:
            return None  # the running year is filled up to today only
        # A district office closed with no single successor (2025): the commune's committee did the work.
        unit = in_force(unit, day) or _committee_of(area)
        channel = channel or (Channel.DIRECT if kind not in (Kind.SOCIAL_POST, Kind.VSSID) else Channel.ZALO)
        a = Activity(
            title=title,
            kind=kind,
            channel=channel,
            modern=is_modern(channel),
            status=status,
            start_date=day,
            organiser=unit,
            area=area,
            campaign=campaign,
            link=link,
            signups=signups,
            vssid_logins=vssid,
            participants=sum(n for _g, n in groups),
            is_demo=True,
            search_key=search_key(f"{title} {area.name} {unit.name}"),
        )
        self.activities.append(a)
        self.audiences.append((len(self.activities) - 1, groups))
        return a

    def day_in(self, year, month_from=1, month_to=12):
        month = self.rng.randint(month_from, month_to)
        day = dt.date(year, month, self.rng.randint(1, 28))
        first = dt.date(year, month_from, 1)
        if day > self.today >= first:  # the running year: a day between the first allowed one and today
            day = first + dt.timedelta(days=self.rng.randint(0, (self.today - first).days))
        return day

    def save(self):
        Activity.objects.bulk_create(self.activities, batch_size=500)
        Audience.objects.bulk_create(
            [
                Audience(activity=self.activities[i], group=self.groups[code], headcount=n)
                for i, groups in self.audiences
                for code, n in groups
            ],
            batch_size=1000,
        )
        return len(self.activities)


def _audience_load(*, seed: int, people: int | None) -> dict:
    """The demo registry and the people the demo activities reached (after the activities exist)."""
    if not apps.is_installed("lantoa.audience"):
        return {}
    from lantoa.audience.demo import DEFAULT_PEOPLE, audience_demo_load

    result = audience_demo_load(seed=seed, people=DEFAULT_PEOPLE if people is None else people)
    result.pop("already", None)  # a registry left from an earlier load is kept as it is
    return result


@transaction.atomic
def demo_load(*, actor, seed: int = 2022, people: int | None = None) -> dict:
    """Fill 2022–2025 and 2026 up to today with demo records, and make the demo 2026–2030 plan. Refuses to
    run twice (remove first).

    `people`: size of the demo registry (about 100,000 by default; tests use a few hundred)."""
    if Activity.objects.filter(is_demo=True).exists():
        # A demo loaded before the 2026 records existed has no successor plan: say how to refresh it.
        return {"activities": 0, "already": True, "stale": not _next_plans().exists()}
    b = _Builder(seed)
    unit = {u.code: u for u in Unit.objects.all()}
    # As loaded; `_Builder.add` and the campaigns take the unit in force on the day.
    bhxh, labour, culture, radio = unit["hn-bhxh"], unit["hn-ldtbxh"], unit["hn-vhtt"], unit["hn-ttvhtt"]
    all_associations = list(Unit.objects.filter(kind=Unit.Kind.ASSOCIATION).order_by("code"))
    campaigns = []
    for year in YEARS:
        if year > b.today.year:
            break
        early, late = _communes_on(dt.date(year, 3, 1)), _communes_on(dt.date(year, 12, 31))
        associations = [a for a in all_associations if a.is_valid_on(dt.date(year, 1, 1))]
        may_day, holiday_day = dt.date(year, 5, 1), dt.date(year, 8, 20)
        first_committee = _committee_of(late[0]) if late else bhxh
        may = Campaign.objects.create(
            name=f"Tháng vận động triển khai BHXH toàn dân {year}",
            type=Campaign.Type.MAY,
            theme="BHXH toàn dân – an sinh cho mọi nhà",
            start_date=dt.date(year, 5, 1),
            end_date=dt.date(year, 5, 31),
            organiser=in_force(labour, may_day) or in_force(bhxh, may_day) or first_committee,
            is_demo=True,
            search_key=search_key(f"thang van dong {year}"),
        )
        holiday = Campaign.objects.create(
            name=f"Tuyên truyền dịp Quốc khánh 2/9/{year}",
            type=Campaign.Type.HOLIDAY,
            start_date=dt.date(year, 8, 20),
            end_date=dt.date(year, 9, 5),
            organiser=in_force(bhxh, holiday_day) or first_committee,
            is_demo=True,
            search_key=search_key(f"quoc khanh {year}"),
        )
        campaigns += [may, holiday]
        plan = PLAN[year]

        def commune_for(day, early=early, late=late):
            pool = early if day < REFORM else late
            return b.rng.choice(pool)

        for i in range(plan["employer"]):
            day = b.day_in(year, 2, 11)
            b.add(
                day=day,
                kind=Kind.DIALOGUE if i % 2 else Kind.CONFERENCE,
                unit=bhxh,
                area=commune_for(day),
                title=f"Đối thoại chính sách BHXH với người lao động, chủ doanh nghiệp ({i + 1}/{year})",
                groups=[("nld-nsdld", b.rng.randint(30, 90))],
            )
        for commune in b.rng.sample(late if year == 2025 else early, plan["grassroots"]):
            day = dt.date(year, 9, b.rng.randint(1, 28)) if year == 2025 else b.day_in(year, 3, 10)
            b.add(
                day=day,
                kind=Kind.TALK,
                unit=_committee_of(commune) or bhxh,
                area=commune,
                title=f"Hội nghị tuyên truyền BHXH tự nguyện cho hộ nông dân tại {commune.name}",
                groups=[("tn-1", b.rng.randint(25, 60)), ("tn-5", b.rng.randint(5, 20))],
                signups=b.rng.randint(0, 6),
            )
        for _i in range(plan["training"]):
            day = b.day_in(year, 3, 9)
            b.add(
                day=day,
                kind=Kind.TRAINING,
                unit=bhxh,
                area=commune_for(day),
                title=f"Tập huấn nghiệp vụ tuyên truyền cho cộng tác viên, đại lý thu năm {year}",
                groups=[("ctv-uy-tin", b.rng.randint(40, 80))],
            )
        for association, n in zip(associations, plan["association"], strict=False):
            for i in range(n):
                day = b.day_in(year, 2, 11)
                b.add(
                    day=day,
                    kind=Kind.CONFERENCE,
                    unit=association,
                    area=commune_for(day),
                    title=f"Hội nghị cho chi hội trưởng, người có uy tín ({association.short_name} {i + 1})",
                    groups=[("ctv-uy-tin", b.rng.randint(20, 50))],
                )
        # Door-to-door work and social media in every commune; in 2023 one commune posts nothing online.
        for half, pool in (("h1", early), ("h2", late)):
            months = (1, 6) if half == "h1" else (7, 12)
            for commune in pool:
                committee = _committee_of(commune) or bhxh
                for _k in range(b.rng.randint(6, 12)):
                    day = b.day_in(year, *months)
                    may_campaign = may if day.month == 5 else None
                    b.add(
                        day=day,
                        kind=Kind.HOUSEHOLD_VISIT,
                        unit=committee,
                        area=commune,
                        title="Thăm hộ, vận động tham gia BHXH tự nguyện",
                        campaign=may_campaign,
                        groups=[(b.rng.choice(["tn-1", "tn-3", "tn-4", "tn-5"]), b.rng.randint(1, 4))],
                        signups=1 if b.rng.random() < 0.2 else 0,
                    )
                if year == 2023 and commune.code == "29998":
                    continue
                day = b.day_in(year, *months)
                b.add(
                    day=day,
                    kind=Kind.SOCIAL_POST,
                    unit=committee,
                    area=commune,
                    channel=Channel.ZALO,
                    title=f"Bài đăng Zalo: lợi ích BHXH tự nguyện ({commune.name})",
                    link=f"https://zalo.me/demo/{commune.code}/{year}{half}",
                )
        for d in range(3):
            day = dt.date(year, 5, 5 + d * 7)
            b.add(
                day=day,
                kind=Kind.VISUAL,
                unit=culture,
                area=commune_for(day),
                campaign=may,
                title="Treo băng rôn, phát tờ rơi Tháng vận động BHXH toàn dân",
            )
        day = dt.date(year, 8, 28)
        b.add(
            day=day,
            kind=Kind.PRESS_PIECE,
            unit=radio,
            area=commune_for(day),
            campaign=holiday,
            channel=Channel.PRESS,
            title="Phóng sự: người nông dân với BHXH tự nguyện",
        )
    count = b.save()
    topics = list(Topic.objects.all())
    for a in Activity.objects.filter(is_demo=True).only("id"):
        a.topics.add(*random.Random(a.pk).sample(topics, 2))
    extra = {}
    if apps.is_installed("lantoa.radio"):
        from lantoa.radio.demo import broadcasts_demo_load

        extra["broadcasts"] = broadcasts_demo_load(seed=seed)
    extra.update(_audience_load(seed=seed, people=people))
    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no statistics: without them PostgreSQL plans the nested subqueries
        # of the indicators run below (the reports freeze figures) as loops lasting minutes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # After the registry: they build on its people and staff lists, and on the demo activities.
    for app, module, loader in (
        ("lantoa.team", "lantoa.team.demo", "team_demo_load"),
        ("lantoa.coordination", "lantoa.coordination.demo", "coordination_demo_load"),
        ("lantoa.messaging", "lantoa.messaging.demo", "messaging_demo_load"),
        ("lantoa.content", "lantoa.content.demo", "content_demo_load"),  # links radio, activities, SMS
        ("lantoa.budget", "lantoa.budget.demo", "budget_demo_load"),
    ):
        if apps.is_installed(app):
            extra.update(getattr(import_module(module), loader)(seed=seed))
    # After the records: the copy takes the old plan's last-year figures as baselines.
    next_plan = _next_plan_load(actor=actor)
    extra["next_plan"] = next_plan.pk if next_plan else None
    if apps.is_installed("lantoa.reports"):  # freezes the figures of all above
        from lantoa.reports.demo import reports_demo_load

        extra.update(reports_demo_load(seed=seed, next_plan=next_plan))
    AuditLog.objects.create(
        actor=None,
        actor_name="system",
        action=AuditLog.Action.ACTION,
        verb="demo_load",
        target_type="activities.activity",
        target_id="demo",
        target_repr="demo data",
        changes={"activities": [None, count], **{k: [None, v] for k, v in extra.items()}},
        source="system",
    )
    return {"activities": count, "campaigns": len(campaigns), **extra}


def _next_plans():
    return Plan.objects.filter(**NEXT_PLAN)


def _next_plan_load(*, actor) -> Plan | None:
    """The demo 2026–2030 plan for the communes that absorbed Hồng Ngự's, started from the Hồng Ngự plan
    the way a coordinator would (`plan_copy`). Not the default: pages open on the plan in force today."""
    if (plan := _next_plans().first()) is not None:
        return plan
    source = Plan.objects.filter(is_default=True, end_year__lt=NEXT_START).first()
    if source is None:
        return None
    plan = plan_copy(
        actor=actor,
        plan=source,
        start_year=NEXT_START,
        end_year=NEXT_END,
        parent=None,  # the province's 2022–2025 plan does not run into 2026
        areas=proposed_areas(source, NEXT_START),
        issuer=None,  # issued by the province, which is no unit here
        issuer_name=NEXT_ISSUER,
        **NEXT_PLAN,
    )
    plan.issued_on = dt.date(2025, 12, 26)
    plan.summary = f"{plan.summary} Kế hoạch minh họa (demo): xóa bằng lệnh load_demo --remove."
    return plan_save(actor=actor, plan=plan)


def _next_plan_remove(*, actor) -> int:
    removed = 0
    for plan in _next_plans():
        audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=plan, verb="demo_remove")
        plan.delete()  # indicators and targets go with it; its demo reports are removed before
        removed += 1
    return removed


@transaction.atomic
def demo_remove(*, actor) -> dict:
    counts = {}
    # Before the registry and the activities: their records point to demo people and activities.
    for app, module, remover in (
        ("lantoa.reports", "lantoa.reports.demo", "reports_demo_remove"),
        ("lantoa.budget", "lantoa.budget.demo", "budget_demo_remove"),
        ("lantoa.messaging", "lantoa.messaging.demo", "messaging_demo_remove"),
        ("lantoa.coordination", "lantoa.coordination.demo", "coordination_demo_remove"),
        ("lantoa.team", "lantoa.team.demo", "team_demo_remove"),
        ("lantoa.content", "lantoa.content.demo", "content_demo_remove"),
    ):
        if apps.is_installed(app):
            counts.update(getattr(import_module(module), remover)())
    counts["next_plan"] = _next_plan_remove(actor=actor)
    if apps.is_installed("lantoa.audience"):
        from lantoa.audience.demo import audience_demo_remove

        # First: the registry's reach goes in one statement instead of activity by activity.
        counts.update(audience_demo_remove())
    counts |= {
        "activities": Activity.objects.filter(is_demo=True).delete()[0],
        "campaigns": Campaign.objects.filter(is_demo=True).delete()[0],
    }
    if apps.is_installed("lantoa.radio"):
        from lantoa.radio.demo import broadcasts_demo_remove

        counts["broadcasts"] = broadcasts_demo_remove()
    AuditLog.objects.create(
        actor=None,
        actor_name="system",
        action=AuditLog.Action.ACTION,
        verb="demo_remove",
        target_type="activities.activity",
        target_id="demo",
        target_repr="demo data",
        changes={k: [v, 0] for k, v in counts.items()},
        source="system",
    )
    return counts
