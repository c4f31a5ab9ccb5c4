"""Indicator computations over activity and campaign records (M4, M5, M6, M10, M11, T6, T7).

Each returns the actual value, numerator and denominator, and the activities behind the figure.
Records made on a commune that was merged later count under the commune in force at the end of the
year (or today, for the current year), as everywhere else.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from lantoa.activities.kinds import MEETING_KINDS, Kind
from lantoa.activities.models import Activity, Campaign
from lantoa.activities.selectors import activity_scope
from lantoa.core import clock
from lantoa.geo.models import Area
from lantoa.geo.selectors import commune_rollup_map, communes_on, plan_lens_ids, rollup_source_ids
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import KpiContext, KpiResult, registry

WORKERS_GROUP = "nld-nsdld"
COLLABORATORS_GROUP = "ctv-uy-tin"


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


def reference_day(year: int) -> dt.date:
    """The day areas are read on for a year: its last day, or today while the year is running."""
    return min(dt.date(year, 12, 31), max(clock.today(), dt.date(year, 1, 1)))


def plan_area_ids(plan) -> set[int] | None:
    """The areas whose records count toward `plan` (its lens), or None when it covers every area held."""
    area_ids = list(plan.areas.values_list("id", flat=True))
    if not area_ids:
        return None
    ids = plan_lens_ids(area_ids)
    return None if len(ids) >= Area.objects.count() else ids


def done_in_year(ctx: KpiContext):
    """Done activities of the year in the plan's areas and the user's scope: one activity counts for
    every plan whose areas cover it (the province plan and the commune plan alike)."""
    qs = activity_scope(user=ctx.user).filter(status=Activity.Status.DONE, start_date__year=ctx.year)
    lens = plan_area_ids(ctx.indicator.plan)
    if lens is not None:
        qs = qs.filter(area_id__in=lens)
    if ctx.area is not None:
        qs = qs.filter(area__in=rollup_source_ids(ctx.area))
    if ctx.unit is not None:
        qs = qs.filter(organiser=ctx.unit)
    return qs


def _future(ctx: KpiContext) -> KpiResult | None:
    if ctx.year > clock.today().year:
        return KpiResult(no_data_reason=str(_("the year has not started")))
    return None


def _count(ctx: KpiContext, qs) -> KpiResult:
    if (early := _future(ctx)) is not None:
        return early
    n = qs.count()
    return KpiResult(actual=Decimal(n), numerator=Decimal(n), records=qs)


def plan_communes(ctx: KpiContext) -> list:
    """The communes of the plan in force on the reference day, narrowed to the user's scope."""
    day = reference_day(ctx.year)
    communes = communes_on(ctx.indicator.plan.areas.all(), day)
    if ctx.area is not None:
        communes = [c for c in communes if c.id in rollup_source_ids(ctx.area) or c.id == ctx.area.id]
    scope = scope_for(ctx.user) if ctx.user is not None else None
    if scope is not None and not scope.sees_all:
        communes = [c for c in communes if c.id in scope.area_ids]
    return communes


@registry.implement("employer_conferences")
def employer_conferences(ctx: KpiContext) -> KpiResult:
    """M4: meetings with workers and employers held in the year."""
    qs = done_in_year(ctx).filter(kind__in=MEETING_KINDS, audiences__group__code=WORKERS_GROUP).distinct()
    return _count(ctx, qs)


@registry.implement("training_classes")
def training_classes(ctx: KpiContext) -> KpiResult:
    """M10: training classes held in the year."""
    return _count(ctx, done_in_year(ctx).filter(kind=Kind.TRAINING))


@registry.implement("campaign_activity_share")
def campaign_activity_share(ctx: KpiContext) -> KpiResult:
    """T7: share of the year's activities held within a campaign."""
    if (early := _future(ctx)) is not None:
        return early
    qs = done_in_year(ctx)
    total = qs.count()
    if not total:
        return KpiResult(no_data_reason=str(_("no activity recorded in the year")))
    in_campaign = qs.filter(campaign__isnull=False)
    n = in_campaign.count()
    return KpiResult(actual=_percent(n, total), numerator=Decimal(n), denominator=Decimal(total), records=in_campaign)


@registry.implement("may_campaign_held")
def may_campaign_held(ctx: KpiContext) -> KpiResult:
    """M11: a "Month of universal BHXH" campaign with activities held in May of the year."""
    if (early := _future(ctx)) is not None:
        return early
    if ctx.year == clock.today().year and clock.today().month < 5:
        return KpiResult(no_data_reason=str(_("May has not come yet")))
    campaigns = Campaign.objects.filter(type=Campaign.Type.MAY, start_date__year=ctx.year)
    held = done_in_year(ctx).filter(
        campaign__in=campaigns, start_date__range=(dt.date(ctx.year, 5, 1), dt.date(ctx.year, 5, 31))
    )
    n = held.count()
    return KpiResult(
        actual=n > 0, numerator=Decimal(n), records=held, details={"campaigns": [c.name for c in campaigns]}
    )


def _by_commune(ctx: KpiContext, qs) -> tuple[list, dict[int, list]]:
    """The plan's communes and, for each, the (id, modern) of the activities counted under it."""
    communes = plan_communes(ctx)
    records = list(qs.values_list("pk", "area_id", "modern"))
    mapping = commune_rollup_map(reference_day(ctx.year), {area_id for _pk, area_id, _m in records})
    wanted = {c.id for c in communes}
    rows: dict[int, list] = defaultdict(list)
    for pk, area_id, modern in records:
        commune = mapping.get(area_id)
        if commune in wanted:
            rows[commune].append((pk, modern))
    return communes, rows


@registry.implement("forms_mix_per_area")
def forms_mix_per_area(ctx: KpiContext) -> KpiResult:
    """T6: every commune used both a traditional and a modern form in the year."""
    if (early := _future(ctx)) is not None:
        return early
    communes, rows = _by_commune(ctx, done_in_year(ctx))
    if not communes:
        return KpiResult(no_data_reason=str(_("no commune of the plan in your scope")))
    both = [c for c in communes if {m for _pk, m in rows.get(c.id, [])} == {True, False}]
    ids = [pk for c in communes for pk, _m in rows.get(c.id, [])]
    return KpiResult(
        actual=len(both) == len(communes),
        numerator=Decimal(len(both)),
        denominator=Decimal(len(communes)),
        records=Activity.objects.filter(pk__in=ids),
        details={"missing": [c.name for c in communes if c not in both]},
    )


@registry.implement("communes_grassroots_share")
def communes_grassroots_share(ctx: KpiContext) -> KpiResult:
    """M5: share of communes where the commune held a meeting by target group ("tại cơ sở") in the year:
    a meeting organised by the commune's People's Committee with a recorded audience."""
    if (early := _future(ctx)) is not None:
        return early
    qs = (
        done_in_year(ctx)
        .filter(kind__in=MEETING_KINDS, audiences__isnull=False, organiser__kind=Unit.Kind.COMMUNE_COMMITTEE)
        .distinct()
    )
    communes, rows = _by_commune(ctx, qs)
    if not communes:
        return KpiResult(no_data_reason=str(_("no commune of the plan in your scope")))
    held = [c for c in communes if rows.get(c.id)]
    ids = [pk for c in communes for pk, _m in rows.get(c.id, [])]
    return KpiResult(
        actual=_percent(len(held), len(communes)),
        numerator=Decimal(len(held)),
        denominator=Decimal(len(communes)),
        records=Activity.objects.filter(pk__in=ids),
        details={"communes": [c.name for c in held]},
    )


@registry.implement("association_conferences")
def association_conferences(ctx: KpiContext) -> KpiResult:
    """M6: meetings for collaborators, agents, hamlet heads and prestigious people held by each
    association; the actual value is the lowest count, so it meets the target only if every one does."""
    if (early := _future(ctx)) is not None:
        return early
    day = reference_day(ctx.year)
    associations = Unit.objects.filter(kind=Unit.Kind.ASSOCIATION).filter(
        pk__in=[
            u.pk
            for u in Unit.objects.filter(kind=Unit.Kind.ASSOCIATION)
            if u.is_valid_on(dt.date(ctx.year, 1, 1)) or u.is_valid_on(day)
        ]
    )
    scope = scope_for(ctx.user) if ctx.user is not None else None
    if scope is not None and not scope.sees_all:
        associations = associations.filter(pk__in=scope.unit_ids)
    associations = list(associations)
    if not associations:
        return KpiResult(no_data_reason=str(_("no association in your scope")))
    qs = (
        done_in_year(ctx)
        .filter(kind__in=MEETING_KINDS, audiences__group__code=COLLABORATORS_GROUP, organiser__in=associations)
        .distinct()
    )
    counts = defaultdict(int)
    for organiser_id in qs.values_list("organiser_id", flat=True):
        counts[organiser_id] += 1
    target = ctx.indicator.targets.filter(year=ctx.year, area=None, unit=None).first()
    minimum = target.min_value if target and target.min_value is not None else 1
    meeting = [a for a in associations if counts[a.pk] >= minimum]
    return KpiResult(
        actual=Decimal(min(counts[a.pk] for a in associations)),
        numerator=Decimal(len(meeting)),
        denominator=Decimal(len(associations)),
        records=qs,
        details={"per_association": {a.name: counts[a.pk] for a in associations}},
    )


SOCIAL_CHANNELS = ("facebook", "zalo", "youtube", "tiktok")


@registry.implement("social_media_stage")
def social_media_stage(ctx: KpiContext) -> KpiResult:
    """M8: 2022 asks for a social-media communication plan — met when social-media activities are
    planned (or held) for the year; later years ask for it to be live — met when posts with a link
    were published on social media in the year."""
    if (early := _future(ctx)) is not None:
        return early
    target = ctx.indicator.targets.filter(year=ctx.year, area=None, unit=None).first()
    stage = (target.params or {}).get("stage", "live") if target else "live"
    qs = activity_scope(user=ctx.user).filter(
        kind=Kind.SOCIAL_POST, channel__in=SOCIAL_CHANNELS, start_date__year=ctx.year
    )
    if ctx.area is not None:
        qs = qs.filter(area__in=rollup_source_ids(ctx.area))
    if stage == "plan":
        qs = qs.exclude(status=Activity.Status.CANCELLED)
    else:
        qs = qs.filter(status=Activity.Status.DONE).exclude(link="")
    n = qs.count()
    return KpiResult(actual=n > 0, numerator=Decimal(n), records=qs, details={"stage": stage})
