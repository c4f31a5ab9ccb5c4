from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.text import format_date, format_datetime
from lantoa.documents.models import ReportKind
from lantoa.orgs.access import user_unit
from lantoa.plans.selectors import default_plan, plan_for_year, plan_years, plans_with_indicators

from . import selectors, services
from .figures import differences, is_commune_unit
from .forms import FilterForm, NarrativeForm, NewReportForm, ReturnForm
from .labels import TOTAL_LABELS
from .models import Report, ReportComment, ReportFile
from .templatetags.reports_tags import person_name


def may_make_files(user) -> bool:
    """Who may ask for a DOCX, PDF or XLSX of a report they read: anyone but a read-only role."""
    return not has_role(user, READ_ONLY)


def _plan(request):
    plan = default_plan(user=request.user)
    if plan is None:
        raise Http404
    return plan


def _default_year(plan) -> int:
    """Last year's report is the one due at the start of a year; inside the plan, this year's."""
    this = clock.today().year
    return max(plan.start_year, min(this, plan.end_year))


def _years(request, plan) -> list[int]:
    """The years offered: those of every readable plan, so an ended plan's reports stay reachable."""
    return plan_years(user=request.user) or list(plan.years)


def _plan_of_year(request, year, fallback):
    return (plan_for_year(user=request.user, year=int(year)) if year else None) or fallback


@login_required
def report_list(request):
    plan = _plan(request)
    years = _years(request, plan)
    data = request.GET.copy()
    plans = plans_with_indicators(user=request.user)
    data.setdefault("year", str(_default_year(plan)))
    form = FilterForm(data, years=years, units=selectors.readable_units(user=request.user), plans=plans)
    cleaned = form.cleaned_data if form.is_valid() else {"year": _default_year(plan)}
    year, picked = cleaned.get("year"), cleaned.get("plan")
    if picked is not None and year is not None and year not in picked.years:
        year = _default_year(picked)  # a plan picked for another period opens on its own year
    plan = picked or _plan_of_year(request, year, plan)
    qs = selectors.report_list(
        user=request.user,
        year=year,
        kind=cleaned.get("kind", ""),
        unit=cleaned.get("unit"),
        status=cleaned.get("status", ""),
        plan=picked,
    )
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [
            _("Kind of report"),
            _("Unit"),
            _("Year"),
            _("Status"),
            _("Due date"),
            _("Submitted at"),
            _("Times submitted"),
            _("Decided at"),
        ]
        rows = [
            [
                r.get_kind_display(),
                r.unit.name,
                r.year,
                r.get_status_display(),
                format_date(r.due_date) if r.due_date else "",
                format_datetime(r.submitted_at) if r.submitted_at else "",
                r.submissions,
                format_datetime(r.decided_at) if r.decided_at else "",
            ]
            for r in qs
        ]
        return table_response(fmt, f"bao-cao-{year or 'tat-ca'}", headers, rows, title="Bao cao")
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("page", None)
    overview = selectors.unit_year_overview(user=request.user, plan=plan, year=year) if year else []
    counts = {s: sum(1 for o in overview if o["report"] and o["report"].status == s) for s in Report.Status.values}
    counts["missing"] = sum(1 for o in overview if o["report"] is None)
    return render(
        request,
        "reports/report_list.html",
        {
            "plan": plan,
            "form": form,
            "year": year,
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "overview": overview,
            "counts": counts,
            "due": services.f.due_day(year) if year else None,
            "today": clock.today(),
            "can_decide": services.may_decide(request.user, Report(kind=ReportKind.UNIT_ANNUAL)),
        },
    )


def _writable_units(user):
    units = selectors.readable_units(user=user)
    return [u for u in units if services.may_write(user, u)]


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    plan = _plan(request)
    units = selectors.readable_units(user=request.user).filter(pk__in=[u.pk for u in _writable_units(request.user)])
    initial = {
        "year": request.GET.get("year") or _default_year(plan),
        "kind": request.GET.get("kind") or ReportKind.UNIT_ANNUAL,
    }
    home = user_unit(request.user)
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    elif home is not None:
        initial["unit"] = home.pk
    form = NewReportForm(
        request.POST or None,
        initial=initial,
        years=_years(request, plan),
        units=units,
        plans=plans_with_indicators(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data.get("plan") or _plan_of_year(request, form.cleaned_data["year"], plan)
        try:
            report = services.report_create(
                actor=request.user,
                plan=plan,
                unit=form.cleaned_data["unit"],
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The report was created with the figures from the records; write its narrative.")
            )
            return redirect("reports:detail", report.pk)
    return render(request, "reports/report_new.html", {"form": form, "plan": plan})


def _figures_for(request, report: Report):
    """(figures, what changed since freezing, when a draft final evaluation's figures were computed).
    Frozen figures of a submitted report with the differences from the records today; live ones for a
    draft; a draft final evaluation shows those of its latest document (too long to compute on a page)."""
    if report.is_frozen and report.figures is not None:
        if report.kind == ReportKind.FINAL_EVALUATION or request.GET.get("compare") == "0":
            return report.figures, [], None
        return report.figures, differences(report.figures, services.live_figures(report, user=request.user)), None
    if report.kind == ReportKind.FINAL_EVALUATION:
        made = services.latest_draft_figures(report)
        return (made.figures, [], made.finished_at) if made else (None, [], None)
    return services.live_figures(report, user=request.user), [], None


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    can_write = services.may_write(request.user, report)
    editable = can_write and not report.is_frozen
    form = NarrativeForm(request.POST or None, instance=report) if editable else None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("A submitted report cannot be changed; ask the coordinator to return it."))
            return redirect("reports:detail", report.pk)
        if form.is_valid():
            try:
                services.report_save(actor=request.user, report=report, data=form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if request.POST.get("then") == "submit":
                    return _submit(request, report)
                messages.success(request, _("The report was saved."))
                return redirect("reports:detail", report.pk)
        report.refresh_from_db()
    figures, changes, made_at = _figures_for(request, report)
    comments = list(report.comments.select_related("author"))
    files = list(selectors.file_list(user=request.user, report=report)[:20])
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "form": form,
            "figures": figures,
            "changes": changes,
            "comments": comments,
            "open_comments": [
                c for c in comments if c.round == report.submissions and report.status == Report.Status.RETURNED
            ],
            "return_form": ReturnForm() if services.may_decide(request.user, report) else None,
            "can_write": can_write,
            "can_decide": services.may_decide(request.user, report),
            "files": files,
            "busy": _busy(files),
            "formats": ReportFile.Format.choices,
            "can_make_files": may_make_files(request.user),
            "total_labels": TOTAL_LABELS,
            "section_labels": dict(ReportComment.SECTIONS),
            "area_id": report.unit.area_id if is_commune_unit(report.unit) else None,
            "made_at": made_at,
            "submitted_name": person_name(report.submitted_by),
            "decided_name": person_name(report.decided_by),
        },
    )


def _submit(request, report):
    try:
        services.report_submit(actor=request.user, report=report)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("The report was submitted; its figures are now frozen."))
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def report_submit(request, pk):
    return _submit(request, selectors.report_get(user=request.user, pk=pk))


@login_required
@require_POST
def report_accept(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        services.report_accept(actor=request.user, report=report)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("The report was accepted."))
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def report_return(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        services.report_return(actor=request.user, report=report, comments=form.cleaned_data)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("The report was returned to the unit with your comments."))
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def file_new(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    if not may_make_files(request.user):
        # The read-only leader reads the documents made; making one (a worker's time, a row in the library
        # under their name) is a write. services.file_request should refuse it too (see the issue).
        messages.error(request, _("Your role may only read: it cannot make documents."))
        return redirect(reverse("reports:detail", args=[report.pk]) + "#files")
    try:
        item = services.file_request(actor=request.user, report=report, fmt=request.POST.get("format", ""))
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.info(
            request,
            _("The %(format)s is being made; it appears below when ready.") % {"format": item.get_format_display()},
        )
    return redirect(reverse("reports:detail", args=[report.pk]) + "#files")


@login_required
def file_rows(request, pk):
    """The report's library rows, polled while a document is being made."""
    report = selectors.report_get(user=request.user, pk=pk)
    files = list(selectors.file_list(user=request.user, report=report)[:20])
    return render(request, "reports/_files.html", {"report": report, "files": files, "busy": _busy(files)})


def _busy(files) -> bool:
    return any(f.status in (ReportFile.Status.QUEUED, ReportFile.Status.RUNNING) for f in files)


@login_required
def file_download(request, pk):
    item = selectors.file_get(user=request.user, pk=pk)
    if item.status != ReportFile.Status.DONE or not item.file:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.filename)


@login_required
def library(request):
    plan = _plan(request)
    form = FilterForm(
        request.GET or None, years=_years(request, plan), units=selectors.readable_units(user=request.user)
    )
    cleaned = form.cleaned_data if form.is_valid() else {}
    fmt_filter = request.GET.get("format", "")
    fmt_filter = fmt_filter if fmt_filter in ReportFile.Format.values else ""
    qs = selectors.file_list(
        user=request.user,
        year=cleaned.get("year"),
        kind=cleaned.get("kind", ""),
        unit=cleaned.get("unit"),
        fmt=fmt_filter,
    )
    status = cleaned.get("status", "")
    if status:
        qs = qs.filter(report__status=status)
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        headers = [
            _("File name"),
            _("Format"),
            _("Kind of report"),
            _("Unit"),
            _("Year"),
            _("Status"),
            _("Made from"),
            _("Requested by"),
            _("Requested at"),
            _("Size (bytes)"),
            "SHA-256",
        ]
        rows = [
            [
                i.filename,
                i.get_format_display(),
                i.report.get_kind_display(),
                i.report.unit.name,
                i.report.year,
                i.get_status_display(),
                source_text(i.source),
                i.requested_by.get_username() if i.requested_by else "",
                format_datetime(i.requested_at),
                i.size,
                i.sha256,
            ]
            for i in qs
        ]
        return table_response(export, "thu-vien-bao-cao", headers, rows, title="Thu vien bao cao")
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("page", None)
    return render(
        request,
        "reports/library.html",
        {
            "form": form,
            "fmt": fmt_filter,
            "formats": ReportFile.Format.choices,
            "can_make_files": may_make_files(request.user),
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        },
    )


def source_text(source: dict) -> str:
    """ "From which data", in words: frozen figures of submission N, or the records at a time; the template."""
    if not source:
        return ""
    parts = []
    if source.get("figures") == "frozen":
        parts.append(_("figures frozen at submission %(n)s") % {"n": source.get("submission", "")})
    elif source.get("figures") == "live":
        parts.append(_("records as of the making"))
    template = source.get("template") or {}
    if template:
        version = template.get("version")
        parts.append(_("default template") if version == "default" else _("unit template v%(v)s") % {"v": version})
    if source.get("unit_reports"):
        parts.append(_("%(n)s accepted unit reports") % {"n": len(source["unit_reports"])})
    return "; ".join(parts)
