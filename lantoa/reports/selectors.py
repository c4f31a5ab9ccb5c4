"""Reading reports and the library, through the access gate: a unit's reports are read by the unit (and the
units above it) and by the all-seeing roles; the district-wide reports by their issuing office and the
all-seeing roles."""

from django.db.models import QuerySet
from django.http import Http404

from lantoa.documents.models import ReportKind
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit

from .models import Report, ReportFile


def report_scope(*, user) -> QuerySet:
    qs = Report.objects.select_related("unit", "plan", "submitted_by", "decided_by", "created_by")
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.is_empty:
        return Report.objects.none()
    return qs.filter(unit_id__in=scope.unit_ids)


def report_list(*, user, year=None, kind: str = "", unit=None, status: str = "", plan=None) -> QuerySet:
    qs = report_scope(user=user)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "kind", "unit__name")


def report_get(*, user, pk: int) -> Report:
    report = report_scope(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def file_list(*, user, report=None, year=None, kind: str = "", fmt: str = "", unit=None) -> QuerySet:
    qs = ReportFile.objects.select_related("report__unit", "requested_by").filter(
        report__in=report_scope(user=user).values("pk")
    )
    if report is not None:
        qs = qs.filter(report=report)
    if year:
        qs = qs.filter(report__year=year)
    if kind:
        qs = qs.filter(report__kind=kind)
    if fmt:
        qs = qs.filter(format=fmt)
    if unit is not None:
        qs = qs.filter(report__unit=unit)
    return qs


def file_get(*, user, pk: int) -> ReportFile:
    item = file_list(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def readable_units(*, user) -> QuerySet:
    scope = scope_for(user)
    qs = Unit.objects.order_by("name")
    return qs if scope.sees_all else qs.filter(pk__in=scope.unit_ids)


def unit_year_overview(*, user, plan, year: int) -> list[dict]:
    """For the coordinator: every unit expected to report in the year and where its report stands."""
    from .services import units_expected

    reports = {r.unit_id: r for r in report_scope(user=user).filter(kind=ReportKind.UNIT_ANNUAL, plan=plan, year=year)}
    scope = scope_for(user)
    return [
        {"unit": u, "report": reports.get(u.pk)}
        for u in units_expected(year)
        if scope.sees_all or u.pk in scope.unit_ids
    ]
