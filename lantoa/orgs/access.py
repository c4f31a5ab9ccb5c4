"""The one access gate. Every selector narrows what it reads through `scope_for(user)`.

A user sees everything when their role spans the plan (coordinator, leader, insurance and finance
offices, administrators). Everyone else sees their own unit and the units below it or merged into
it, and the areas of their unit: its subtree and the subtrees of areas that rolled up into it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from lantoa.accounts.roles import SEES_ALL, role_of
from lantoa.core import clock
from lantoa.core.models import valid_on
from lantoa.geo.models import Area
from lantoa.geo.selectors import descendant_ids, predecessor_ids
from lantoa.orgs.models import Membership, Unit


@dataclass(frozen=True)
class Scope:
    sees_all: bool
    unit_ids: frozenset[int]
    area_ids: frozenset[int]
    # The areas of the user's own units at any level (a district office's district): for documents that
    # cover an area above the user's records, such as the district plan.
    home_area_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.sees_all and not self.unit_ids

    def allows(self, *, unit_id: int | None = None, area_id: int | None = None) -> bool:
        if self.sees_all:
            return True
        return (unit_id is not None and unit_id in self.unit_ids) or (area_id is not None and area_id in self.area_ids)


NOTHING = Scope(False, frozenset(), frozenset())
EVERYTHING = Scope(True, frozenset(), frozenset())


def current_membership(user, on: dt.date | None = None) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    day = on or clock.today()
    return Membership.objects.select_related("unit", "unit__area").filter(valid_on(day), user=user).first()


def user_unit(user) -> Unit | None:
    membership = current_membership(user)
    return membership.unit if membership else None


def _unit_subtree(unit_ids: set[int]) -> set[int]:
    found = set(unit_ids)
    frontier = set(found)
    while frontier:
        frontier = (
            set(
                Unit.objects.filter(Q(parent_id__in=frontier) | Q(merged_into_id__in=frontier)).values_list(
                    "id", flat=True
                )
            )
            - found
        )
        found |= frontier
    return found


def scope_for(user) -> Scope:
    """What `user` may read. Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_lantoa_scope", None)
    if cached is not None:
        return cached
    if role_of(user) in SEES_ALL:
        scope = EVERYTHING
    else:
        unit = user_unit(user)
        if unit is None:
            scope = NOTHING
        else:
            unit_ids = _unit_subtree({unit.id})
            home = set(Unit.objects.filter(id__in=unit_ids).values_list("area_id", flat=True))
            # District-level units own their unit records, not every commune of the district.
            area_roots = set(
                Area.objects.filter(id__in=home, level__gte=Area.Level.COMMUNE).values_list("id", flat=True)
            )
            area_ids = descendant_ids(predecessor_ids(descendant_ids(area_roots)))
            unit_ids |= set(Unit.objects.filter(area_id__in=area_ids).values_list("id", flat=True))
            scope = Scope(False, frozenset(unit_ids), frozenset(area_ids), frozenset(home))
    user._lantoa_scope = scope
    return scope


def scope_queryset(qs: QuerySet, user, *, unit_field: str | None = None, area_field: str | None = None) -> QuerySet:
    """Narrow `qs` to the rows `user` may see, by the unit and/or area field of the rows."""
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    condition = Q(pk__in=[])
    if unit_field:
        condition |= Q(**{f"{unit_field}__in": scope.unit_ids})
    if area_field:
        condition |= Q(**{f"{area_field}__in": scope.area_ids})
    return qs.filter(condition)


def get_scoped_or_404(qs: QuerySet, user, *, unit_field: str | None = None, area_field: str | None = None, **lookup):
    """One row the user may see, or 404 — never a hint that someone else's record exists."""
    try:
        return scope_queryset(qs, user, unit_field=unit_field, area_field=area_field).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None


def own_unit_ids(user) -> set[int]:
    """The units a user acts for (writes documents of): the scope's units; for a role that reads every unit
    (insurance, finance, leader…), only the unit the account is posted to and the units under it."""
    scope = scope_for(user)
    if not scope.sees_all:
        return set(scope.unit_ids)
    home = user_unit(user)
    return _unit_subtree({home.pk}) if home is not None else set()


def readable_communes(user) -> QuerySet:
    """Communes (old and current) the user may pick in a filter, oldest first."""
    scope = scope_for(user)
    qs = Area.objects.filter(level=Area.Level.COMMUNE).order_by("valid_from", "search_key")
    return qs if scope.sees_all else qs.filter(id__in=scope.area_ids)


def readable_units(user, *, on: dt.date | None = None) -> QuerySet:
    """Units the user may pick: those in force on `on`, or every one (closed units keep their figures)."""
    scope = scope_for(user)
    qs = Unit.objects.all() if on is None else Unit.objects.filter(valid_on(on))
    return qs if scope.sees_all else qs.filter(id__in=scope.unit_ids)


def may_add_hamlets(user, area: Area) -> bool:
    """The coordinator and administrators anywhere; a commune officer in their own commune. Only to a
    commune in force today."""
    from lantoa.accounts.roles import ORG_EDITORS, Role, has_role

    if area.level != Area.Level.COMMUNE or not area.is_valid_on(clock.today()):
        return False
    if has_role(user, ORG_EDITORS):
        return True
    scope = scope_for(user)
    return has_role(user, {Role.COMMUNE_OFFICER}) and not scope.sees_all and scope.allows(area_id=area.id)
