"""Reads of report templates: the one to use for a unit and kind, a unit's versions."""

from django.db.models import QuerySet

from lantoa.orgs.access import scope_for

from .models import ReportTemplate
from .services import default_template


def report_template_bytes(*, unit, kind: str) -> bytes:
    """The unit's template in use for this kind of report, else the default one."""
    chosen = ReportTemplate.objects.filter(unit=unit, kind=kind, is_active=True).first()
    if chosen is None:
        return default_template()
    with chosen.file.open("rb") as handle:
        return handle.read()


def report_template_list(*, user, unit=None) -> QuerySet:
    scope = scope_for(user)
    rows = ReportTemplate.objects.select_related("unit", "uploaded_by")
    if not scope.sees_all:
        rows = rows.filter(unit_id__in=scope.unit_ids)
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows
