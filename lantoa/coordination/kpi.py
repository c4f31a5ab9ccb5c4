"""Indicators M1, M2, M3 over the coordination records (imported by CoordinationConfig.ready).

- M1 `leaders_informed_share`: the leaders of the plan's units in the user's scope — distinct people with
  a leader posting (staff lists) in force at some time in the year — informed at least once in the year
  (any briefing: conference, e-mail, document, training), over those leaders.
- M2 `communes_with_plan_share`: the plan's communes (in force on the year's reference day, see
  `lantoa.activities.kpi.plan_communes`) with an ACCEPTED plan of the year from their commune People's
  Committee — a plan of a commune merged into it in July 2025 counts for the commune that absorbed it —
  over those communes. Details: the same share for the district units, and who has none.
- M3 `coordination_reviewed`: yes when an agreement of the user's scope was reviewed (sơ kết or tổng
  kết) in the year and signed again or followed by a next agreement.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from lantoa.activities.kpi import plan_communes, reference_day
from lantoa.audience.kpi import units_in_scope
from lantoa.audience.models import Person, StaffPosting
from lantoa.core import clock
from lantoa.geo.selectors import commune_rollup_map
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import KpiContext, KpiResult, registry

from .models import Agreement, AgreementReview, Briefing, UnitPlan


def _percent(numerator, denominator) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


def _future(ctx: KpiContext) -> KpiResult | None:
    if ctx.year > clock.today().year:
        return KpiResult(no_data_reason=_("the year has not started"))
    return None


def _overlaps_year(year: int) -> Q:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=start))


@registry.implement("leaders_informed_share")
def leaders_informed_share(ctx: KpiContext) -> KpiResult:
    """M1: share of the units' leaders informed at least once in the year."""
    if (early := _future(ctx)) is not None:
        return early
    units = list(units_in_scope(ctx))
    postings = list(
        StaffPosting.objects.filter(
            _overlaps_year(ctx.year), unit__in=units, is_leader=True, person__merged_into__isnull=True
        ).values_list("person_id", "unit_id")
    )
    leaders = {person for person, _unit in postings}
    if not leaders:
        return KpiResult(no_data_reason=_("the leaders on the staff lists of the plan's units"))
    # Informed by anyone (a district conference counts even if the user cannot open its record).
    informed = (
        set(Briefing.objects.filter(date__year=ctx.year, leaders__in=leaders).values_list("leaders", flat=True))
        & leaders
    )
    names = {u.pk: u.name for u in units}
    missing: dict[str, int] = {}
    for person, unit in set(postings):
        if person not in informed:
            missing[names[unit]] = missing.get(names[unit], 0) + 1
    return KpiResult(
        actual=_percent(len(informed), len(leaders)),
        numerator=Decimal(len(informed)),
        denominator=Decimal(len(leaders)),
        records=Person.objects.filter(pk__in=informed).select_related("area"),
        details={
            "leaders": len(leaders),
            "not_informed": len(leaders) - len(informed),
            "units_with_leaders_not_informed": dict(sorted(missing.items())),
        },
    )


def _district_units(ctx: KpiContext) -> list[Unit]:
    return list(units_in_scope(ctx).exclude(kind__in=[Unit.Kind.COMMUNE_COMMITTEE, Unit.Kind.PEOPLES_COMMITTEE]))


@registry.implement("communes_with_plan_share")
def communes_with_plan_share(ctx: KpiContext) -> KpiResult:
    """M2: share of the plan's communes with an accepted annual plan (and, in details, of the units)."""
    if (early := _future(ctx)) is not None:
        return early
    communes = plan_communes(ctx)
    if not communes:
        return KpiResult(no_data_reason=_("no commune of the plan in your scope"))
    accepted = UnitPlan.objects.filter(year=ctx.year, status=UnitPlan.Status.ACCEPTED)
    commune_plans = list(accepted.filter(unit__kind=Unit.Kind.COMMUNE_COMMITTEE).values_list("pk", "unit__area_id"))
    mapping = commune_rollup_map(reference_day(ctx.year), {area for _pk, area in commune_plans})
    wanted = {c.id for c in communes}
    by_commune: dict[int, list[int]] = {}
    for pk, area in commune_plans:
        commune = mapping.get(area)
        if commune in wanted:
            by_commune.setdefault(commune, []).append(pk)
    with_plan = [c for c in communes if c.id in by_commune]

    units = _district_units(ctx)
    units_with = set(accepted.filter(unit__in=units).values_list("unit_id", flat=True))
    details = {
        "communes": len(communes),
        "communes_without_plan": [c.name for c in communes if c.id not in by_commune],
        "units": len(units),
        "units_with_plan": len(units_with),
        "units_share": _percent(len(units_with), len(units)) if units else None,
        "units_without_plan": [u.name for u in units if u.pk not in units_with],
    }
    ids = [pk for pks in by_commune.values() for pk in pks]
    return KpiResult(
        actual=_percent(len(with_plan), len(communes)),
        numerator=Decimal(len(with_plan)),
        denominator=Decimal(len(communes)),
        records=UnitPlan.objects.filter(pk__in=ids).select_related("unit", "accepted_by"),
        details=details,
    )


def _agreements(ctx: KpiContext):
    qs = Agreement.objects.all()
    scope = scope_for(ctx.user) if ctx.user is not None else None
    if scope is not None and not scope.sees_all:
        qs = qs.filter(pk__in=Agreement.objects.filter(parties__in=scope.unit_ids).values("pk"))
    if ctx.unit is not None:
        qs = qs.filter(pk__in=Agreement.objects.filter(parties=ctx.unit).values("pk"))
    return qs


@registry.implement("coordination_reviewed")
def coordination_reviewed(ctx: KpiContext) -> KpiResult:
    """M3: an agreement reviewed in the year and signed again (or a next agreement considered)."""
    if (early := _future(ctx)) is not None:
        return early
    reviews = AgreementReview.objects.filter(date__year=ctx.year, agreement__in=_agreements(ctx))
    qualifying = reviews.filter(Q(re_signed=True) | Q(next_agreement__isnull=False))
    n = qualifying.count()
    return KpiResult(
        actual=n > 0,
        numerator=Decimal(n),
        records=reviews.select_related("agreement", "next_agreement"),
        details={
            "reviews": reviews.count(),
            "final_reviews": reviews.filter(kind=AgreementReview.Kind.FINAL).count(),
            "interim_reviews": reviews.filter(kind=AgreementReview.Kind.INTERIM).count(),
            "re_signed": n,
        },
    )


def _register_drilldown() -> None:
    from lantoa.plans.views import record_renderers

    record_renderers["coordination.unitplan"] = ("coordination/unitplan_table.html", lambda user, rows: rows)
    record_renderers["coordination.agreementreview"] = (
        "coordination/agreementreview_table.html",
        lambda user, rows: rows,
    )


_register_drilldown()
