"""Counting reach: distinct people, in the database, through the access gate.

A reach row counts when its person is active (not merged into another record; anonymised people still
count — deletion keeps anonymous counts) and its activity was done (or it has no activity: messages).
Every count is COUNT(DISTINCT person): someone reached by three activities counts once. Breakdowns by
commune, target group, topic and month are GROUP BY queries; a person's area is rolled up to the commune
in force on the reference day, so people recorded on a pre-2025 commune count under the merged one.

Activities without named people (radio, leaflets, a meeting with only head-counts) give an *estimated*
reach — head-counts and `Activity.estimated_reach`, not distinct people — always kept apart.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from lantoa.activities.models import Activity, Audience
from lantoa.activities.selectors import activity_scope
from lantoa.audience.models import Person, Reach
from lantoa.audience.selectors import due_soon_q, person_scope
from lantoa.core import clock
from lantoa.geo.models import Area
from lantoa.geo.selectors import commune_rollup_map, rollup_source_ids
from lantoa.orgs.access import scope_for
from lantoa.taxonomy.models import TargetGroup, Topic


@dataclass
class ReachFilter:
    """What the reach page and its people lists filter on (all optional)."""

    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    area: Area | None = None
    group: TargetGroup | None = None
    topic: Topic | None = None
    voluntary: bool | None = None

    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        start, end = self.date_from, self.date_to
        if self.year:
            start = max(start, dt.date(self.year, 1, 1)) if start else dt.date(self.year, 1, 1)
            end = min(end, dt.date(self.year, 12, 31)) if end else dt.date(self.year, 12, 31)
        return start, end

    def reference_day(self) -> dt.date:
        """The day areas are read on: the end of the period, or today while it runs."""
        _start, end = self.period
        today = clock.today()
        return min(end, today) if end else today


def counted_reach(*, user=None) -> QuerySet:
    """Reach rows that count, of the people `user` may see (`None`: system computations)."""
    qs = Reach.objects.filter(person__merged_into__isnull=True).filter(
        Q(activity__isnull=True) | Q(activity__status=Activity.Status.DONE)
    )
    if user is not None:
        scope = scope_for(user)
        if not scope.sees_all:
            qs = qs.filter(Q(person__unit__in=scope.unit_ids) | Q(person__area__in=scope.area_ids))
    return qs


def group_q(group: TargetGroup, prefix: str = "") -> Q:
    """People in a target group: typed on the person, or computed (group 7: payment coming due)."""
    if group.computed:
        return Q(**{f"{prefix}pk__in": Person.objects.filter(due_soon_q()).values("pk")})
    return Q(**{f"{prefix}groups": group})


def filter_reach(qs: QuerySet, f: ReachFilter) -> QuerySet:
    start, end = f.period
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if f.area is not None:
        qs = qs.filter(person__area__in=rollup_source_ids(f.area))
    if f.group is not None:
        qs = qs.filter(group_q(f.group, "person__"))
    if f.topic is not None:
        qs = qs.filter(activity__topics=f.topic)
    if f.voluntary is not None:
        qs = qs.filter(voluntary=f.voluntary)
    return qs


def reach_queryset(*, user, f: ReachFilter | None = None) -> QuerySet:
    return filter_reach(counted_reach(user=user), f or ReachFilter())


def _distinct(qs: QuerySet) -> int:
    return qs.aggregate(n=Count("person_id", distinct=True))["n"] or 0


def reach_counts(
    *,
    user,
    year: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    area: Area | None = None,
    group: TargetGroup | None = None,
    topic: Topic | None = None,
    voluntary: bool | None = None,
) -> int:
    """How many distinct people were reached (counted, not estimated)."""
    f = ReachFilter(year, date_from, date_to, area, group, topic, voluntary)
    return _distinct(reach_queryset(user=user, f=f))


def reach_by_commune(*, user, f: ReachFilter) -> list[dict]:
    """[{"area": commune, "n": distinct people}] — people count under the commune their area rolls up to
    on the reference day (a person lives in one area, so the per-area distinct counts add up)."""
    rows = list(
        reach_queryset(user=user, f=f).values("person__area").annotate(n=Count("person_id", distinct=True)).order_by()
    )
    mapping = commune_rollup_map(f.reference_day(), {r["person__area"] for r in rows})
    totals: dict[int, int] = defaultdict(int)
    for r in rows:
        commune = mapping.get(r["person__area"])
        if commune is not None:
            totals[commune] += r["n"]
    communes = Area.objects.in_bulk(list(totals))
    return sorted(({"area": communes[pk], "n": n} for pk, n in totals.items()), key=lambda r: r["area"].search_key)


def reach_by_group(*, user, f: ReachFilter) -> list[dict]:
    """[{"group": group or None, "n": …}]: a person in two groups counts in each (not summable)."""
    rows = (
        reach_queryset(user=user, f=f).values("person__groups").annotate(n=Count("person_id", distinct=True)).order_by()
    )
    groups = TargetGroup.objects.in_bulk([r["person__groups"] for r in rows if r["person__groups"]])
    out = [{"group": groups.get(r["person__groups"]), "n": r["n"]} for r in rows]
    return sorted(out, key=lambda r: (r["group"] is None, r["group"].order if r["group"] else 0))


def reach_by_topic(*, user, f: ReachFilter) -> list[dict]:
    """[{"topic": topic or None, "n": …}] through the activity's topics (None: messages, no topic)."""
    rows = (
        reach_queryset(user=user, f=f)
        .values("activity__topics")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    topics = Topic.objects.in_bulk([r["activity__topics"] for r in rows if r["activity__topics"]])
    out = [{"topic": topics.get(r["activity__topics"]), "n": r["n"]} for r in rows]
    return sorted(out, key=lambda r: (r["topic"] is None, r["topic"].order if r["topic"] else 0))


def reach_by_month(*, user, f: ReachFilter) -> list[dict]:
    """[{"month": date (first of the month), "n": …}]."""
    rows = (
        reach_queryset(user=user, f=f)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("person_id", distinct=True))
        .order_by("month")
    )
    return [{"month": r["month"], "n": r["n"]} for r in rows]


def reach_people(*, user, f: ReachFilter) -> QuerySet:
    """The people behind a count, as the user may see them (masking is the view's job: `present`)."""
    reached = reach_queryset(user=user, f=f).values("person_id")
    return person_scope(user=user).filter(pk__in=reached).select_related("area", "unit")


# ----- estimated reach ---------------------------------------------------------------------------------


def unnamed_activities(*, user, f: ReachFilter) -> QuerySet:
    """Done activities of the period that named nobody: their reach can only be estimated."""
    qs = activity_scope(user=user).filter(status=Activity.Status.DONE)
    start, end = f.period
    if start:
        qs = qs.filter(start_date__gte=start)
    if end:
        qs = qs.filter(start_date__lte=end)
    if f.area is not None:
        qs = qs.filter(area__in=rollup_source_ids(f.area))
    if f.topic is not None:
        qs = qs.filter(topics=f.topic)
    if f.voluntary:
        qs = qs.filter(topics__voluntary_bhxh=True)
    qs = qs.filter(~Exists(Reach.objects.filter(activity=OuterRef("pk"))))
    if f.topic is not None or f.voluntary:
        qs = Activity.objects.filter(pk__in=qs.values("pk"))  # topics joined: one row per activity again
    return qs


def estimate(activities: QuerySet, groups=None) -> dict:
    """Head-counts (of `groups`, or every group) plus the estimated reach of the activities. Not distinct
    people: someone at two meetings is two here."""
    audiences = Audience.objects.filter(activity__in=activities.values("pk"))
    if groups is not None:
        audiences = audiences.filter(group__in=groups)
    headcounts = audiences.aggregate(n=Sum("headcount"))["n"] or 0
    # A head-count already says who came; the estimate is for what reached people beyond a room.
    extra = activities.aggregate(n=Sum("estimated_reach"))["n"] or 0
    return {"headcounts": headcounts, "estimated_reach": extra, "total": headcounts + extra}


def reach_estimated(*, user, f: ReachFilter) -> dict:
    activities = unnamed_activities(user=user, f=f)
    groups = [f.group] if f.group is not None else None
    out = estimate(activities, groups)
    if f.group is not None:  # an estimated reach is not broken down by group
        out["total"] -= out["estimated_reach"]
        out["estimated_reach"] = 0
    return out
