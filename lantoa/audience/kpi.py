"""Indicator computations over the registry and reach (T2, T3, T4).

Counted figures are distinct people (COUNT(DISTINCT person) in the database); the estimated figure —
head-counts of activities that named nobody plus their estimated reach — travels in `details["estimated"]`
and is always shown apart from the counted one.

- T3 `labour_reached_share`: people of working age in the year (`working_age`) reached at least once in
  the year, on any BHXH topic, living in the plan's communes (their area rolled up to the commune in
  force on the reference day), over the labour-force statistic of those communes for the year.
- T4 `labour_reached_voluntary_share`: the same, counting only reach about voluntary BHXH.
- T2 `officials_informed_share`: officials on the staff lists of the units in scope (valid in the year)
  reached in the year on a reform content, over the officials on those lists; for a unit without a staff
  list, its people in the officials' target groups over the unit's "officials" statistic.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from lantoa.activities.kpi import done_in_year, plan_communes, reference_day
from lantoa.activities.models import Activity
from lantoa.activities.selectors import activity_scope
from lantoa.audience.models import Person, Reach, StaffPosting, Statistic
from lantoa.audience.reach import counted_reach, estimate
from lantoa.audience.selectors import person_scope
from lantoa.audience.working_age import working_age_q
from lantoa.core import clock
from lantoa.geo.models import Area
from lantoa.geo.selectors import commune_rollup_map, communes_on, descendant_ids, predecessor_ids, rollup_source_ids
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import KpiContext, KpiResult, registry
from lantoa.taxonomy.models import TargetGroup

WORKERS_GROUP = "nld-nsdld"
OFFICIAL_GROUPS = ("can-bo", "lanh-dao")


def _percent(numerator, denominator) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _future(ctx: KpiContext) -> KpiResult | None:
    if ctx.year > clock.today().year:
        return KpiResult(no_data_reason=_("the year has not started"))
    return None


def _area_filter(field: str, included: set[int], every: set[int]) -> Q:
    """`field` in the included areas, written the short way round (NOT IN the few others when the plan
    covers nearly every area: a province-wide plan then needs no list at all)."""
    others = every - included
    if not others:
        return Q()
    if len(others) < len(included):
        return ~Q(**{f"{field}__in": sorted(others)})
    return Q(**{f"{field}__in": sorted(included)})


def _distinct(qs) -> int:
    return qs.aggregate(n=Count("person_id", distinct=True))["n"] or 0


def _with_estimate(details: dict, estimated: dict, denominator) -> dict:
    details["estimated"] = estimated["total"]
    details["estimated_headcounts"] = estimated["headcounts"]
    details["estimated_reach"] = estimated["estimated_reach"]
    details["estimated_share"] = _percent(estimated["total"], denominator) if denominator else None
    return details


# ----- T3 and T4 --------------------------------------------------------------------------------------


def labour_force(communes: list[Area], year: int, mapping: dict[int, int]) -> tuple[int, list[Area], dict]:
    """The labour-force statistic of the communes for the year: (total, communes without one, per commune).
    A figure recorded on a pre-2025 commune counts under the commune it rolled up to; a figure recorded on
    the commune itself wins over those of its predecessors (never both)."""
    wanted = {c.id for c in communes}
    own: dict[int, int] = {}
    rolled: dict[int, int] = {}
    rolled_from: dict[int, set[int]] = {}
    for area_id, value in Statistic.objects.filter(
        kind=Statistic.Kind.LABOUR_FORCE, year=year, area__isnull=False
    ).values_list("area_id", "value"):
        if area_id in wanted:
            own[area_id] = own.get(area_id, 0) + value
        elif mapping.get(area_id) in wanted:
            rolled[mapping[area_id]] = rolled.get(mapping[area_id], 0) + value
            rolled_from.setdefault(mapping[area_id], set()).add(area_id)
    # Summed from predecessors only when every predecessor has its figure: part of a commune is not all of it.
    for commune_id in list(rolled):
        if commune_id in own:
            continue
        parts = set(
            Area.objects.filter(
                level=Area.Level.COMMUNE, id__in=predecessor_ids({commune_id}) - {commune_id}
            ).values_list("id", flat=True)
        )
        if parts - rolled_from[commune_id]:
            del rolled[commune_id]
    per = {c.id: own.get(c.id, rolled.get(c.id)) for c in communes}
    missing = [c for c in communes if per[c.id] is None]
    return sum(v for v in per.values() if v), missing, per


def _labour_share(ctx: KpiContext, *, voluntary: bool) -> KpiResult:
    if (early := _future(ctx)) is not None:
        return early
    communes = plan_communes(ctx)
    if not communes:
        return KpiResult(no_data_reason=_("no commune of the plan in your scope"))
    day = reference_day(ctx.year)
    mapping = commune_rollup_map(day)
    wanted = {c.id for c in communes}
    included = {area_id for area_id, commune in mapping.items() if commune in wanted}
    every = set(Area.objects.values_list("id", flat=True))
    start, end = _year_range(ctx.year)

    reach = counted_reach(user=ctx.user).filter(date__gte=start, date__lte=end)
    reach = reach.filter(_area_filter("person__area", included, every))
    if voluntary:
        reach = reach.filter(voluntary=True)
    # Two plain counts rather than one with two filtered DISTINCTs: with the conditions in WHERE the
    # databases filter people before the join (and PostgreSQL runs it in parallel) — twice as fast.
    counted = _distinct(reach.filter(working_age_q(ctx.year, "person__")))
    # Few people have no birth year: start from them (an index on them makes this instant, see bench/).
    age_unknown = (
        Person.objects.filter(merged_into__isnull=True, birth_year__isnull=True, birth_date__isnull=True)
        .filter(Exists(reach.filter(person=OuterRef("pk"))))
        .count()
    )
    records = (
        person_scope(user=ctx.user)
        .filter(working_age_q(ctx.year))
        .filter(pk__in=reach.values("person_id"))
        .select_related("area")
    )

    activities = (
        activity_scope(user=ctx.user)
        .filter(status=Activity.Status.DONE, start_date__gte=start, start_date__lte=end)
        .filter(_area_filter("area", included, every))
        .filter(~Exists(Reach.objects.filter(activity=OuterRef("pk"))))
    )
    if voluntary:
        activities = Activity.objects.filter(pk__in=activities.filter(topics__voluntary_bhxh=True).values("pk"))
    groups = TargetGroup.objects.filter(Q(code=WORKERS_GROUP) | Q(voluntary_group__isnull=False))
    estimated = estimate(activities, groups)

    total, missing, _per = labour_force(communes, ctx.year, mapping)
    details = {"counted": counted, "age_unknown": age_unknown, "communes": len(communes)}
    if missing:
        details = _with_estimate(details, estimated, None)
        names = ", ".join(c.name for c in missing)
        return KpiResult(
            numerator=Decimal(counted),
            records=records,
            details=details,
            no_data_reason=_("the working-age labour force of %(year)s for: %(communes)s")
            % {"year": ctx.year, "communes": names},
        )
    details["denominator_source"] = _("labour-force statistics of %(n)s communes") % {"n": len(communes)}
    return KpiResult(
        actual=_percent(counted, total),
        numerator=Decimal(counted),
        denominator=Decimal(total),
        records=records,
        details=_with_estimate(details, estimated, total),
    )


@registry.implement("labour_reached_share")
def labour_reached_share(ctx: KpiContext) -> KpiResult:
    """T3: share of the working-age labour force reached on BHXH in the year (counted people)."""
    return _labour_share(ctx, voluntary=False)


@registry.implement("labour_reached_voluntary_share")
def labour_reached_voluntary_share(ctx: KpiContext) -> KpiResult:
    """T4: share of the working-age labour force reached on voluntary BHXH in the year."""
    return _labour_share(ctx, voluntary=True)


# ----- T2 ---------------------------------------------------------------------------------------------


def _overlaps_year(year: int, prefix: str = "") -> Q:
    start, end = _year_range(year)
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    )


def units_in_scope(ctx: KpiContext):
    """Units of the plan's areas that existed in the year, narrowed to the indicator's area or unit and to
    what the user may see."""
    day = reference_day(ctx.year)
    plan_areas = list(ctx.indicator.plan.areas.all())
    roots = {a.id for a in plan_areas} | {c.id for c in communes_on(plan_areas, day)}
    area_ids = descendant_ids(predecessor_ids(descendant_ids(roots)))
    units = Unit.objects.filter(_overlaps_year(ctx.year), area__in=area_ids)
    if ctx.area is not None:
        units = units.filter(area__in=rollup_source_ids(ctx.area))
    if ctx.unit is not None:
        units = units.filter(Q(pk=ctx.unit.pk) | Q(merged_into=ctx.unit))
    scope = scope_for(ctx.user) if ctx.user is not None else None
    if scope is not None and not scope.sees_all:
        units = units.filter(pk__in=scope.unit_ids)
    return units


@registry.implement("officials_informed_share")
def officials_informed_share(ctx: KpiContext) -> KpiResult:
    """T2: share of officials informed on the 11 reform contents in the year (counted people)."""
    if (early := _future(ctx)) is not None:
        return early
    units = {u.pk: u for u in units_in_scope(ctx)}
    if not units:
        return KpiResult(no_data_reason=_("no unit of the plan in your scope"))
    start, end = _year_range(ctx.year)
    informed = counted_reach(user=None).filter(date__gte=start, date__lte=end, reform=True).values("person_id")

    postings = StaffPosting.objects.filter(
        _overlaps_year(ctx.year), unit__in=list(units), is_official=True, person__merged_into__isnull=True
    )
    listed_units = set(postings.values_list("unit_id", flat=True).distinct())
    on_lists = Person.objects.filter(pk__in=postings.values("person_id"))
    listed_total = on_lists.count()
    listed_reached = on_lists.filter(pk__in=informed)
    listed_n = listed_reached.count()

    # Units without a staff list: their officials' number from the statistics, and their people in the
    # officials' groups (kept by the unit) as those informed.
    others = [pk for pk in units if pk not in listed_units]
    stats = dict(
        Statistic.objects.filter(kind=Statistic.Kind.OFFICIALS, year=ctx.year, unit__in=others)
        .values("unit_id")
        .annotate(v=Sum("value"))
        .values_list("unit_id", "v")
    )
    stat_total = sum(stats.values())
    stat_reached = Person.objects.filter(
        merged_into__isnull=True, unit__in=list(stats), groups__code__in=OFFICIAL_GROUPS, pk__in=informed
    ).distinct()
    stat_n = stat_reached.count() if stats else 0
    # Never more informed than the statistic says there are.
    stat_n_capped = min(stat_n, stat_total)

    activities = (
        done_in_year(ctx)
        .filter(topics__reform_number__isnull=False)
        .filter(~Exists(Reach.objects.filter(activity=OuterRef("pk"))))
    )
    activities = Activity.objects.filter(pk__in=activities.values("pk"))
    estimated = estimate(activities, TargetGroup.objects.filter(code__in=OFFICIAL_GROUPS))

    missing = [units[pk].name for pk in others if pk not in stats]
    numerator, denominator = listed_n + stat_n_capped, listed_total + stat_total
    sources = []
    if listed_units:
        sources.append(_("staff lists of %(n)s units") % {"n": len(listed_units)})
    if stats:
        sources.append(_("the officials statistic of %(n)s units") % {"n": len(stats)})
    details = {
        "counted": numerator,
        "on_staff_lists": listed_total,
        "from_statistics": stat_total,
        "denominator_source": "; ".join(sources),
        "units_without_data": missing,
    }
    records = Person.objects.filter(
        Q(pk__in=listed_reached.values("pk")) | Q(pk__in=stat_reached.values("pk"))
    ).select_related("area")
    if not denominator:
        details = _with_estimate(details, estimated, None)
        return KpiResult(
            records=records,
            details=details,
            no_data_reason=_("staff lists of the units, or the number of officials per unit (statistics)"),
        )
    return KpiResult(
        actual=_percent(numerator, denominator),
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        records=records,
        details=_with_estimate(details, estimated, denominator),
    )


# ----- drill-down: the people behind a figure, masked per user -----------------------------------------


def present_people(user, rows):
    """The drill-down's rows when the records are people: identifiers masked unless the role may see them."""
    from lantoa.audience.selectors import present

    return [present(user, person) for person in rows]


def _register_drilldown() -> None:
    from lantoa.plans.views import record_renderers

    record_renderers["audience.person"] = ("audience/reach_people_table.html", present_people)


_register_drilldown()
