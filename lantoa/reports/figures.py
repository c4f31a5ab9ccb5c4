"""The figures of a report, computed from the records (selectors only) into plain JSON: what a draft shows
live and what submission freezes into `Report.figures`. Numbers are kept as strings of Decimals or ints so
that a frozen report reads back exactly what was computed.

- unit report: the indicators the unit contributes to (computed for the unit, as the dashboard does for
  that unit), its done activities by form and channel, people reached (counted and estimated), trainings,
  messages, content used, feedback collected, budget vs spent;
- district / insurance report: the accepted unit reports of the year summed, the plan-wide indicators
  (the dashboard's own cells) and the district budget;
- final evaluation: every indicator, every year, every commune and every office or organisation that held
  activities in the plan's years, with met / missed.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.activities.selectors import activity_scope
from lantoa.audience.models import Reach
from lantoa.budget.selectors import budget_totals, spending_by_kind, unit_budgets
from lantoa.core import clock
from lantoa.geo.selectors import area_tree_cache, rollup_source_ids
from lantoa.messaging.models import Message
from lantoa.messaging.selectors import message_list
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import KpiResult, compute
from lantoa.plans.selectors import commune_cells, indicators_with_targets
from lantoa.plans.targets import STATUS_BEHIND, STATUS_MET, evaluate, target_display, value_display

Progress = Callable[[int, str], None] | None

# The totals a unit report carries and the district report sums, in the order they are shown.
TOTAL_KEYS = (
    "activities",
    "participants",
    "estimated_reach",
    "people_reached",
    "trainings",
    "trainees",
    "trainees_completed",
    "messages_sent",
    "messages_delivered",
    "content_used",
    "questions",
    "signups",
    "vssid_logins",
)
ACTIVITY_SUMS = ("participants", "estimated_reach", "questions", "signups", "vssid_logins", "cost")


def _num(value) -> str | None:
    """A figure as JSON: Decimals and ints as strings, booleans kept, None kept."""
    if value is None or isinstance(value, bool):
        return value
    return str(value)


def _dec(value) -> Decimal:
    return Decimal(str(value or 0))


def actual_display(result, measure: str) -> str:
    """The figure as the dashboard shows it: yes/no, 37,5%, 1.234."""
    return value_display(result.actual, measure)


def indicator_row(indicator, year: int, result, target) -> dict:
    status, forecast = evaluate(target, result, year, clock.today())
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "measure": indicator.measure,
        "target": target_display(target) if target is not None else "—",
        "target_value": _num(target.min_value if target is not None and target.min_value is not None else None),
        "actual": _num(result.actual),
        "display": actual_display(result, indicator.measure),
        "numerator": _num(result.numerator),
        "denominator": _num(result.denominator),
        "status": status,
        "met": True if status == STATUS_MET else (False if status == STATUS_BEHIND else None),
    }


def _unit_target(indicator, unit, year: int):
    """A target set for the unit, else for its area; a plan-wide share or yes/no target applies to a unit too
    (a count target of the whole district does not)."""
    scoped = [t for t in indicator.scoped if t.year == year]
    for t in scoped:
        if t.unit_id == unit.pk:
            return t
    for t in scoped:
        if t.area_id and t.area_id == unit.area_id and not t.unit_id:
            return t
    if indicator.measure != "count":
        return indicator.by_year.get(year)
    return None


def is_commune_unit(unit) -> bool:
    return unit.kind == Unit.Kind.COMMUNE_COMMITTEE and unit.area_id is not None


def subject(unit) -> dict:
    """What a unit's figures cover: a commune People's Committee reports on its commune (the dashboard's cell
    for that commune); an office or organisation on what it organised."""
    return {"area": unit.area, "unit": None} if is_commune_unit(unit) else {"area": None, "unit": unit}


def _activities(*, user, unit, year: int):
    qs = activity_scope(user=user).filter(status=Activity.Status.DONE, start_date__year=year)
    if unit is not None and is_commune_unit(unit):
        qs = qs.filter(Q(organiser=unit) | Q(area__in=rollup_source_ids(unit.area)))
    elif unit is not None:
        qs = qs.filter(organiser=unit)
    return qs


def _activity_rows(qs) -> list[dict]:
    rows = []
    for r in (
        qs.order_by()
        .values("kind", "channel")
        .annotate(n=Count("id"), **{f"s_{k}": Sum(k) for k in ACTIVITY_SUMS})
        .order_by("kind", "channel")
    ):
        rows.append(
            {
                "kind": r["kind"],
                "kind_label": str(Kind(r["kind"]).label) if r["kind"] in Kind.values else r["kind"],
                "channel": r["channel"],
                "channel_label": str(Channel(r["channel"]).label) if r["channel"] in Channel.values else r["channel"],
                "count": r["n"],
                **{k: _num(r[f"s_{k}"] or 0) for k in ACTIVITY_SUMS},
            }
        )
    return rows


def _budget(*, user, unit, year: int) -> dict:
    rows = unit_budgets(user=user, year=year, unit=unit)
    total = rows[0] if unit is not None else budget_totals(rows, year)
    return {
        "estimate": _num(total.estimate),
        "spent": _num(total.spent),
        "balance": _num(total.balance),
        "percent_used": _num(total.percent_used),
        "by_kind": [
            {"label": str(b.label), "total": _num(b.total), "count": b.count, "share": _num(b.share)}
            for b in spending_by_kind(user=user, year=year, unit=unit)
        ],
        **(
            {}
            if unit is not None
            else {
                "units": [
                    {
                        "unit": r.unit.name,
                        "estimate": _num(r.estimate),
                        "spent": _num(r.spent),
                        "percent_used": _num(r.percent_used),
                    }
                    for r in rows
                ]
            }
        ),
    }


def unit_records(*, user, unit, year: int) -> dict:
    """What a unit did in the year, from its records: activities, reach, trainings, messages, content."""
    acts = _activities(user=user, unit=unit, year=year)
    rows = _activity_rows(acts)
    sums = {k: sum(_dec(r[k]) for r in rows) for k in ACTIVITY_SUMS}
    trainings = acts.filter(kind=Kind.TRAINING)
    from lantoa.team.models import TrainingAttendance

    attendance = TrainingAttendance.objects.filter(activity__in=trainings)
    reach = Reach.objects.filter(date__year=year, activity__in=acts)
    messages = message_list(user=user).filter(unit=unit, sent_at__year=year)
    sent = messages.filter(status__in=[Message.Status.SENT, Message.Status.DELIVERED, Message.Status.FAILED])
    content = (
        acts.exclude(content_used=None)
        .values_list("content_used__title", flat=True)
        .distinct()
        .order_by("content_used__title")
    )
    content_titles = list(content)
    totals = {
        "activities": len(acts.values_list("pk", flat=True)),
        "participants": int(sums["participants"]),
        "estimated_reach": int(sums["estimated_reach"]),
        "people_reached": reach.values("person_id").distinct().count(),
        "trainings": trainings.count(),
        "trainees": attendance.filter(attended=True).count(),
        "trainees_completed": attendance.filter(completed=True).count(),
        "messages_sent": sent.count(),
        "messages_delivered": sent.filter(status=Message.Status.DELIVERED).count(),
        "content_used": len(content_titles),
        "questions": int(sums["questions"]),
        "signups": int(sums["signups"]),
        "vssid_logins": int(sums["vssid_logins"]),
    }
    return {"activities": rows, "totals": {k: totals[k] for k in TOTAL_KEYS}, "content": content_titles[:50]}


def unit_figures(*, user, plan, unit, year: int, progress: Progress = None) -> dict:
    indicators = []
    items = [ind for ind in indicators_with_targets(plan) if ind.pursued_in(year)]
    for i, ind in enumerate(items):
        result = compute(ind, year, user=user, **subject(unit))
        if progress:
            progress(int(60 * (i + 1) / len(items)), ind.code)
        if not result.has_data:
            continue  # the unit does not contribute to it
        indicators.append(indicator_row(ind, year, result, _unit_target(ind, unit, year)))
    return {
        "scope": "unit",
        "computed_at": timezone.now().isoformat(),
        "unit": unit.name,
        "year": year,
        "indicators": indicators,
        **unit_records(user=user, unit=unit, year=year),
        "budget": _budget(user=user, unit=unit, year=year),
    }


def plan_indicators(*, user, plan, year: int, progress: Progress = None, start: int = 0, span: int = 60) -> list[dict]:
    """Every indicator of the plan for the year, plan-wide: the dashboard's cells."""
    rows = []
    items = [ind for ind in indicators_with_targets(plan) if ind.pursued_in(year)]
    for i, ind in enumerate(items):
        result = compute(ind, year, user=user)
        rows.append(indicator_row(ind, year, result, ind.by_year.get(year)))
        if progress:
            progress(start + int(span * (i + 1) / len(items)), ind.code)
    return rows


def sum_unit_reports(reports) -> dict:
    """The accepted unit reports' frozen figures added up: totals, activities by form and channel."""
    totals = dict.fromkeys(TOTAL_KEYS, 0)
    by_key: dict[tuple, dict] = {}
    units = []
    for report in reports:
        figures = report.figures or {}
        units.append(
            {
                "unit": report.unit.name,
                "report": report.pk,
                "submissions": report.submissions,
                **{k: figures.get("totals", {}).get(k, 0) for k in TOTAL_KEYS},
            }
        )
        for k in TOTAL_KEYS:
            totals[k] += int(figures.get("totals", {}).get(k, 0) or 0)
        for row in figures.get("activities", []):
            key = (row["kind"], row["channel"])
            acc = by_key.setdefault(key, {**row, "count": 0, **dict.fromkeys(ACTIVITY_SUMS, "0")})
            acc["count"] += row["count"]
            for k in ACTIVITY_SUMS:
                acc[k] = _num(_dec(acc[k]) + _dec(row.get(k)))
    return {"totals": totals, "activities": [by_key[k] for k in sorted(by_key)], "units": units}


def district_figures(*, user, plan, year: int, reports, expected_units, progress: Progress = None) -> dict:
    reports = list(reports)
    reported = {r.unit_id for r in reports}
    summed = sum_unit_reports(reports)
    if progress:
        progress(10, "")
    return {
        "scope": "district",
        "computed_at": timezone.now().isoformat(),
        "year": year,
        "indicators": plan_indicators(user=user, plan=plan, year=year, progress=progress, start=10, span=70),
        **summed,
        "missing_units": [u.name for u in expected_units if u.pk not in reported],
        "budget": _budget(user=user, unit=None, year=year),
    }


def final_figures(*, user, plan, progress: Progress = None) -> dict:
    """Every indicator × every year of the plan, plan-wide and per commune, with met / missed. The area tree is
    read once for the whole run (each commune's cell asks the same questions of it)."""
    with area_tree_cache():
        return _final_figures(user=user, plan=plan, progress=progress)


def final_units(*, user, years) -> list:
    """The offices and organisations judged by unit in the final evaluation: those that held done activities
    in the plan's years (a commune's committee is judged with its commune)."""
    organisers = (
        activity_scope(user=user)
        .filter(status=Activity.Status.DONE, start_date__year__in=list(years))
        .exclude(organiser__kind=Unit.Kind.COMMUNE_COMMITTEE)
        .values("organiser")
    )
    return list(Unit.objects.filter(pk__in=organisers).order_by("search_key"))


def _final_figures(*, user, plan, progress: Progress = None) -> dict:
    items = indicators_with_targets(plan)
    years = list(plan.years)
    units = final_units(user=user, years=years)
    out = []
    steps = max(1, len(items) * len(years))
    done = 0
    for ind in items:
        cells = []
        communes = defaultdict(dict)
        by_unit = defaultdict(dict)
        for year in years:
            target = ind.by_year.get(year)
            if not ind.pursued_in(year):  # retired from this year: nothing computed, nothing judged
                cells.append({"year": year, **indicator_row(ind, year, KpiResult(), None), "status": "retired"})
                done += 1
                continue
            cells.append({"year": year, **indicator_row(ind, year, compute(ind, year, user=user), target)})
            for c in commune_cells(user=user, indicator=ind, year=year, target=target):
                communes[c["area"].name][str(year)] = {
                    "display": actual_display(c["result"], ind.measure),
                    "status": c["status"],
                }
            if ind.pursued_in(year):
                for unit in units:
                    result = compute(ind, year, user=user, unit=unit)
                    if result.has_data:
                        status, _forecast = evaluate(_unit_target(ind, unit, year), result, year, clock.today())
                        by_unit[unit.name][str(year)] = {
                            "display": actual_display(result, ind.measure),
                            "status": status,
                        }
            done += 1
            if progress:
                progress(int(85 * done / steps), f"{ind.code} {year}")
        row = {
            "id": ind.pk,
            "code": ind.code,
            "name": ind.name,
            "measure": ind.measure,
            "years": cells,
            "communes": [{"commune": name, "years": by_year} for name, by_year in sorted(communes.items())],
            "units": [{"unit": u.name, "years": by_unit[u.name]} for u in units if u.name in by_unit],
        }
        out.append(row)
    met = sum(1 for r in out for c in r["years"] if c["met"] is True)
    missed = sum(1 for r in out for c in r["years"] if c["met"] is False)
    return {
        "scope": "final",
        "computed_at": timezone.now().isoformat(),
        "years": years,
        "indicators": out,
        "met": met,
        "missed": missed,
    }


# ----------------------------------------------------------------------------- what changed since freezing


def flatten(figures: dict) -> dict[str, tuple[str, str]]:
    """key → (what it is, value shown): the comparable figures of a report."""
    from .labels import total_label

    out: dict[str, tuple[str, str]] = {}
    for row in figures.get("indicators", []):
        if "years" in row:
            for cell in row["years"]:
                out[f"ind:{row['code']}:{cell['year']}"] = (f"{row['code']} ({cell['year']})", cell["display"])
        else:
            out[f"ind:{row['code']}"] = (f"{row['code']} · {row['name']}", row["display"])
    totals = figures.get("totals") or {}
    for key in [k for k in TOTAL_KEYS if k in totals] + [k for k in totals if k not in TOTAL_KEYS]:
        out[f"tot:{key}"] = (str(total_label(key)), str(totals[key]))
    budget = figures.get("budget") or {}
    for key, label in (("estimate", gettext("Budget estimate")), ("spent", gettext("Spent"))):
        if key in budget:
            out[f"bud:{key}"] = (str(label), str(budget[key]))
    return out


def differences(frozen: dict, live: dict) -> list[dict]:
    """Figures whose value in the records today differs from the frozen one."""
    a, b = flatten(frozen or {}), flatten(live or {})
    rows = []
    for key in list(a) + [k for k in b if k not in a]:
        before = a.get(key, (b.get(key, ("", ""))[0], "—"))
        after = b.get(key, (before[0], "—"))
        if before[1] != after[1]:
            rows.append({"key": key, "label": before[0] or after[0], "frozen": before[1], "now": after[1]})
    return rows


def due_day(year: int) -> dt.date:
    from django.conf import settings

    day, month = (int(x) for x in str(getattr(settings, "REPORTS_DUE", "15/12")).split("/"))
    return dt.date(year, month, day)
