import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lantoa.accounts.roles import PLAN_EDITORS, Role, has_role
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.selectors import audit_for, audit_rows
from lantoa.geo.models import Area
from lantoa.orgs.access import user_unit
from lantoa.orgs.models import Unit
from lantoa.orgs.selectors import area_get
from lantoa.plans import selectors, services
from lantoa.plans.forms import IndicatorForm, PlanCopyForm, PlanForm, TargetForm
from lantoa.plans.kpi import compute, registry, warning_providers
from lantoa.plans.models import Indicator, Plan, ReferenceTarget, Target
from lantoa.plans.targets import value_display

# How the drill-down shows records that are neither activities nor broadcasts, by the records' model
# ("app_label.model_name"): (template of the table, prepare(user, rows) → the rows it renders). Apps
# register theirs at start-up; people, for instance, are shown masked per user.
record_renderers: dict = {}


def _require_editor(user):
    if not has_role(user, PLAN_EDITORS):
        raise Http404


@login_required
def dashboard(request):
    plan = selectors.chosen_plan(user=request.user, value=request.GET.get("plan", ""))
    rows = selectors.dashboard_rows(user=request.user, plan=plan) if plan else []
    warnings = []
    for provider in warning_providers:
        warnings.extend(provider(user=request.user, plan=plan) if plan else [])
    return render(
        request,
        "plans/dashboard.html",
        {
            "plan": plan,
            "rows": rows,
            "warnings": warnings,
            "plans": selectors.plans_with_indicators(user=request.user),
        },
    )


@login_required
def plan_list(request):
    plans = selectors.plan_list(user=request.user).order_by("-is_default", "-start_year", "number")
    return render(request, "plans/plan_list.html", {"plans": plans, "can_edit": has_role(request.user, PLAN_EDITORS)})


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    indicators = selectors.indicators_with_targets(plan)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [_("Code"), _("Indicator"), _("Section of the plan"), _("Unit of measure"), _("Direction")]
        headers += [str(y) for y in plan.years] + [_("Note")]
        rows = []
        for ind in indicators:
            cells = []
            for y in plan.years:
                t = ind.by_year.get(y)
                cells.append(
                    f"{t.display} ({t.label})" if t and t.label and t.label != t.display else (t.display if t else "—")
                )
            rows.append(
                [
                    ind.code,
                    ind.name,
                    ind.section,
                    ind.get_measure_display(),
                    ind.get_direction_display(),
                    *cells,
                    ind.note,
                ]
            )
        return table_response(fmt, f"chi-tieu-ke-hoach-{plan.pk}", headers, rows, "Chi tieu")
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "indicators": indicators,
            "can_edit": has_role(request.user, PLAN_EDITORS),
            "can_continue": has_role(request.user, PLAN_EDITORS | {Role.COMMUNE_OFFICER}),
        },
    )


@login_required
def plan_sheet_download(request, pk):
    """The plan spreadsheet (indicators and yearly targets by area), to fill in Excel and import back."""
    from lantoa.core.exports import XLSX_TYPE
    from lantoa.plans.sheet import plan_sheet

    plan = selectors.plan_get(user=request.user, pk=pk)
    response = HttpResponse(plan_sheet(plan), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-{plan.pk}-chi-tieu.xlsx"'
    return response


@login_required
def plan_sheet_upload(request, pk):
    """Import a filled plan spreadsheet: checked whole, row errors listed, nothing half-saved; "check
    only" counts what would change without writing."""
    from lantoa.plans.sheet import PlanSheetError, plan_sheet_import

    _require_editor(request.user)
    plan = selectors.plan_get(user=request.user, pk=pk)
    errors, summary, dry_run = [], None, bool(request.POST.get("dry_run"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose the filled spreadsheet (.xlsx or .csv).")]
        elif upload.size > 5 * 1024 * 1024:
            errors = [_("The file is larger than %(mb)s MB.") % {"mb": 5}]
        else:
            try:
                summary = plan_sheet_import(
                    actor=request.user, plan=plan, data=upload.read(), filename=upload.name, dry_run=dry_run
                )
            except PlanSheetError as exc:
                errors = exc.row_errors
            else:
                if not dry_run:
                    messages.success(
                        request,
                        _("Plan sheet imported: %(created)s targets added, %(changed)s changed, %(deleted)s deleted.")
                        % {"created": summary.created, "changed": summary.changed, "deleted": summary.deleted},
                    )
                    return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_sheet_import.html",
        {"plan": plan, "errors": errors, "summary": summary, "dry_run": dry_run},
    )


@login_required
def plan_document(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not plan.document:
        raise Http404
    return FileResponse(plan.document.open("rb"), as_attachment=False, filename=plan.document.name.rsplit("/", 1)[-1])


def _plan_form_choices(user, plan: Plan | None) -> dict:
    """Areas a plan may cover (provinces, districts and communes, also former ones: the period decides),
    units that may issue it and plans it may implement — all read through the access gate."""
    from django.db.models import Q

    from lantoa.orgs.access import readable_communes, readable_units

    current = list(plan.areas.values_list("id", flat=True)) if plan and plan.pk else []
    areas = Area.objects.filter(
        Q(id__in=current) | Q(level__lt=Area.Level.COMMUNE) | Q(id__in=readable_communes(user).values("id"))
    ).filter(level__gte=Area.Level.PROVINCE, level__lte=Area.Level.COMMUNE)
    plans = selectors.plan_list(user=user)
    if plan and plan.pk:
        plans = plans.exclude(pk=plan.pk)
    return {
        "areas": areas.order_by("level", "valid_to", "search_key"),
        "units": readable_units(user).order_by("search_key"),
        "plans": plans,
    }


def _plan_form_page(request, plan: Plan):
    form = PlanForm(
        request.POST or None, request.FILES or None, instance=plan, **_plan_form_choices(request.user, plan)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.plan_save(
                actor=request.user, plan=form.save(commit=False), areas=form.cleaned_data["areas"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The plan has been saved.")
                if plan.pk
                else _("The plan has been created. Add its indicators, or fill in the plan spreadsheet."),
            )
            return redirect("plans:detail", pk=saved.pk)
    return render(request, "plans/plan_form.html", {"plan": plan, "form": form})


@login_required
def plan_new(request):
    """A plan from scratch (no earlier plan to continue): its head here, then indicators and targets."""
    _require_editor(request.user)
    this_year = clock.today().year
    return _plan_form_page(request, Plan(start_year=this_year, end_year=this_year + 4))


@login_required
def plan_edit(request, pk):
    _require_editor(request.user)
    return _plan_form_page(request, selectors.plan_get(user=request.user, pk=pk))


@login_required
def plan_make_default(request, pk):
    _require_editor(request.user)
    plan = selectors.plan_get(user=request.user, pk=pk)
    if request.method == "POST":
        services.plan_make_default(actor=request.user, plan=plan)
        messages.success(request, _("%(number)s is now the default plan.") % {"number": plan.number})
    return redirect("plans:detail", pk=plan.pk)


def _next_plan_choices(user, plan, start_year: int):
    """What the next-plan form offers: units in force, readable plans, and the areas proposed (the
    successors of the old plan's areas) with every province and commune in force the user may read."""
    from django.db.models import Q

    from lantoa.core.models import valid_on
    from lantoa.orgs.access import readable_communes, readable_units

    first = dt.date(start_year, 1, 1)
    proposed = services.proposed_areas(plan, start_year)
    communes = readable_communes(user).filter(valid_on(first))
    if has_role(user, PLAN_EDITORS):
        areas = Area.objects.filter(
            Q(id__in=[a.id for a in proposed])
            | Q(id__in=communes.values("id"))
            | Q(level=Area.Level.PROVINCE, valid_to__isnull=True)
        )
        units = readable_units(user, on=first)
    else:
        # A commune officer starts its own commune's plan: its communes only, issued by its own unit.
        own = set(communes.values_list("id", flat=True))
        proposed = [a for a in proposed if a.id in own] or list(communes)
        areas = Area.objects.filter(id__in=own)
        home = user_unit(user)
        units = Unit.objects.filter(pk=home.pk if home else None)
    areas = areas.order_by("level", "search_key")
    units = units.order_by("search_key")
    plans = selectors.plan_list(user=user).exclude(pk=plan.pk)
    return proposed, {"units": units, "plans": plans, "areas": areas}


@login_required
def plan_copy(request, pk):
    """Start the next plan from this one (a guided form: period, issuer, areas, indicators); the
    coordinator for the whole area, a commune officer for its own commune."""
    if not has_role(request.user, PLAN_EDITORS | {Role.COMMUNE_OFFICER}):
        raise Http404
    plan = selectors.plan_get(user=request.user, pk=pk)
    start = plan.end_year + 1
    if request.method == "POST" and str(request.POST.get("start_year", "")).isdecimal():
        start = min(max(int(request.POST["start_year"]), 2000), 2100)
    proposed, choices = _next_plan_choices(request.user, plan, start)
    own = user_unit(request.user)
    initial = {
        "start_year": plan.end_year + 1,
        "end_year": plan.end_year + 5,
        "title": _next_title(plan, proposed),
        "number": "",
        "issuer": own
        if own is not None and own.is_valid_on(dt.date(start, 1, 1))
        else (plan.issuer if plan.issuer and plan.issuer.is_valid_on(dt.date(start, 1, 1)) else None),
        "issuer_name": "" if plan.issuer else plan.issuer_name,
        "parent": plan.parent,
        "areas": proposed,
        "indicators": [i for i in plan.indicators.all() if i.pursued_in(plan.end_year)],
        "make_default": plan.is_default,
    }
    form = PlanCopyForm(request.POST or None, initial=initial, plan=plan, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.plan_copy(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The new plan has been created. Review the targets of each year."))
            return redirect("plans:detail", pk=new.pk)
    achieved = services.baselines(plan)
    shown = {ind.pk: value_display(achieved.get(ind.pk), ind.measure) for ind in plan.indicators.all()}
    return render(
        request,
        "plans/plan_copy.html",
        {
            "plan": plan,
            "form": form,
            "formers": selectors.absorbed_areas(plan, proposed),
            "baselines": shown,
            "references": ReferenceTarget.objects.all(),
        },
    )


def _next_title(plan, proposed) -> str:
    """The old title with the new end year; an abolished area it names becomes the one area the new plan
    covers ("… huyện Hồng Ngự" → "… xã Long Khánh" for a commune's plan)."""
    title = plan.title.replace(str(plan.end_year), str(plan.end_year + 5))
    if len(proposed) == 1:
        new_name = proposed[0].name
        for old in plan.areas.all():
            if old.id != proposed[0].id and old.name.lower() in title.lower():
                start = title.lower().index(old.name.lower())
                title = title[:start] + new_name[0].lower() + new_name[1:] + title[start + len(old.name) :]
    return title


@login_required
def indicator_detail(request, plan_pk, pk):
    plan = selectors.plan_get(user=request.user, pk=plan_pk)
    indicator = selectors.indicator_get(user=request.user, plan=plan, pk=pk)
    targets = selectors.target_list(user=request.user, indicator=indicator)
    plan_wide = {t.year: t for t in targets if t.area_id is None and t.unit_id is None}
    cells = [
        selectors.indicator_cell(user=request.user, indicator=indicator, year=y, target=plan_wide.get(y))
        for y in plan.years
    ]
    year = request.GET.get("year", "")
    year = (
        int(year)
        if year.isdecimal() and int(year) in plan.years
        else min(max(clock.today().year, plan.start_year), plan.end_year)
    )
    communes = selectors.commune_cells(user=request.user, indicator=indicator, year=year, target=plan_wide.get(year))
    result = next(c["result"] for c in cells if c["year"] == year)
    retire_years = [y for y in plan.years if indicator.pursued_in(y)]
    return render(
        request,
        "plans/indicator_detail.html",
        {
            "plan": plan,
            "indicator": indicator,
            "targets": targets,
            "computation": registry[indicator.computation],
            "cells": cells,
            "communes": communes,
            "year": year,
            "chart": selectors.trend_chart(cells),
            "no_data_reason": result.no_data_reason if result else "",
            "can_edit": has_role(request.user, PLAN_EDITORS),
            "retire_years": retire_years,
            "references": [indicator.reference]
            if indicator.reference
            else ReferenceTarget.objects.filter(computation=indicator.computation, computation__gt=""),
            "other_plans": selectors.same_indicator_in_other_plans(user=request.user, indicator=indicator),
            "history": audit_rows(audit_for(user=request.user, obj=indicator, related=targets)[:30]),
        },
    )


@login_required
def target_edit(request, plan_pk, indicator_pk, pk=None):
    _require_editor(request.user)
    plan = selectors.plan_get(user=request.user, pk=plan_pk)
    indicator = selectors.indicator_get(user=request.user, plan=plan, pk=indicator_pk)
    target = indicator.targets.filter(pk=pk).first() if pk else Target(indicator=indicator)
    if pk and target is None:
        raise Http404
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST":
        if request.POST.get("delete") and target.pk:
            services.target_delete(actor=request.user, target=target)
            messages.success(request, _("The target has been deleted."))
            return redirect("plans:indicator", plan_pk=plan.pk, pk=indicator.pk)
        if form.is_valid():
            try:
                services.target_save(actor=request.user, target=form.save(commit=False))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The target has been saved."))
                return redirect("plans:indicator", plan_pk=plan.pk, pk=indicator.pk)
    return render(
        request, "plans/target_form.html", {"plan": plan, "indicator": indicator, "form": form, "target": target}
    )


@login_required
def indicator_edit(request, plan_pk, pk):
    _require_editor(request.user)
    plan = selectors.plan_get(user=request.user, pk=plan_pk)
    indicator = selectors.indicator_get(user=request.user, plan=plan, pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(actor=request.user, indicator=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The indicator has been saved."))
            return redirect("plans:indicator", plan_pk=plan.pk, pk=indicator.pk)
    return render(request, "plans/indicator_form.html", {"plan": plan, "indicator": indicator, "form": form})


@login_required
def indicator_new(request, plan_pk):
    """Add an indicator to a plan, its computation chosen from the catalogue of computed indicators."""
    _require_editor(request.user)
    plan = selectors.plan_get(user=request.user, pk=plan_pk)
    form = IndicatorForm(request.POST or None, instance=Indicator(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_save(actor=request.user, indicator=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The indicator has been added. Set its target for each year."))
            return redirect("plans:indicator", plan_pk=plan.pk, pk=indicator.pk)
    return render(request, "plans/indicator_form.html", {"plan": plan, "indicator": None, "form": form})


@login_required
def indicator_retire(request, plan_pk, pk):
    """Stop pursuing an indicator from a year (or pursue it again); refused while records count toward it."""
    _require_editor(request.user)
    plan = selectors.plan_get(user=request.user, pk=plan_pk)
    indicator = selectors.indicator_get(user=request.user, plan=plan, pk=pk)
    if request.method == "POST":
        value = request.POST.get("retired_from", "")
        try:
            services.indicator_retire(
                actor=request.user, indicator=indicator, from_year=int(value) if value.isdecimal() else None
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("retired_from", exc.messages):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(code)s is no longer pursued from %(year)s.") % {"code": indicator.code, "year": value}
                if indicator.retired_from
                else _("%(code)s is pursued again.") % {"code": indicator.code},
            )
    return redirect("plans:indicator", plan_pk=plan.pk, pk=indicator.pk)


@login_required
def indicator_records(request, plan_pk, pk, year):
    """The records behind a figure of the dashboard: exactly what the computation counted."""
    plan = selectors.plan_get(user=request.user, pk=plan_pk)
    indicator = selectors.indicator_get(user=request.user, plan=plan, pk=pk)
    if year not in plan.years:
        raise Http404
    area = None
    if request.GET.get("area", "").isdecimal():
        area = area_get(user=request.user, pk=int(request.GET["area"]))
    result = compute(indicator, year, user=request.user, area=area)
    records = result.records if result.records is not None else []
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    model = getattr(records, "model", None)
    rows_template, prepare = record_renderers.get(model._meta.label_lower if model else "", (None, None))
    if prepare is not None:
        page.object_list = prepare(request.user, list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/indicator_records.html",
        {
            "plan": plan,
            "indicator": indicator,
            "year": year,
            "result": result,
            "page": page,
            "area": area,
            "query": query.urlencode(),
            "rows_template": rows_template,
        },
    )


@login_required
def warning_list(request):
    """Every early warning (R1.5) as a list: targets the pace will not reach, communes short of broadcasts."""
    plan = selectors.chosen_plan(user=request.user, value=request.GET.get("plan", ""))
    warnings = [w for provider in warning_providers for w in (provider(user=request.user, plan=plan) if plan else [])]
    return render(
        request,
        "plans/warning_list.html",
        {"plan": plan, "warnings": warnings, "plans": selectors.plans_with_indicators(user=request.user)},
    )
