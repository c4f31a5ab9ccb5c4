"""Denominators typed by hand: labour force per commune, officials and communication staff per unit.

(The sheet import of statistics goes through the import machinery.) The coordinator, the insurance office
and administrators keep every figure; a commune officer keeps those of their own commune and unit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from lantoa.accounts.roles import Role, has_role
from lantoa.audience.models import Statistic
from lantoa.audience.services import check_may_write
from lantoa.core.services import save_with_audit
from lantoa.core.text import nfc
from lantoa.geo.models import Area
from lantoa.orgs.access import scope_queryset

STATISTIC_WRITERS = {Role.COORDINATOR, Role.ADMIN, Role.INSURANCE, Role.COMMUNE_OFFICER}
# Figures about a commune's population; the others are about a unit's staff.
AREA_KINDS = {Statistic.Kind.LABOUR_FORCE}


def may_write_statistics(user) -> bool:
    return has_role(user, STATISTIC_WRITERS)


def statistic_list(*, user, kind: str = "", year: int | None = None, area=None, unit=None) -> QuerySet:
    qs = scope_queryset(Statistic.objects.select_related("area", "unit"), user, unit_field="unit", area_field="area")
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if area is not None:
        qs = qs.filter(area=area)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("-year", "kind", "area__search_key", "unit__search_key")


def statistic_get(*, user, pk: int) -> Statistic:
    try:
        return statistic_list(user=user).get(pk=pk)
    except Statistic.DoesNotExist:
        raise Http404 from None


@transaction.atomic
def statistic_save(*, actor, statistic: Statistic) -> Statistic:
    """Create or correct a figure. One figure per kind, year and commune (or unit)."""
    if actor is not None and not may_write_statistics(actor):
        raise ValidationError(_("Your role may not change the statistics."))
    errors = {}
    if statistic.kind in AREA_KINDS:
        statistic.unit = None
        if statistic.area_id is None:
            errors["area"] = _("Choose the commune this figure is about.")
        elif statistic.area.level != Area.Level.COMMUNE:
            errors["area"] = _("Choose a commune.")
    else:
        statistic.area = None
        if statistic.unit_id is None:
            errors["unit"] = _("Choose the unit this figure is about.")
    if not statistic.year or not 2000 <= statistic.year <= 2100:
        errors["year"] = _("Enter a year between 2000 and 2100.")
    statistic.source = nfc(statistic.source or "")
    if not statistic.source:
        errors["source"] = _("Say where the figure comes from.")
    if errors:
        raise ValidationError(errors)
    if actor is not None and has_role(actor, {Role.COMMUNE_OFFICER}):
        check_may_write(actor, unit_id=statistic.unit_id, area_id=statistic.area_id)
    duplicate = Statistic.objects.filter(kind=statistic.kind, year=statistic.year).exclude(pk=statistic.pk)
    duplicate = (
        duplicate.filter(area=statistic.area)
        if statistic.area_id is not None
        else duplicate.filter(unit=statistic.unit)
    )
    if duplicate.exists():
        raise ValidationError(_("This figure is already recorded for that year: correct it instead."))
    return save_with_audit(actor=actor, obj=statistic, verb="statistic_save")
