"""Reading the feedback desk, always through the access gate: the inbox, one item, the analysis figures.

An item is visible to the users of its responsible unit (and the units above it) and of its place; the
roles that see everything see all. Items without a unit or place (an SMS from an unknown number to the
default gateway) are seen only by those roles, who route them.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from lantoa.core import clock
from lantoa.core.text import search_key
from lantoa.feedback.models import OPEN_STATUSES, Item, Status
from lantoa.orgs.access import get_scoped_or_404, scope_queryset


def _scoped(user) -> QuerySet:
    return scope_queryset(Item.objects.all(), user, unit_field="unit", area_field="area")


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__lt=today or clock.today())


def item_list(
    *,
    user,
    kind: str = "",
    status: str = "",
    channel: str = "",
    topic_id: int | None = None,
    unit_id: int | None = None,
    area_id: int | None = None,
    overdue: bool = False,
    q: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet:
    qs = _scoped(user).select_related("unit", "area", "topic")
    if kind:
        qs = qs.filter(kind=kind)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if area_id:
        qs = qs.filter(Q(area_id=area_id) | Q(area__parent_id=area_id))
    if overdue:
        qs = qs.filter(overdue_q())
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    if q:
        key = search_key(q)
        qs = qs.filter(Q(search_key__contains=key) | Q(code__iexact=q.strip()))
    return qs.order_by("-received_on", "-id")


def item_get(*, user, pk: int) -> Item:
    return get_scoped_or_404(
        Item.objects.select_related("unit", "area", "topic", "person", "activity", "handler", "clock_rule"),
        user,
        unit_field="unit",
        area_field="area",
        pk=pk,
    )


def due_soon(item: Item, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    return item.is_open and item.due_on is not None and today <= item.due_on <= today + dt.timedelta(days=2)


def is_overdue(item: Item, today: dt.date | None = None) -> bool:
    return item.is_open and item.due_on is not None and item.due_on < (today or clock.today())


# --- analysis (R6.3) ------------------------------------------------------------------------------------


@dataclass
class Analysis:
    total: int
    answered: int
    answered_on_time: int
    median_days_to_first_answer: float | None
    overdue_by_unit: list  # [(unit name, unit id, count)]
    by_month_topic: dict  # {"2026-11": {topic name: count}}
    by_commune: list  # [(area name, area id, count)]

    @property
    def on_time_share(self) -> float | None:
        return round(100 * self.answered_on_time / self.answered, 1) if self.answered else None


def analysis(*, user, start: dt.date, end: dt.date) -> Analysis:
    """The figures of the analysis page and the reports, over items received in [start, end]."""
    qs = _scoped(user).filter(received_on__gte=start, received_on__lte=end)
    rows = list(
        qs.values(
            "id",
            "received_on",
            "created_at",
            "first_answer_at",
            "answered_on",
            "due_on",
            "status",
            "topic__name",
            "area__name",
            "area_id",
        )
    )
    answered = [r for r in rows if r["answered_on"] is not None]
    on_time = [r for r in answered if r["due_on"] is None or r["answered_on"] <= r["due_on"]]
    # Days from receipt to the first answer: the day of receipt counts as day 0.
    waits = [(clock_date(r["first_answer_at"]) - r["received_on"]).days for r in rows if r["first_answer_at"]]
    months: dict = defaultdict(Counter)
    communes: Counter = Counter()
    names = {}
    for r in rows:
        months[f"{r['received_on']:%Y-%m}"][r["topic__name"] or "—"] += 1
        if r["area_id"]:
            communes[r["area_id"]] += 1
            names[r["area_id"]] = r["area__name"]
    overdue = (
        qs.filter(overdue_q()).values("unit_id", "unit__name").annotate(n=Count("id")).order_by("-n", "unit__name")
    )
    return Analysis(
        total=len(rows),
        answered=len(answered),
        answered_on_time=len(on_time),
        median_days_to_first_answer=statistics.median(waits) if waits else None,
        overdue_by_unit=[(o["unit__name"] or "—", o["unit_id"], o["n"]) for o in overdue],
        by_month_topic={k: dict(v) for k, v in sorted(months.items())},
        by_commune=[(names[a], a, n) for a, n in communes.most_common()],
    )


def clock_date(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(value).date()


def counts_by_status(*, user) -> dict:
    qs = _scoped(user)
    data = {s: 0 for s in Status.values}
    for row in qs.values("status").annotate(n=Count("id")):
        data[row["status"]] = row["n"]
    data["overdue"] = qs.filter(overdue_q()).count()
    return data
