import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from lantoa.core import clock
from lantoa.core.models import valid_on
from lantoa.core.text import search_key
from lantoa.geo import selectors as geo_selectors
from lantoa.geo.models import Area
from lantoa.orgs.access import get_scoped_or_404, scope_for, scope_queryset
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


def area_list(*, user, q: str = "", on: dt.date | None = None) -> QuerySet:
    """Areas the user may open: provinces and districts (public facts) and the communes and hamlets of
    their scope; everything for the plan-wide roles."""
    scope = scope_for(user)
    if scope.is_empty:
        return Area.objects.none()
    qs = geo_selectors.area_list(q=q, on=on)
    if not scope.sees_all:
        qs = qs.filter(Q(level__lt=Area.Level.COMMUNE) | Q(id__in=scope.area_ids))
    return qs


def area_get(*, user, pk: int) -> Area:
    area = area_list(user=user).filter(pk=pk).first()
    if area is None:
        raise Http404
    return area


def area_children(*, user, area: Area) -> QuerySet:
    return area_list(user=user).filter(parent=area)


def area_units(*, user, area: Area) -> QuerySet:
    return unit_list(user=user, show_closed=True).filter(area=area)
