from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.accounts.roles import ORG_EDITORS, PERSONAL_DATA_READERS, has_role
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.selectors import audit_for, audit_rows
from lantoa.core.text import format_date, mask_phone
from lantoa.orgs import selectors, services
from lantoa.orgs.access import user_unit
from lantoa.orgs.forms import StaffAccountForm, UnitCloseForm, UnitDutyForm, UnitFilterForm, UnitForm, UnitRenameForm
from lantoa.orgs.models import Unit, UnitDuty


def _editor_or_404(user):
    if not has_role(user, ORG_EDITORS):
        raise Http404


@login_required
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.unit_list(user=request.user, **{k: v for k, v in filters.items() if v})
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        rows = (
            [
                u.code,
                u.name,
                u.short_name,
                u.get_kind_display(),
                u.parent.name if u.parent else "",
                u.area.name,
                format_date(u.valid_from),
                format_date(u.valid_to),
                u.merged_into.name if u.merged_into else "",
            ]
            for u in qs
        )
        return table_response(
            fmt,
            "don-vi",
            [
                _("Code"),
                _("Name"),
                _("Short name"),
                _("Kind"),
                _("Part of"),
                _("Area"),
                _("Active from"),
                _("Active until"),
                _("Merged into"),
            ],
            rows,
            "Don vi",
        )
    return render(
        request,
        "orgs/unit_list.html",
        {"form": form, "units": qs, "query": request.GET.urlencode(), "can_edit": has_role(request.user, ORG_EDITORS)},
    )


@login_required
def unit_detail(request, pk):
    unit = selectors.unit_get(user=request.user, pk=pk)
    members = list(selectors.unit_members(user=request.user, unit=unit))
    own = user_unit(request.user)
    show_phone = has_role(request.user, PERSONAL_DATA_READERS) or (own is not None and own.pk == unit.pk)
    for m in members:
        m.phone_shown = m.user.phone if show_phone else mask_phone(m.user.phone)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "members": members,
            "children": unit.children.all(),
            "merged_from": unit.merged_from.all(),
            "former_names": unit.former_names.all(),
            "duties": unit.duties.all(),
            "stranded": services.stranded_members(unit),
            "successor": (services.successors(unit) or [None])[-1],
            "can_edit": has_role(request.user, ORG_EDITORS),
            "history": audit_rows(audit_for(user=request.user, obj=unit)[:20]),
        },
    )


@login_required
def unit_edit(request, pk=None):
    _editor_or_404(request.user)
    unit = selectors.unit_get(user=request.user, pk=pk) if pk else Unit()
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_save(actor=request.user, unit=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The unit has been saved."))
            return redirect("orgs:detail", pk=unit.pk)
    return render(
        request, "orgs/unit_form.html", {"unit": unit, "form": form, "title": _("Edit unit") if pk else _("New unit")}
    )


@login_required
def unit_rename(request, pk):
    _editor_or_404(request.user)
    unit = selectors.unit_get(user=request.user, pk=pk)
    form = UnitRenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.unit_rename(
                actor=request.user, unit=unit, new_name=d["new_name"], on=d["on"], short_name=d["short_name"] or None
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The unit has been renamed; the former name is kept in its history."))
            return redirect("orgs:detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"unit": unit, "form": form, "title": _("Rename unit")})


@login_required
def unit_close(request, pk):
    _editor_or_404(request.user)
    unit = selectors.unit_get(user=request.user, pk=pk)
    form = UnitCloseForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.unit_close(actor=request.user, unit=unit, on=d["on"], merged_into=d["merged_into"], note=d["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The unit has been closed."))
            return redirect("orgs:detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"unit": unit, "form": form, "title": _("Close or merge unit")})


@login_required
def staff_add(request, pk):
    _editor_or_404(request.user)
    unit = selectors.unit_get(user=request.user, pk=pk)
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.staff_account_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(request, "orgs/staff_created.html", {"unit": unit, "new_user": user, "password": password})
    return render(request, "orgs/unit_form.html", {"unit": unit, "form": form, "title": _("New account in this unit")})


@login_required
def unit_duty_edit(request, pk, duty_pk=None):
    """Which duty (aggregate report, final evaluation…) the unit holds, from when to when."""
    _editor_or_404(request.user)
    unit = selectors.unit_get(user=request.user, pk=pk)
    duty = get_object_or_404(UnitDuty, pk=duty_pk, unit=unit) if duty_pk else UnitDuty(unit=unit)
    form = UnitDutyForm(request.POST or None, instance=duty)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_duty_save(actor=request.user, duty=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The unit's duty has been saved."))
            return redirect("orgs:detail", pk=unit.pk)
    title = _("Edit duty") if duty_pk else _("New duty of this unit")
    return render(request, "orgs/unit_form.html", {"unit": unit, "form": form, "title": title})


@login_required
@require_POST
def unit_members_move(request, pk):
    _editor_or_404(request.user)
    unit = selectors.unit_get(user=request.user, pk=pk)
    try:
        moved = services.unit_members_move(actor=request.user, unit=unit)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(n)s people were moved to the successor unit.") % {"n": moved})
    return redirect("orgs:detail", pk=unit.pk)
