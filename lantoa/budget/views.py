from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lantoa.activities.models import Activity
from lantoa.activities.selectors import campaign_list
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.text import format_date
from lantoa.orgs.access import get_scoped_or_404, scope_for, user_unit

from . import selectors, services
from .forms import CheckForm, EstimateForm, FilterForm, LineForm
from .models import BudgetEstimate, CheckStatus, SpendingLine


def _years() -> list[int]:
    return services.plan_years() or [clock.today().year]


def _default_year(years) -> int:
    """This year when the plan covers it, else the plan's last year already begun (or its first)."""
    this = clock.today().year
    if this in years:
        return this
    begun = [y for y in years if y <= this]
    return max(begun) if begun else min(years)


def _filters(request, *, statuses=True):
    """Parse the shared filters; a unit outside the user's scope is simply not offered (and not read). A
    plan picked narrows the years to its period."""
    from lantoa.plans.selectors import plans_with_indicators

    plans = plans_with_indicators(user=request.user)
    years = _years()
    picked = request.GET.get("plan", "")
    if picked.isdecimal() and (plan := plans.filter(pk=int(picked)).first()) is not None:
        years = list(plan.years)
    data = request.GET.copy()
    if data.get("year", "").isdecimal() and int(data["year"]) not in years:
        data.pop("year")  # a year of another plan: open the picked plan on its own year
    data.setdefault("year", str(_default_year(years)))
    form = FilterForm(
        data, years=years, units=selectors.readable_units(user=request.user), statuses=statuses, plans=plans
    )
    if not form.is_valid():
        # Keep what was valid (the year asked for), drop only the filters that were not.
        kept = {k: v for k, v in data.items() if k not in form.errors}
        kept.setdefault("year", str(_default_year(years)))
        form = FilterForm(
            kept,
            years=years,
            units=selectors.readable_units(user=request.user),
            statuses=statuses,
            plans=plans,
        )
        form.is_valid()
    cleaned = form.cleaned_data
    query = request.GET.copy()
    query.pop("export", None)
    return form, cleaned["year"], cleaned.get("unit"), cleaned.get("check_status", ""), query.urlencode()


def _pct(value):
    return "" if value is None else float(value)


def _common(request, tab, form, year, query):
    return {
        "tab": tab,
        "form": form,
        "year": year,
        "query": query,
        "can_write": services.may_write(request.user),
        "can_check": services.may_check(request.user),
    }


@login_required
def budget_list(request):
    """Per year, a table of units: estimate, spent, balance, % used and the finance check."""
    form, year, unit, status, query = _filters(request)
    rows = selectors.unit_budgets(user=request.user, year=year, unit=unit, check_status=status)
    total = selectors.budget_totals(rows, year)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [
            _("Unit"),
            _("Year"),
            _("Estimate (VND)"),
            _("Regular budget (VND)"),
            _("Other sources (VND)"),
            _("Spent on lines (VND)"),
            _("Spent as activity costs (VND)"),
            _("Spent (VND)"),
            _("Balance (VND)"),
            _("Share used (%)"),
            _("Finance check"),
        ]
        data = [
            [
                b.unit.name,
                year,
                int(b.estimate),
                int(b.estimate_regular),
                int(b.estimate_other),
                int(b.spent_lines),
                int(b.spent_activities),
                int(b.spent),
                int(b.balance),
                _pct(b.percent_used),
                b.get_check_status_display(),
            ]
            for b in rows
        ]
        return table_response(fmt, f"kinh-phi-{year}", headers, data, title=f"Kinh phi {year}")
    ctx = _common(request, "units", form, year, query)
    ctx.update({"rows": rows, "total": total})
    return render(request, "budget/unit_list.html", ctx)


@login_required
def unit_detail(request, unit_id, year):
    if year not in _years():
        raise Http404
    budget = selectors.unit_budget_get(user=request.user, unit_id=unit_id, year=year)  # 404 outside the scope
    unit = budget.unit
    status = request.GET.get("check_status", "")
    status = status if status in CheckStatus.values else ""
    items = selectors.spending_items(user=request.user, year=year, unit=unit, check_status=status)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return _items_export(fmt, f"kinh-phi-{unit.code}-{year}", items)
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "budget/unit_detail.html",
        {
            "tab": "units",
            "b": budget,
            "unit": unit,
            "year": year,
            "years": _years(),
            "estimates": selectors.estimate_list(user=request.user, year=year, unit=unit),
            "items": items,
            "status": status,
            "statuses": CheckStatus.choices,
            "query": query.urlencode(),
            "can_write": services.may_write(request.user)
            and selectors.writable_units(user=request.user).filter(pk=unit.pk).exists(),
            "can_check": services.may_check(request.user),
        },
    )


def _items_export(fmt, filename, items):
    headers = [
        _("Date"),
        _("Unit"),
        _("Description"),
        _("Amount (VND)"),
        _("Counted from"),
        _("Form of communication"),
        _("Campaign"),
        _("Voucher or document number"),
        _("Finance check"),
        _("Finance office's note"),
    ]
    rows = [
        [
            format_date(i.date),
            i.unit.name,
            i.description,
            int(i.amount),
            _("activity cost") if i.from_activity_cost else (_("line for an activity") if i.activity else _("line")),
            i.kind_label,
            i.campaign.name if i.campaign else "",
            i.evidence,
            i.get_check_status_display(),
            i.check_note,
        ]
        for i in items
    ]
    return table_response(fmt, filename, headers, rows, title="Chi tieu")


def _breakdown(request, *, tab, compute, title, key_header, filename):
    form, year, unit, status, query = _filters(request)
    rows = compute(user=request.user, year=year, unit=unit, check_status=status)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [
            key_header,
            _("Year"),
            _("Spent on lines (VND)"),
            _("Spent as activity costs (VND)"),
            _("Spent (VND)"),
            _("Items"),
            _("Share of spending (%)"),
        ]
        data = [[r.label, year, int(r.lines), int(r.activities), int(r.total), r.count, _pct(r.share)] for r in rows]
        return table_response(fmt, f"{filename}-{year}", headers, data, title=filename)
    units = selectors.unit_budgets(user=request.user, year=year, unit=unit)
    ctx = _common(request, tab, form, year, query)
    ctx.update(
        {
            "rows": rows,
            "title": title,
            "key_header": key_header,
            "total": selectors.budget_totals(units, year),
            "shown": sum((r.total for r in rows), selectors.ZERO),
        }
    )
    return render(request, "budget/breakdown.html", ctx)


@login_required
def by_kind(request):
    return _breakdown(
        request,
        tab="kinds",
        compute=selectors.spending_by_kind,
        title=_("Spending per form of communication"),
        key_header=_("Form of communication"),
        filename="kinh-phi-theo-hinh-thuc",
    )


@login_required
def by_campaign(request):
    return _breakdown(
        request,
        tab="campaigns",
        compute=selectors.spending_by_campaign,
        title=_("Spending per campaign"),
        key_header=_("Campaign"),
        filename="kinh-phi-theo-dot",
    )


@login_required
def check_queue(request):
    """What the finance office still has to check (everyone may look; only the finance office acts)."""
    form, year, unit, _status, query = _filters(request, statuses=False)
    queue = selectors.check_queue(user=request.user, year=year, unit=unit)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [_("Record"), _("Unit"), _("Year"), _("Date"), _("Description"), _("Amount (VND)")]
        data = [
            [_("Estimate"), e.unit.name, e.year, "", e.get_source_display(), int(e.amount)] for e in queue.estimates
        ]
        data += [
            [_("Spending line"), ln.unit.name, ln.year, format_date(ln.spent_on), ln.description, int(ln.amount)]
            for ln in queue.lines
        ]
        data += [
            [_("Activity cost"), a.organiser.name, a.start_date.year, format_date(a.start_date), a.title, int(a.cost)]
            for a in queue.activities
        ]
        return table_response(fmt, f"kinh-phi-can-kiem-tra-{year}", headers, data, title="Can kiem tra")
    ctx = _common(request, "queue", form, year, query)
    ctx["queue"] = queue
    return render(request, "budget/queue.html", ctx)


@login_required
@require_POST
def check(request, what, pk):
    """Accept or query one estimate, line or activity cost (the finance office only)."""
    if not services.may_check(request.user):
        raise Http404
    form = CheckForm(request.POST)
    back = request.POST.get("next") or reverse("budget:queue")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("budget:queue")
    if not form.is_valid():
        messages.error(request, _("Choose accept or query."))
        return redirect(back)
    data = form.cleaned_data
    kwargs = {"actor": request.user, "status": data["status"], "note": data["note"], "seen_amount": data["seen_amount"]}
    try:
        if what == "estimate":
            obj = get_scoped_or_404(BudgetEstimate.objects.all(), request.user, unit_field="unit", pk=pk)
            services.estimate_check(estimate=obj, **kwargs)
        elif what == "line":
            obj = get_scoped_or_404(SpendingLine.objects.all(), request.user, unit_field="unit", pk=pk)
            services.line_check(line=obj, **kwargs)
        elif what == "activity":
            obj = get_scoped_or_404(Activity.objects.all(), request.user, unit_field="organiser", pk=pk)
            services.activity_cost_check(activity=obj, **kwargs)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if data["status"] == CheckStatus.ACCEPTED:
            messages.success(request, _("Accepted."))
        else:
            messages.success(request, _("Queried: the unit sees your note."))
    return redirect(back)


# --- forms ---------------------------------------------------------------------------------------------------


def _writer_or_404(user):
    if not services.may_write(user):
        raise Http404


def _int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdecimal() else None


def _form_page(request, form, title, back):
    return render(request, "budget/form.html", {"form": form, "title": title, "back": back})


def _back(obj_unit_id, year):
    return reverse("budget:unit", args=[obj_unit_id, year]) if obj_unit_id and year else reverse("budget:list")


@login_required
def estimate_edit(request, pk=None):
    _writer_or_404(request.user)
    units = selectors.writable_units(user=request.user)
    if pk:
        estimate = get_scoped_or_404(BudgetEstimate.objects.all(), request.user, unit_field="unit", pk=pk)
        if not units.filter(pk=estimate.unit_id).exists():
            raise Http404
        initial = {}
    else:
        estimate = BudgetEstimate()
        own = user_unit(request.user)
        unit_id = _int_param(request, "unit") or (own.pk if own else None)
        initial = {"unit": unit_id, "year": _int_param(request, "year") or _default_year(_years())}
    form = EstimateForm(request.POST or None, instance=estimate, initial=initial, units=units, years=_years())
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.estimate_save(actor=request.user, estimate=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The estimate has been saved."))
            return redirect("budget:unit", saved.unit_id, saved.year)
    title = _("Edit estimate") if pk else _("New estimate")
    return _form_page(request, form, title, _back(estimate.unit_id, estimate.year))


@login_required
def line_edit(request, pk=None):
    _writer_or_404(request.user)
    units = selectors.writable_units(user=request.user)
    if pk:
        line = get_scoped_or_404(SpendingLine.objects.all(), request.user, unit_field="unit", pk=pk)
        if not units.filter(pk=line.unit_id).exists():
            raise Http404
        initial = {}
        unit_id, year = line.unit_id, line.year
    else:
        line = SpendingLine()
        own = user_unit(request.user)
        unit_id = _int_param(request, "unit") or (own.pk if own else None)
        year = _int_param(request, "year") or _default_year(_years())
        initial = {"unit": unit_id, "year": year}
        activity_id = _int_param(request, "activity")
        if activity_id:
            initial["activity"] = activity_id
    # The activity list: the unit's activities of the year when known (a district office has hundreds).
    unit = units.filter(pk=unit_id).first() if unit_id else None
    activities = selectors.writable_activities(user=request.user, unit=unit, year=year if unit else None)
    if request.method == "POST" and request.POST.get("activity", "").isdecimal():
        # The chosen activity must be among those the user keeps; the service checks the unit and year.
        activities = selectors.writable_activities(user=request.user)
    form = LineForm(
        request.POST or None,
        instance=line,
        initial=initial,
        units=units,
        years=_years(),
        activities=activities,
        campaigns=campaign_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.line_save(actor=request.user, line=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The spending line has been saved."))
            return redirect("budget:unit", saved.unit_id, saved.year)
    title = _("Edit spending line") if pk else _("New spending line")
    return _form_page(request, form, title, _back(line.unit_id or unit_id, line.year or year))


@login_required
@require_http_methods(["GET", "POST"])
def line_delete(request, pk):
    _writer_or_404(request.user)
    line = get_scoped_or_404(SpendingLine.objects.select_related("unit"), request.user, unit_field="unit", pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.line_delete(actor=request.user, line=line)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The spending line has been deleted."))
            return redirect("budget:unit", line.unit_id, line.year)
    return render(
        request,
        "budget/line_confirm_delete.html",
        {
            "line": line,
            "error": error,
            "back": _back(line.unit_id, line.year),
        },
    )


def activity_budget_link(activity, user):
    """On an activity's page: its unit's budget for the year, when the activity costs money and the user
    may read the organiser's budget."""
    if not activity.cost and not activity.spending_lines.exists():
        return None
    scope = scope_for(user)
    if not (scope.sees_all or activity.organiser_id in scope.unit_ids):
        return None
    if activity.start_date.year not in _years():
        return None
    return {
        "label": _("Budget of the organiser for %(year)s") % {"year": activity.start_date.year},
        "url": reverse("budget:unit", args=[activity.organiser_id, activity.start_date.year]),
    }
