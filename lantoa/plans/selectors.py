"""Reading plans. Plans are shared documents: every member of a unit (and every all-seeing role) reads
them; someone without a unit reads nothing."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from lantoa.core import clock
from lantoa.geo.selectors import ancestor_ids
from lantoa.orgs.access import scope_for, scope_queryset
from lantoa.plans.kpi import compute, registry
from lantoa.plans.models import Indicator, Plan, Target
from lantoa.plans.targets import evaluate, value_display


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
    """The plan a page opens on: one of the user's plans in force this year (the default plan first),
    else the default plan, else the most recent — so a commune whose new plan is not the district's
    default still lands on its own current plan."""
    plans = plans_with_indicators(user=user)
    return (
        plan_for_year(user=user, year=clock.today().year)
        or plans.filter(is_default=True).first()
        or plans.order_by("-end_year", "-start_year", "-pk").first()
    )


def chosen_plan(*, user, value: str) -> Plan | None:
    """The plan a page shows: the one picked (?plan=, through the access gate), else `default_plan`."""
    if value:
        if not str(value).isdecimal():
            raise Http404
        return plan_get(user=user, pk=int(value))
    return default_plan(user=user)


def plans_with_indicators(*, user) -> QuerySet:
    """The plans a picker offers, most recent first."""
    return plan_list(user=user).filter(indicators__isnull=False).distinct().order_by("-start_year", "-pk")


def plan_for_year(*, user, year: int) -> Plan | None:
    """The plan a year's records and reports belong to: the default plan if its period covers the year,
    else the most recent readable plan (with indicators) that does."""
    plans = plans_with_indicators(user=user).filter(start_year__lte=year, end_year__gte=year)
    return plans.order_by("-is_default", "-start_year", "-pk").first()


def plan_years(*, user) -> list[int]:
    """Every year some readable plan covers, oldest first (reports of an ended plan stay reachable)."""
    years: set[int] = set()
    for start, end in plans_with_indicators(user=user).values_list("start_year", "end_year"):
        years.update(range(start, end + 1))
    return sorted(years)


def record_years(*, user, this_year: int) -> list[int]:
    """The years a list of records offers, newest first: every year of the user's plans (an ended
    plan's years stay) and this year; the last three years when the user has no plan."""
    years = set(plan_years(user=user)) or set(range(this_year - 3, this_year))
    years.add(this_year)
    return sorted(years, reverse=True)


def units_in_plans(year: int, day: dt.date) -> QuerySet:
    """Units in force on `day` that take part in a plan in force in `year` — who owes a yearly plan or a
    report: each plan's issuer and the units whose area the plan covers (its lens: also what absorbed or
    rolled into its areas) or lies above (a province office for a commune plan). No plan, no one."""
    from lantoa.core.models import valid_on
    from lantoa.geo.selectors import plan_lens_ids
    from lantoa.orgs.models import Unit

    units = Unit.objects.filter(valid_on(day))
    plans = list(Plan.objects.filter(start_year__lte=year, end_year__gte=year, indicators__isnull=False).distinct())
    area_ids: set[int] = set()
    issuers = {p.issuer_id for p in plans if p.issuer_id}
    for plan in plans:
        covered = list(plan.areas.values_list("id", flat=True))
        if not covered:
            return units  # a plan over every area
        area_ids |= plan_lens_ids(covered) | ancestor_ids(covered)
    return units.filter(Q(area_id__in=area_ids) | Q(pk__in=issuers)) if plans else units.none()


def absorbed_areas(plan: Plan, areas) -> dict[int, list[str]]:
    """{area id: names of the areas of `plan` (or below them) it absorbed}, shown beside each area
    proposed for the next plan."""
    from lantoa.geo.models import Area
    from lantoa.geo.selectors import descendant_ids

    covered = descendant_ids(plan.areas.values_list("id", flat=True))
    found: dict[int, set[str]] = {a.id: set() for a in areas}
    for successor_id, name in Area.objects.filter(successions__successor__in=list(found), id__in=covered).values_list(
        "successions__successor", "name"
    ):
        found[successor_id].add(name)
    return {area_id: sorted(names) for area_id, names in found.items()}


def indicators_with_targets(plan: Plan) -> list[Indicator]:
    """Indicators in order, each with `.by_year` = {year: plan-wide target} and `.scoped` targets."""
    indicators = list(
        plan.indicators.select_related("reference").prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("area", "unit").order_by("year"))
        )
    )
    for ind in indicators:
        ind.by_year = {t.year: t for t in ind.targets.all() if t.area_id is None and t.unit_id is None}
        ind.scoped = [t for t in ind.targets.all() if t.area_id or t.unit_id]
        # The value the previous plan achieved (set when this plan was started from it).
        baseline = next((t.params["baseline"] for t in ind.by_year.values() if "baseline" in t.params), None)
        ind.baseline = baseline and {"year": baseline["year"], "text": value_display(baseline["value"], ind.measure)}
    return indicators


def target_list(*, user, indicator: Indicator) -> QuerySet:
    """An indicator's targets: plan-wide ones, and those set for an area or unit the user may see."""
    qs = indicator.targets.select_related("area", "unit")
    scoped = scope_queryset(qs, user, unit_field="unit", area_field="area")
    return (qs.filter(area__isnull=True, unit__isnull=True) | scoped).order_by("year", "area__name", "unit__name")


def same_indicator_in_other_plans(*, user, indicator: Indicator) -> list[Indicator]:
    """The indicator with the same computation (or code) in the other plans the user reads, most recent
    plan first — the plan picker of an indicator page."""
    plans = plans_with_indicators(user=user).exclude(pk=indicator.plan_id)
    found = {}
    for other in (
        Indicator.objects.filter(plan__in=plans)
        .filter(Q(computation=indicator.computation) | Q(code=indicator.code))
        .select_related("plan")
        .order_by("-plan__start_year", "-plan_id", "order")
    ):
        # Prefer the same computation; a plan has one pick.
        if other.plan_id not in found or (
            other.computation == indicator.computation and found[other.plan_id].computation != indicator.computation
        ):
            found[other.plan_id] = other
    return list(found.values())


def indicator_get(*, user, plan: Plan, pk: int) -> Indicator:
    indicator = plan.indicators.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    return indicator


def indicator_cell(*, user, indicator: Indicator, year: int, target=None, area=None) -> dict:
    """One figure of the dashboard: target, computed result, status and forecast (nothing is computed
    for a year the indicator is retired from)."""
    if not indicator.pursued_in(year):
        return {"year": year, "target": None, "result": None, "status": "retired", "forecast": None}
    result = compute(indicator, year, user=user, area=area)
    status, forecast = evaluate(target, result, year, clock.today())
    return {"year": year, "target": target, "result": result, "status": status, "forecast": forecast}


def dashboard_rows(*, user, plan: Plan) -> list[dict]:
    """For each indicator and year: the target, the computed actual, its status and forecast."""
    rows = []
    for ind in indicators_with_targets(plan):
        cells = [indicator_cell(user=user, indicator=ind, year=y, target=ind.by_year.get(y)) for y in plan.years]
        rows.append(
            {
                "indicator": ind,
                "cells": cells,
                "computation": registry[ind.computation],
                "no_data_reason": cells[0]["result"].no_data_reason
                if cells and cells[0]["result"] and cells[0]["result"].waiting
                else "",
            }
        )
    return rows


def pace_warnings(*, user, plan: Plan) -> list[dict]:
    """Targets of the running year that the pace so far will not reach (R1.5)."""
    year = clock.today().year
    if not plan.start_year <= year <= plan.end_year:
        return []
    out = []
    for ind in indicators_with_targets(plan):
        if not ind.pursued_in(year):
            continue
        cell = indicator_cell(user=user, indicator=ind, year=year, target=ind.by_year.get(year))
        if cell["status"] == "behind":
            text = gettext("%(code)s: the %(year)s target (%(target)s) will not be met at the current pace.") % {
                "code": ind.code,
                "year": year,
                "target": cell["target"].display if cell["target"] else "—",
            }
            out.append({"text": text, "url": reverse("plans:indicator", args=[plan.pk, ind.pk])})
    return out


def commune_cells(*, user, indicator: Indicator, year: int, target=None) -> list[dict]:
    """The indicator for each commune of the plan the user may see, in force at the year's end."""
    from lantoa.geo.selectors import communes_on

    day = min(dt.date(year, 12, 31), max(clock.today(), dt.date(year, 1, 1)))
    scope = scope_for(user)
    communes = [c for c in communes_on(indicator.plan.areas.all(), day) if scope.sees_all or c.id in scope.area_ids]
    # A count set for the whole plan (M4 meetings, M6, M10 classes) is not asked of each commune: a
    # commune is judged only against a target of its own; otherwise its figure counts toward the total.
    whole_plan = indicator.measure in (Indicator.Measure.COUNT, Indicator.Measure.PER_UNIT)
    own = {t.area_id: t for t in Target.objects.filter(indicator=indicator, year=year, area__in=communes, unit=None)}
    rows = []
    for commune in communes:
        asked = own.get(commune.id) or (None if whole_plan else target)
        cell = indicator_cell(user=user, indicator=indicator, year=year, target=asked, area=commune)
        rows.append({"area": commune, "toward_total": whole_plan and asked is None, **cell})
    return rows


def trend_chart(cells: list[dict]) -> dict:
    """Years, actual values and targets for a line chart (numbers only; yes/no as 1/0)."""

    def number(value):
        if value is None:
            return None
        if isinstance(value, bool):
            return 1 if value else 0
        return float(value)

    return {
        "labels": [c["year"] for c in cells],
        "actual": [number(c["result"].actual if c["result"] else None) for c in cells],
        "target": [
            number(
                c["target"].min_value
                if c["target"] and c["target"].min_value is not None
                else (c["target"].expected if c["target"] else None)
            )
            for c in cells
        ],
    }
