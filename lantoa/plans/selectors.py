"""Reading plans. Plans are shared documents: every member of a unit (and every all-seeing role) reads
them; someone without a unit reads nothing."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from lantoa.geo.selectors import ancestor_ids
from lantoa.orgs.access import scope_for, scope_queryset
from lantoa.plans.kpi import compute, registry
from lantoa.plans.models import Indicator, Plan, Target
from lantoa.plans.targets import target_met


def plan_list(*, user) -> QuerySet:
    """Plans covering an area of the user's scope, or an area above it (the district plan for a
    commune officer), or issued by one of the user's units."""
    scope = scope_for(user)
    qs = Plan.objects.select_related("issuer", "parent").prefetch_related("areas")
    if scope.sees_all:
        return qs
    if scope.is_empty:
        return Plan.objects.none()
    covering = ancestor_ids(scope.area_ids | scope.home_area_ids)
    return qs.filter(Q(areas__in=covering) | Q(issuer__in=scope.unit_ids)).distinct()


def plan_get(*, user, pk: int) -> Plan:
    plan = plan_list(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def default_plan(*, user) -> Plan | None:
    plans = plan_list(user=user)
    return plans.filter(is_default=True).first() or plans.filter(indicators__isnull=False).first()


def indicators_with_targets(plan: Plan) -> list[Indicator]:
    """Indicators in order, each with `.by_year` = {year: plan-wide target} and `.scoped` targets."""
    indicators = list(
        plan.indicators.prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("area", "unit").order_by("year"))
        )
    )
    for ind in indicators:
        ind.by_year = {t.year: t for t in ind.targets.all() if t.area_id is None and t.unit_id is None}
        ind.scoped = [t for t in ind.targets.all() if t.area_id or t.unit_id]
    return indicators


def target_list(*, user, indicator: Indicator) -> QuerySet:
    """An indicator's targets: plan-wide ones, and those set for an area or unit the user may see."""
    qs = indicator.targets.select_related("area", "unit")
    scoped = scope_queryset(qs, user, unit_field="unit", area_field="area")
    return (qs.filter(area__isnull=True, unit__isnull=True) | scoped).order_by("year", "area__name", "unit__name")


def indicator_get(*, user, plan: Plan, pk: int) -> Indicator:
    indicator = plan.indicators.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    return indicator


STATUS_MET, STATUS_BEHIND, STATUS_NO_DATA = "met", "behind", "no_data"


def dashboard_rows(*, user, plan: Plan) -> list[dict]:
    """For each indicator and year: the target, the computed actual and its status."""
    rows = []
    for ind in indicators_with_targets(plan):
        cells = []
        for year in plan.years:
            target = ind.by_year.get(year)
            result = compute(ind, year, user=user)
            met = target_met(target, result.actual) if result.has_data else None
            status = STATUS_NO_DATA if not result.has_data else (STATUS_MET if met else STATUS_BEHIND)
            cells.append({"year": year, "target": target, "result": result, "status": status})
        comp = registry[ind.computation]
        rows.append({"indicator": ind, "cells": cells, "computation": comp})
    return rows
