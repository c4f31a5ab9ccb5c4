import datetime as dt

from django.db.models import QuerySet

from lantoa.core import clock
from lantoa.core.models import valid_on
from lantoa.core.text import search_key
from lantoa.orgs.access import get_scoped_or_404, scope_queryset
from lantoa.orgs.models import Membership, Unit


def unit_list(*, user, q: str = "", kind: str = "", on: dt.date | None = None, show_closed: bool = False) -> QuerySet:
    """Units the user may see; by default those active today (or on `on`)."""
    qs = scope_queryset(Unit.objects.select_related("area", "parent", "merged_into"), user, unit_field="id")
    if q:
        qs = qs.filter(search_key__contains=search_key(q))
    if kind:
        qs = qs.filter(kind=kind)
    if on or not show_closed:
        on = on or clock.today()
        qs = qs.filter(valid_on(on))
    return qs


def unit_get(*, user, pk: int) -> Unit:
    return get_scoped_or_404(Unit.objects.select_related("area", "parent", "merged_into"), user, unit_field="id", pk=pk)


def unit_members(*, user, unit: Unit) -> QuerySet:
    return (
        scope_queryset(Membership.objects.select_related("user", "unit"), user, unit_field="unit")
        .filter(unit=unit)
        .order_by("valid_to", "user__last_name", "user__first_name")
    )
