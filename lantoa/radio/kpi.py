"""Indicator M7: commune-radio broadcasts on voluntary BHXH, every week ≥ 2 (imported by RadioConfig.ready).

For the plan year and the user's scope, every pair (commune, finished ISO week of the year) where the
commune held the week (see `lantoa.radio.selectors`) is counted:

- actual = the lowest weekly count, so "actual ≥ 2" (the plan's target) means every week was met;
- numerator = pairs meeting the week's minimum, denominator = all pairs;
- details = average per pair and the share of weeks met;
- records = exactly the voluntary broadcasts counted.

The communes are those of the plan's areas (the communes under them) and the communes that absorbed
them: for the Hồng Ngự plan the ten former communes up to the week of 23–29/06/2025 and the five
communes formed on 01/07/2025 from the week of 30/06/2025.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from lantoa.core import clock
from lantoa.geo.models import Area
from lantoa.geo.selectors import communes_covering, rollup_source_ids
from lantoa.orgs.access import scope_for
from lantoa.plans.kpi import KpiContext, KpiResult, registry
from lantoa.radio.selectors import COMPUTATION, count_weeks, iso_weeks, weekly_minimums


def _narrowed_to(area: Area) -> set[int]:
    """The communes counted for one area: a commune with the communes merged into it; a hamlet's
    commune; for a district or province, the communes covering it."""
    if area.level == Area.Level.HAMLET and area.parent_id:
        area = area.parent
    if area.level == Area.Level.COMMUNE:
        return set(
            Area.objects.filter(id__in=rollup_source_ids(area), level=Area.Level.COMMUNE).values_list("id", flat=True)
        )
    return communes_covering([area.id])


def plan_communes(ctx: KpiContext) -> list[Area]:
    commune_ids = communes_covering(ctx.indicator.plan.areas.values_list("id", flat=True))
    area = ctx.area
    if area is None and ctx.unit is not None and ctx.unit.area.level >= Area.Level.COMMUNE:
        area = ctx.unit.area
    if area is not None:
        commune_ids &= _narrowed_to(area)
    scope = scope_for(ctx.user) if ctx.user is not None else None  # None: a system computation
    if scope is not None and not scope.sees_all:
        commune_ids &= scope.area_ids
    return list(Area.objects.filter(id__in=commune_ids).order_by("search_key"))


def _share(part: int, whole: int, places: str) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places))


@registry.implement(COMPUTATION)
def radio_voluntary_per_week(ctx: KpiContext) -> KpiResult:
    year = ctx.year
    communes = plan_communes(ctx)
    if not communes:
        return KpiResult(no_data_reason=_("communes of the plan within your scope"))
    today = clock.today()
    weeks = [w for w in iso_weeks(year) if w.is_finished(today)]
    if not weeks:
        return KpiResult(no_data_reason=_("a finished week of %(year)s") % {"year": year})
    counted = count_weeks(user=ctx.user, communes=communes, weeks=weeks)
    pairs = [(cid, w) for cid, held in counted.held.items() for w in held]
    if not pairs:
        return KpiResult(no_data_reason=_("a commune of the plan in force in %(year)s") % {"year": year})
    if counted.logged == 0:
        return KpiResult(no_data_reason=_("the commune radio log of %(year)s") % {"year": year})
    minimums = weekly_minimums(ctx.indicator, year, counted.held)
    values = [(counted.count(cid, w), minimums[cid]) for cid, w in pairs]
    met = sum(1 for n, minimum in values if n >= minimum)
    total = sum(n for n, _minimum in values)
    return KpiResult(
        actual=Decimal(min(n for n, _minimum in values)),
        numerator=Decimal(met),
        denominator=Decimal(len(pairs)),
        records=counted.records,
        details={
            "average": _share(total, len(pairs), "0.01"),
            "weeks_met_share": _share(met * 100, len(pairs), "0.1"),
            "finished_weeks": len(weeks),
            "communes": len(counted.held),
            "weeks_missed": len(pairs) - met,
        },
    )
