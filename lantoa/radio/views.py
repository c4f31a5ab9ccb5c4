from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lantoa.content.forms import usable_content_for
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.models import valid_on
from lantoa.core.selectors import audit_for, audit_rows
from lantoa.core.text import format_date
from lantoa.orgs.access import user_unit
from lantoa.plans.selectors import record_years
from lantoa.radio import selectors, services
from lantoa.radio.forms import CURRENT_FIRST, BroadcastFilterForm, BroadcastForm, WarningsForm, WeekGridForm, area_label
from lantoa.radio.models import Broadcast

PAGE_SIZE = 50


def _writer_or_404(user):
    if not selectors.may_write(user):
        raise Http404


def _export(fmt, qs):
    headers = [
        _("Date"),
        _("Time"),
        _("Week"),
        _("Commune or hamlet"),
        _("Broadcasting unit"),
        _("Broadcast content"),
        _("Duration (minutes)"),
        _("Topics"),
        _("Voluntary BHXH"),
        _("Note"),
        _("Recorded by"),
    ]
    rows = (
        [
            format_date(b.aired_on),
            b.aired_at.strftime("%H:%M") if b.aired_at else "",
            selectors.week_of(b.aired_on).label,
            area_label(b.commune),
            b.unit.name,
            b.title,
            b.duration_minutes,
            "; ".join(t.name for t in b.topics.all()),
            "x" if b.voluntary_bhxh else "",
            b.note,
            b.created_by.get_username() if b.created_by else "",
        ]
        for b in qs
    )
    return table_response(fmt, "phat-thanh-co-so", headers, rows, "Phat thanh")


@login_required
def broadcast_list(request):
    form = BroadcastFilterForm(request.GET or None, communes=selectors.commune_options(user=request.user))
    filters = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        filters = {
            "commune": data.get("commune"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "voluntary_only": bool(data.get("voluntary")),
            "topic": data.get("topic"),
            "q": data.get("q") or "",
        }
    qs = selectors.broadcast_list(user=request.user, **filters)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return _export(fmt, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "radio/broadcast_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_write": selectors.may_write(request.user),
        },
    )


def _broadcast_form(request, broadcast: Broadcast, *, initial=None):
    return BroadcastForm(
        request.POST or None,
        instance=broadcast,
        initial=initial,
        areas=selectors.writable_areas(user=request.user),
        units=selectors.writable_units(user=request.user),
        content=usable_content_for(request.user, broadcast),
    )


def _save(request, form):
    try:
        return services.broadcast_save(
            actor=request.user,
            broadcast=form.save(commit=False),
            topics=form.cleaned_data["topics"],
            content_used=form.cleaned_data.get("content_used"),
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


@login_required
def broadcast_new(request):
    _writer_or_404(request.user)
    initial = {"aired_on": clock.today()}
    commune = selectors.default_commune(user=request.user)
    if commune is not None:
        initial["commune"] = commune.pk
    unit = user_unit(request.user)
    if unit is not None:
        initial["unit"] = unit.pk
    form = _broadcast_form(request, Broadcast(), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("The broadcast has been recorded."))
            if request.POST.get("another"):
                return redirect("radio:new")
            return redirect("radio:detail", pk=saved.pk)
    return render(
        request,
        "radio/broadcast_form.html",
        {"form": form, "broadcast": None, "title": _("Record a broadcast")},
    )


@login_required
def broadcast_detail(request, pk):
    broadcast = selectors.broadcast_get(user=request.user, pk=pk)
    return render(
        request,
        "radio/broadcast_detail.html",
        {
            "broadcast": broadcast,
            "week": selectors.week_of(broadcast.aired_on),
            # The list filters by commune (a hamlet's broadcasts are listed under its commune).
            "week_commune": broadcast.commune.parent if broadcast.commune.level > 3 else broadcast.commune,
            "can_write": selectors.may_write(request.user),
            "history": audit_rows(audit_for(user=request.user, obj=broadcast)[:20]),
        },
    )


@login_required
def broadcast_edit(request, pk):
    _writer_or_404(request.user)
    broadcast = selectors.broadcast_get(user=request.user, pk=pk)
    form = _broadcast_form(request, broadcast)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("The broadcast has been saved."))
            return redirect("radio:detail", pk=saved.pk)
    return render(
        request,
        "radio/broadcast_form.html",
        {"form": form, "broadcast": broadcast, "title": _("Edit broadcast")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def broadcast_delete(request, pk):
    _writer_or_404(request.user)
    broadcast = selectors.broadcast_get(user=request.user, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.broadcast_delete(actor=request.user, broadcast=broadcast)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The broadcast has been deleted."))
            return redirect("radio:list")
    return render(request, "radio/broadcast_confirm_delete.html", {"broadcast": broadcast, "error": error})


@login_required
def week_grid(request):
    communes = selectors.commune_options(user=request.user)
    this_year = selectors.week_of(clock.today()).year
    years = record_years(user=request.user, this_year=this_year)
    data = request.GET.copy()
    data.setdefault("year", str(this_year))
    year_text = data.get("year", "")
    if year_text.isdecimal() and 2000 <= int(year_text) <= 2100:
        years = sorted({*years, int(year_text)}, reverse=True)
    if not data.get("commune"):
        own = selectors.default_commune(user=request.user)
        first = own if own is not None and communes.filter(pk=own.pk).exists() else None
        first = first or communes.order_by(CURRENT_FIRST, "search_key").first()
        if first is not None:
            data["commune"] = str(first.pk)
    form = WeekGridForm(data, communes=communes, years=years)
    grid = None
    if data.get("commune"):
        if not str(data["commune"]).isdecimal():
            raise Http404
        commune = selectors.commune_get(user=request.user, pk=int(data["commune"]))  # 404 outside the scope
        if form.is_valid():
            grid = selectors.week_grid(user=request.user, commune=commune, year=form.cleaned_data["year"])
    return render(request, "radio/week_grid.html", {"form": form, "grid": grid})


@login_required
def weekly_warnings(request):
    form = WarningsForm(request.GET or None)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    on = on or clock.today()
    warnings = selectors.weekly_warnings(user=request.user, on_date=on)
    week = selectors.last_finished_week(on)
    held = list(selectors.commune_options(user=request.user).filter(valid_on(week.sunday)).order_by("search_key"))
    obligations = selectors.weekly_obligations(week.year, [c.id for c in held])
    return render(
        request,
        "radio/warnings.html",
        {
            "form": form,
            "warnings": warnings,
            "week": week,
            "checked": bool(held),
            "no_plan": [c for c in held if obligations[c.id] is None],
            "obliged": sum(1 for c in held if obligations[c.id] is not None),
        },
    )
