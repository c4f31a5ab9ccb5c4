"""Reading the commune radio log, always through the access gate, and the weekly check of M7.

Weeks are ISO weeks (Monday–Sunday); a week belongs to the year of its Thursday, so the week of
31/12/2022–01/01/2023 is week 52 of 2022 and week 1 of 2023 starts on Monday 02/01/2023.

Which commune a week belongs to: a commune *holds* a week when it is in force on the week's Sunday. A
commune formed on Tuesday 01/07/2025 therefore holds the week of 30/06–06/07/2025 (ISO 2025-W27) and the
communes it absorbed (in force until Monday 30/06) hold the weeks up to 23–29/06. A broadcast counts
under the commune that holds its week, through the rollup of `geo.selectors.rollup_source_ids`: a
broadcast on the commune, on one of its hamlets, or on a commune merged into it (from the week of the
merger) — the broadcast of Monday 30/06/2025 on Xã Long Khánh A counts for Xã Long Khánh's week 27.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from math import ceil
from operator import or_

from django.db.models import Q, QuerySet

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.core import clock
from lantoa.core.models import valid_on
from lantoa.core.text import search_key
from lantoa.geo.models import Area, AreaSuccession
from lantoa.geo.selectors import communes_covering, rollup_source_ids
from lantoa.orgs.access import get_scoped_or_404, scope_for, scope_queryset, user_unit
from lantoa.orgs.models import Unit
from lantoa.plans.models import Indicator, Plan
from lantoa.plans.selectors import plan_list
from lantoa.radio.models import Broadcast

COMPUTATION = "radio_voluntary_per_week"
DEFAULT_WEEKLY_MINIMUM = 2

# Week statuses (the grid's colours: met green, missed red, the others grey). NO_PLAN: the commune held
# the week but no plan in force covered it, so nothing was asked of it (never a failure).
MET, MISSED, PENDING, NOT_IN_FORCE, NO_PLAN = "met", "missed", "pending", "not_in_force", "no_plan"


# --- weeks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    year: int
    number: int
    monday: dt.date
    sunday: dt.date

    @property
    def key(self) -> tuple[int, int]:
        return (self.year, self.number)

    @property
    def label(self) -> str:
        """The ISO code (2026-W48), for exports and sorting; people read `dates`."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def dates(self) -> str:
        """The week as people name it: 23/11–29/11/2026."""
        return f"{self.monday:%d/%m}–{self.sunday:%d/%m/%Y}"

    def is_finished(self, today: dt.date) -> bool:
        return self.sunday < today


def week_of(day: dt.date) -> Week:
    iso = day.isocalendar()
    monday = day - dt.timedelta(days=iso.weekday - 1)
    return Week(iso.year, iso.week, monday, monday + dt.timedelta(days=6))


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December is always in the last ISO week of its year."""
    return dt.date(year, 12, 28).isocalendar().week


def iso_weeks(year: int) -> list[Week]:
    first = dt.date.fromisocalendar(year, 1, 1)
    return [
        Week(year, n, first + dt.timedelta(weeks=n - 1), first + dt.timedelta(weeks=n - 1, days=6))
        for n in range(1, weeks_in_year(year) + 1)
    ]


def last_finished_week(on_date: dt.date) -> Week:
    return week_of(on_date - dt.timedelta(days=on_date.isoweekday()))


def holds(commune: Area, week: Week) -> bool:
    """The commune holds the week when it is in force on the week's Sunday."""
    return commune.is_valid_on(week.sunday)


# --- what the user may write -------------------------------------------------------------------------


def may_write(user) -> bool:
    return getattr(user, "is_authenticated", False) and not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def writable_areas(*, user) -> QuerySet:
    """Communes and hamlets the user may record broadcasts for: those of their scope."""
    qs = Area.objects.filter(level__in=[Area.Level.COMMUNE, Area.Level.HAMLET]).select_related("parent")
    if not may_write(user):
        return qs.none()
    scope = scope_for(user)
    return qs if scope.sees_all else qs.filter(id__in=scope.area_ids)


def writable_units(*, user) -> QuerySet:
    qs = Unit.objects.all()
    if not may_write(user):
        return qs.none()
    scope = scope_for(user)
    return qs if scope.sees_all else qs.filter(id__in=scope.unit_ids)


def default_commune(*, user) -> Area | None:
    """The commune of the user's unit, for the entry form."""
    unit = user_unit(user)
    if unit is None or unit.area.level < Area.Level.COMMUNE:
        return None
    return unit.area


# --- the log -----------------------------------------------------------------------------------------


def _scoped(user) -> QuerySet:
    """The broadcasts `user` may read; every one for `user=None` (system computations, as elsewhere)."""
    if user is None:
        return Broadcast.objects.all()
    return scope_queryset(Broadcast.objects.all(), user, unit_field="unit", area_field="commune")


def broadcast_list(
    *,
    user,
    commune: Area | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    voluntary_only: bool = False,
    topic=None,
    q: str = "",
    unit: Unit | None = None,
) -> QuerySet:
    """Broadcasts the user may see. `commune` takes what counts under it: its hamlets and the communes
    merged into it (a 2023 broadcast on Xã Long Khánh A is listed under Xã Long Khánh)."""
    qs = _scoped(user).select_related("commune", "commune__parent", "unit", "created_by").prefetch_related("topics")
    if commune is not None:
        qs = qs.filter(commune_id__in=rollup_source_ids(commune))
    if date_from:
        qs = qs.filter(aired_on__gte=date_from)
    if date_to:
        qs = qs.filter(aired_on__lte=date_to)
    if voluntary_only:
        qs = qs.filter(voluntary_bhxh=True)
    if topic is not None:
        qs = qs.filter(topics=topic)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if q:
        qs = qs.filter(search_key__contains=search_key(q))
    return qs


def broadcast_get(*, user, pk: int) -> Broadcast:
    return get_scoped_or_404(
        Broadcast.objects.select_related("commune", "commune__parent", "unit", "created_by").prefetch_related("topics"),
        user,
        unit_field="unit",
        area_field="commune",
        pk=pk,
    )


def commune_options(*, user) -> QuerySet:
    """Communes (level 3, former ones included) the user may pick in filters and on the week grid;
    every commune for `user=None`."""
    qs = Area.objects.filter(level=Area.Level.COMMUNE)
    if user is None:  # a system job, e.g. the weekly check for everyone
        return qs
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    return qs.filter(id__in=scope.area_ids)


def commune_get(*, user, pk: int) -> Area:
    return get_scoped_or_404(Area.objects.filter(level=Area.Level.COMMUNE), user, area_field="id", pk=pk)


# --- the weekly minimum (the plan's M7 target) -------------------------------------------------------


def m7_indicator(*, user, year: int):
    """The indicator computed by the radio check in a plan the user reads that covers `year`
    (the default plan first)."""
    plans = Plan.objects.all() if user is None else plan_list(user=user)
    plans = plans.filter(start_year__lte=year, end_year__gte=year)
    return (
        Indicator.objects.filter(computation=COMPUTATION, plan__in=plans)
        .order_by("-plan__is_default", "-plan__start_year", "id")
        .first()
    )


def weekly_obligations(year: int, commune_ids) -> dict[int, int | None]:
    """Per commune: the weekly minimum of voluntary-BHXH broadcasts asked of it in `year` by the plans in
    force that cover it (the strictest when several do), or None when no plan in force covers it.

    The obligation comes from the plans, whoever reads it: a commune is not let off because the
    reader cannot open the province's plan."""
    commune_ids = set(commune_ids)
    result: dict[int, int | None] = dict.fromkeys(commune_ids)
    indicators = Indicator.objects.filter(
        computation=COMPUTATION, plan__start_year__lte=year, plan__end_year__gte=year
    ).select_related("plan")
    for indicator in indicators:
        covered = communes_covering(indicator.plan.areas.values_list("id", flat=True)) & commune_ids
        for cid, minimum in weekly_minimums(indicator, year, covered).items():
            result[cid] = minimum if result[cid] is None else max(result[cid], minimum)
    return result


def weekly_minimums(indicator, year: int, commune_ids) -> dict[int, int]:
    """Per commune: the minimum number of voluntary-BHXH broadcasts a week must have. A target set for
    the commune wins over the plan-wide one; without a target, 2 (the plan's "tối thiểu 02 lượt/tuần")."""
    commune_ids = set(commune_ids)
    plan_wide = DEFAULT_WEEKLY_MINIMUM
    by_area = {}
    if indicator is not None:
        for t in indicator.targets.filter(year=year, unit__isnull=True, min_value__isnull=False):
            if t.area_id is None:
                plan_wide = int(ceil(t.min_value))
            elif t.area_id in commune_ids:
                by_area[t.area_id] = int(ceil(t.min_value))
    return {cid: by_area.get(cid, plan_wide) for cid in commune_ids}


# --- counting ----------------------------------------------------------------------------------------


def sources_by_commune(communes) -> dict[int, set[int]]:
    """`rollup_source_ids` for many communes at once, in a handful of queries whatever their number:
    each commune's subtree, the areas that rolled up into it (primary links, transitively, closed ones
    only) and their subtrees."""
    children: dict[int, set[int]] = defaultdict(set)
    loaded: set[int] = set()

    def load_children(ids):
        frontier = set(ids) - loaded
        while frontier:
            loaded.update(frontier)
            rows = list(Area.objects.filter(parent_id__in=frontier).values_list("parent_id", "id"))
            for parent_id, area_id in rows:
                children[parent_id].add(area_id)
            frontier = {area_id for _, area_id in rows} - loaded

    def subtree(root_ids):
        found, stack = set(root_ids), list(root_ids)
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    ids = [c.id for c in communes]
    load_children(ids)
    first = {cid: subtree([cid]) for cid in ids}
    predecessors: dict[int, set[int]] = defaultdict(set)
    frontier = set().union(*first.values()) if first else set()
    seen = set(frontier)
    while frontier:
        rows = list(
            AreaSuccession.objects.filter(
                successor_id__in=frontier, primary=True, predecessor__valid_to__isnull=False
            ).values_list("successor_id", "predecessor_id")
        )
        for successor_id, predecessor_id in rows:
            predecessors[successor_id].add(predecessor_id)
        frontier = {p for _, p in rows} - seen
        seen |= frontier
    result = {}
    for cid, own in first.items():
        roots, stack = set(own), list(own)
        while stack:
            for p in predecessors.get(stack.pop(), ()):
                if p not in roots:
                    roots.add(p)
                    stack.append(p)
        load_children(roots)
        result[cid] = subtree(roots)
    return result


@dataclass
class WeekCounts:
    """Voluntary-BHXH broadcasts per (commune, week) held, for the communes and weeks asked."""

    held: dict[int, list[Week]]  # commune id → the weeks it holds, in order
    counts: dict[tuple[int, tuple[int, int]], int]  # (commune id, week key) → broadcasts
    logged: int  # broadcasts of any topic found in those communes and weeks
    records: QuerySet  # the voluntary broadcasts counted

    def count(self, commune_id: int, week: Week) -> int:
        return self.counts.get((commune_id, week.key), 0)


def _runs(weeks: list[Week]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive weeks as date ranges."""
    runs: list[list[dt.date]] = []
    for w in weeks:
        if runs and runs[-1][1] + dt.timedelta(days=1) == w.monday:
            runs[-1][1] = w.sunday
        else:
            runs.append([w.monday, w.sunday])
    return [(a, b) for a, b in runs]


def count_weeks(*, user, communes, weeks: list[Week]) -> WeekCounts:
    """Count the voluntary broadcasts of each (commune, week) the commune holds.

    One query reads (area, date, voluntary) of the broadcasts in the period on the communes' source
    areas, through the access gate; the ISO week of each date is worked out in Python (memoised per
    date). That stays well under a second up to ~10^5 broadcasts in a period — a year of a whole
    province at 2–3 broadcasts a week per commune is ~2·10^4. A PostgreSQL-only grouping would only be
    worth it far beyond that.
    """
    communes = list(communes)
    weeks = sorted(weeks, key=lambda w: w.monday)
    held = {c.id: [w for w in weeks if holds(c, w)] for c in communes}
    held = {cid: ws for cid, ws in held.items() if ws}
    sources = sources_by_commune([c for c in communes if c.id in held])
    holders: dict[int, list[int]] = defaultdict(list)
    for cid, area_ids in sources.items():
        for area_id in area_ids:
            holders[area_id].append(cid)
    held_keys = {cid: {w.key for w in ws} for cid, ws in held.items()}

    conditions = [
        Q(commune_id__in=sources[cid]) & reduce(or_, (Q(aired_on__range=run) for run in _runs(ws)))
        for cid, ws in held.items()
    ]
    base = _scoped(user)
    if not conditions or not weeks:
        return WeekCounts(held, {}, 0, base.none())
    where = reduce(or_, conditions)
    counts: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    logged = 0
    week_cache: dict[dt.date, tuple[int, int]] = {}
    rows = (
        base.filter(commune_id__in=list(holders), aired_on__range=(weeks[0].monday, weeks[-1].sunday))
        .order_by()
        .values_list("commune_id", "aired_on", "voluntary_bhxh")
    )
    for area_id, day, voluntary in rows.iterator(chunk_size=5000):
        key = week_cache.get(day)
        if key is None:
            iso = day.isocalendar()
            key = week_cache[day] = (iso.year, iso.week)
        for cid in holders[area_id]:
            if key in held_keys[cid]:
                logged += 1
                if voluntary:
                    counts[(cid, key)] += 1
                break
    # Exactly the rows counted above: same source areas, same held weeks, voluntary.
    records = base.filter(where, voluntary_bhxh=True).select_related("commune")
    return WeekCounts(held, dict(counts), logged, records)


# --- the week grid of one commune --------------------------------------------------------------------


@dataclass
class WeekCell:
    week: Week
    status: str
    count: int | None = None
    minimum: int = DEFAULT_WEEKLY_MINIMUM

    @property
    def css(self) -> str:
        """The shared status colours: met green, missed red, the rest grey."""
        return {MET: "met", MISSED: "behind"}.get(self.status, "no_data")


@dataclass
class WeekGrid:
    commune: Area
    year: int
    minimum: int
    cells: list[WeekCell]
    today: dt.date
    merged_from: list[Area] = field(default_factory=list)  # communes that rolled up into this one
    succeeded_by: list[Area] = field(default_factory=list)  # where this commune's records go after it
    minimum_set: bool = True  # False: no plan in force asks anything of the commune this year

    def _n(self, status):
        return sum(1 for c in self.cells if c.status == status)

    @property
    def met(self) -> int:
        return self._n(MET)

    @property
    def missed(self) -> int:
        return self._n(MISSED)

    @property
    def finished(self) -> int:
        """Finished weeks the commune held."""
        return sum(1 for c in self.cells if c.status not in (NOT_IN_FORCE, NO_PLAN) and c.week.is_finished(self.today))

    @property
    def met_finished(self) -> int:
        return sum(1 for c in self.cells if c.status == MET and c.week.is_finished(self.today))


def _status(minimum: int | None, n: int, week: Week, today: dt.date) -> str:
    if minimum is None:
        return NO_PLAN
    if n >= minimum:
        return MET
    return MISSED if week.is_finished(today) else PENDING


def week_grid(*, user, commune: Area, year: int) -> WeekGrid:
    """Each ISO week of `year` for one commune: the voluntary-BHXH broadcasts counted under it and the
    status — met (≥ the plan's weekly minimum; already met counts even before the week ends), missed
    (a finished week below it), pending (not finished yet), not in force (the commune did not hold
    the week: before it was formed or after it was merged) or no plan (no plan in force covers the
    commune that year: the broadcasts are counted, nothing is asked)."""
    today = clock.today()
    weeks = iso_weeks(year)
    counted = count_weeks(user=user, communes=[commune], weeks=weeks)
    obliged = weekly_obligations(year, [commune.id])[commune.id]
    minimum = obliged if obliged is not None else DEFAULT_WEEKLY_MINIMUM
    held = {w.key for w in counted.held.get(commune.id, [])}
    cells = []
    for w in weeks:
        if w.key not in held:
            cells.append(WeekCell(w, NOT_IN_FORCE, None, minimum))
            continue
        n = counted.count(commune.id, w)
        status = _status(obliged, n, w, today)
        cells.append(WeekCell(w, status, n, minimum))
    merged_from = list(
        Area.objects.filter(
            successions__successor=commune, successions__primary=True, level=Area.Level.COMMUNE
        ).order_by("name")
    )
    succeeded_by = list(
        Area.objects.filter(predecessions__predecessor=commune, predecessions__primary=True).order_by("name")
    )
    return WeekGrid(commune, year, minimum, cells, today, merged_from, succeeded_by, minimum_set=obliged is not None)


# --- early warnings (R1.5) ---------------------------------------------------------------------------


@dataclass
class WeekWarning:
    commune: Area
    week: Week
    count: int
    minimum: int


def weekly_warnings(*, user, on_date: dt.date | None = None) -> list[WeekWarning]:
    """Communes of the user's scope with fewer voluntary-BHXH broadcasts than the weekly minimum of the
    plans in force for them in the last finished ISO week before `on_date` (today by default), with
    their count, fewest first. Communes no plan in force covers are not warned about.

    The communes are those holding that week (in force on its Sunday): on the Tuesday a merger takes
    effect, last week still belongs to the communes that were merged."""
    week = last_finished_week(on_date or clock.today())
    communes = list(commune_options(user=user).filter(valid_on(week.sunday)))
    if not communes:
        return []
    minimums = weekly_obligations(week.year, [c.id for c in communes])
    communes = [c for c in communes if minimums[c.id] is not None]  # no plan in force: nothing asked
    if not communes:
        return []
    counted = count_weeks(user=user, communes=communes, weeks=[week])
    warnings = [
        WeekWarning(c, week, counted.count(c.id, week), minimums[c.id])
        for c in communes
        if counted.count(c.id, week) < minimums[c.id]
    ]
    return sorted(warnings, key=lambda w: (w.count, w.commune.search_key))


def dashboard_warnings(*, user, plan=None) -> list[dict]:
    """Communes below the weekly minimum in the last finished week, for the dashboard's early warnings."""
    from django.urls import reverse
    from django.utils.translation import gettext

    url = reverse("radio:warnings")
    return [
        {
            "text": gettext("%(commune)s: %(count)s voluntary-BHXH broadcasts in week %(week)s (at least %(minimum)s).")
            % {"commune": w.commune.name, "count": w.count, "week": w.week.dates, "minimum": w.minimum},
            "url": url,
        }
        for w in weekly_warnings(user=user)
    ]
