"""M9 `targeted_sms`: targeted SMS used in the year — met when a broadcast to a saved segment that names
target groups sent messages in the year, in the user's scope. The details count the messages delivered
in the year (broadcasts and reminders alike) per target group of the people they reached."""

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from lantoa.core import clock
from lantoa.messaging.models import Broadcast, Message
from lantoa.orgs.access import scope_queryset
from lantoa.plans.kpi import KpiContext, KpiResult, registry
from lantoa.taxonomy.models import TargetGroup


def targeted_broadcasts(*, user, year: int):
    qs = Broadcast.objects.filter(messages__sent_at__year=year, segment__filters__has_key="group_codes").distinct()
    if user is not None:
        qs = scope_queryset(qs, user, unit_field="unit")
    return qs.select_related("unit", "segment").order_by("-started_at", "-id")


def delivered_per_group(*, user, year: int, unit_ids=None) -> list[dict]:
    qs = Message.objects.filter(status=Message.Status.DELIVERED, delivered_at__year=year)
    if user is not None:
        qs = scope_queryset(qs, user, unit_field="unit")
    rows = (
        qs.filter(person__groups__isnull=False)
        .values("person__groups")
        .annotate(n=Count("id"))
        .order_by("person__groups")
    )
    names = dict(TargetGroup.objects.values_list("pk", "name"))
    return [{"group": names.get(r["person__groups"], "?"), "messages": r["n"]} for r in rows]


@registry.implement("targeted_sms")
def targeted_sms(ctx: KpiContext) -> KpiResult:
    if ctx.year > clock.today().year:
        return KpiResult(no_data_reason=_("the year has not started"))
    qs = targeted_broadcasts(user=ctx.user, year=ctx.year)
    if ctx.unit is not None:
        qs = qs.filter(unit=ctx.unit)
    n = qs.count()
    return KpiResult(
        actual=n > 0,
        numerator=Decimal(n),
        records=qs,
        details={"per_group": delivered_per_group(user=ctx.user, year=ctx.year)},
    )


def _register_drilldown() -> None:
    from lantoa.plans.views import record_renderers

    record_renderers["messaging.broadcast"] = ("messaging/broadcast_table.html", lambda user, rows: rows)


_register_drilldown()
