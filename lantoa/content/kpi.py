"""T5 `content_approved_share`: "Tỷ lệ nội dung tuyên truyền phù hợp với định hướng cải cách".

Of the content items USED in the year — by done activities held that year, radio broadcasts aired that
year and messages sent that year through a message template linked to a library item — the share that
had been approved on or before the day of its first use in that year. "Approved" is the item's first
approval in the review history (an item approved in 2023, then edited and approved again in 2024, was
approved for a use in 2023).

Only the uses the user may read count (the activities, broadcasts and messages of their scope); the
records are the items used; the details list the ones not approved before use.

Activities, radio and messaging come after this app: they are imported inside the functions.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import BooleanField, Case, DateField, Min, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.content.models import ContentItem, ContentReview
from lantoa.core import clock
from lantoa.plans.kpi import KpiContext, KpiResult, registry

COMPUTATION = "content_approved_share"


def first_uses(*, user, year: int, area=None, unit=None) -> dict[int, dt.date]:
    """Item id → the first day it was used in `year`, over the uses `user` may read."""
    from lantoa.activities.models import Activity
    from lantoa.activities.selectors import activity_scope
    from lantoa.geo.selectors import rollup_source_ids
    from lantoa.messaging.models import Message
    from lantoa.orgs.access import scope_queryset
    from lantoa.radio.selectors import broadcast_list

    area_ids = rollup_source_ids(area) if area is not None else None
    first: dict[int, dt.date] = {}

    def note(item_id, day):
        if item_id is not None and day is not None and (item_id not in first or day < first[item_id]):
            first[item_id] = day

    activities = activity_scope(user=user).filter(status=Activity.Status.DONE, start_date__year=year)
    broadcasts = broadcast_list(user=user).filter(aired_on__year=year)
    msgs = Message.objects.filter(sent_at__isnull=False, sent_at__year=year, template__content__isnull=False)
    if user is not None:
        msgs = scope_queryset(msgs, user, unit_field="unit")
    if area_ids is not None:
        activities = activities.filter(area__in=area_ids)
        broadcasts = broadcasts.filter(commune__in=area_ids)
        msgs = msgs.filter(person__area__in=area_ids)
    if unit is not None:
        activities = activities.filter(organiser=unit)
        broadcasts = broadcasts.filter(unit=unit)
        msgs = msgs.filter(unit=unit)
    for row in (
        activities.filter(content_used__isnull=False).order_by().values("content_used").annotate(day=Min("start_date"))
    ):
        note(row["content_used"], row["day"])
    for row in (
        broadcasts.filter(content_used__isnull=False).order_by().values("content_used").annotate(day=Min("aired_on"))
    ):
        note(row["content_used"], row["day"])
    for row in msgs.order_by().values("template__content").annotate(at=Min("sent_at")):
        note(row["template__content"], timezone.localdate(row["at"]))
    return first


def first_approvals(item_ids) -> dict[int, dt.date]:
    """Item id → the day of its first approval (the review history; `approved_at` for items without one)."""
    days: dict[int, dt.date] = {}
    rows = (
        ContentReview.objects.filter(item_id__in=item_ids, decision=ContentReview.Decision.APPROVED)
        .order_by()
        .values("item_id")
        .annotate(at=Min("at"))
    )
    for row in rows:
        days[row["item_id"]] = timezone.localdate(row["at"])
    for pk, at in ContentItem.objects.filter(pk__in=item_ids, approved_at__isnull=False).values_list(
        "pk", "approved_at"
    ):
        day = timezone.localdate(at)
        if pk not in days or day < days[pk]:
            days[pk] = day
    return days


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


@registry.implement(COMPUTATION)
def content_approved_share(ctx: KpiContext) -> KpiResult:
    if ctx.year > clock.today().year:
        return KpiResult(no_data_reason=_("the year has not started"))
    uses = first_uses(user=ctx.user, year=ctx.year, area=ctx.area, unit=ctx.unit)
    if not uses:
        return KpiResult(no_data_reason=_("content from the library used by activities, broadcasts or messages"))
    approvals = first_approvals(list(uses))
    ok = {pk for pk, day in uses.items() if pk in approvals and approvals[pk] <= day}
    late = set(uses) - ok
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for pk, day in uses.items():
        by_day[day].append(pk)
    # The records carry the year's first use and the verdict, for the drill-down table.
    records = (
        ContentItem.objects.filter(pk__in=list(uses))
        .select_related("unit")
        .annotate(
            first_use=Case(
                *[When(pk__in=pks, then=Value(day)) for day, pks in by_day.items()], output_field=DateField()
            ),
            approved_before_use=Case(
                When(pk__in=list(ok), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("approved_before_use", "title", "pk")
    )
    items = {c.pk: c for c in ContentItem.objects.filter(pk__in=late)}
    return KpiResult(
        actual=_percent(len(ok), len(uses)),
        numerator=Decimal(len(ok)),
        denominator=Decimal(len(uses)),
        records=records,
        details={
            "not_approved_before_use": [
                {
                    "id": pk,
                    "title": items[pk].title,
                    "first_use": uses[pk],
                    "approved_on": approvals.get(pk),
                }
                for pk in sorted(late, key=lambda p: (uses[p], p))
            ],
        },
    )


def first_approval_day(item: ContentItem) -> dt.date | None:
    return first_approvals([item.pk]).get(item.pk)


def _register_drilldown() -> None:
    from lantoa.plans.views import record_renderers

    record_renderers["content.contentitem"] = ("content/contentitem_table.html", _with_approval_days)


def _with_approval_days(user, rows):
    days = first_approvals([r.pk for r in rows])
    for r in rows:
        r.first_approved_on = days.get(r.pk)
    return rows


_register_drilldown()
