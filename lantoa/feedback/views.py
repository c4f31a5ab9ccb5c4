import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.audience.selectors import may_see_personal
from lantoa.core import clock
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.models import valid_on
from lantoa.core.text import format_date, mask_phone
from lantoa.feedback import imports, selectors, services
from lantoa.feedback.forms import AnswerForm, ApologyForm, FilterForm, ImportForm, IntakeForm, ReasonForm, TransferForm
from lantoa.feedback.models import Kind, Status
from lantoa.geo.models import Area
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit

PAGE_SIZE = 50


def may_write(user) -> bool:
    return not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def _writable_areas(user):
    day = clock.today()
    qs = Area.objects.filter(valid_on(day), level__in=[Area.Level.COMMUNE, Area.Level.HAMLET]).select_related("parent")
    scope = scope_for(user)
    return qs if scope.sees_all else qs.filter(id__in=scope.area_ids)


def _shown_asker(user, item, identity_ok: bool) -> tuple[str, str]:
    """(name, phone) as this user may see them: a denouncer only to the handler; a phone masked unless the
    role may read personal data."""
    if item.anonymous:
        return _("Anonymous"), ""
    if not identity_ok:
        return _("(confidential)"), ""
    phone = item.asker_phone
    if phone and not may_see_personal(user, item.person):
        phone = mask_phone(phone)
    return item.asker_name, phone


def _export(fmt, user, qs):
    headers = [
        _("Tracking code"),
        _("Received on"),
        _("Kind"),
        _("Status"),
        _("Channel"),
        _("Place"),
        _("Responsible unit"),
        _("Topic"),
        _("Person asking"),
        _("Phone"),
        _("Content"),
        _("Answer due"),
        _("Answered on"),
        _("Answer"),
    ]
    see_all = may_see_personal(user)

    def row(i):
        confidential = i.kind == Kind.DENUNCIATION
        name = "" if (i.anonymous or confidential) else i.asker_name
        phone = "" if (i.anonymous or confidential) else (i.asker_phone if see_all else mask_phone(i.asker_phone))
        return [
            i.code,
            format_date(i.received_on),
            i.get_kind_display(),
            i.get_status_display(),
            i.get_channel_display(),
            i.area.name if i.area else "",
            i.unit.name if i.unit else "",
            i.topic.name if i.topic else "",
            name,
            phone,
            i.text,
            format_date(i.due_on),
            format_date(i.answered_on),
            i.answer,
        ]

    return table_response(fmt, "phan-anh-kien-nghi", headers, (row(i) for i in qs.iterator()), "Phan anh")


@login_required
def item_list(request):
    form = FilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {
            "q": d["q"],
            "kind": d["kind"],
            "status": d["status"],
            "channel": d["channel"],
            "topic_id": d["topic"].pk if d["topic"] else None,
            "overdue": d["overdue"],
            "start": d["start"],
            "end": d["end"],
        }
    if request.GET.get("unit", "").isdecimal():
        filters["unit_id"] = int(request.GET["unit"])
    if request.GET.get("area", "").isdecimal():
        filters["area_id"] = int(request.GET["area"])
    qs = selectors.item_list(user=request.user, **filters)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return _export(fmt, request.user, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    for item in page:
        item.overdue = selectors.is_overdue(item, today)
        item.soon = selectors.due_soon(item, today)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "feedback/item_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_write": may_write(request.user),
            "counts": selectors.counts_by_status(user=request.user),
        },
    )


@login_required
def item_new(request):
    if not may_write(request.user):
        raise Http404
    form = IntakeForm(request.POST or None, request.FILES or None, areas=_writable_areas(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.feedback_intake_create(
                actor=request.user,
                channel=d["channel"],
                text=d["text"],
                kind=d["kind"],
                area=d["area"],
                topic=d["topic"],
                anonymous=d["anonymous"],
                asker_name=d["asker_name"],
                asker_phone=d["asker_phone"],
                received_on=d["received_on"],
                attachments=[d["attachment"]] if d["attachment"] else [],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Received. Tracking code %(code)s.") % {"code": item.code})
            if request.POST.get("another"):
                return redirect("feedback:new")
            return redirect(item.get_absolute_url())
    return render(request, "feedback/item_form.html", {"form": form, "title": _("Record a question or petition")})


def _unit_choices():
    return Unit.objects.filter(valid_on(clock.today())).order_by("search_key")


@login_required
def item_detail(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    identity_ok = True
    if item.kind == Kind.DENUNCIATION:
        identity_ok = services.feedback_identity_read(actor=request.user, item=item)
    name, phone = _shown_asker(request.user, item, identity_ok)
    can_handle = services.may_handle(request.user, item)
    allowed = services.TRANSITIONS.get(item.status, set()) if can_handle else set()
    return render(
        request,
        "feedback/item_detail.html",
        {
            "item": item,
            "asker_name": name,
            "asker_phone": phone,
            "events": item.events.select_related("actor", "from_unit", "to_unit", "message"),
            "attachments": item.attachments.all(),
            "can_handle": can_handle,
            "allowed": {s for s in allowed},
            "overdue": selectors.is_overdue(item),
            "soon": selectors.due_soon(item),
            "transfer_form": TransferForm(units=_unit_choices().exclude(pk=item.unit_id)),
            "reason_form": ReasonForm(),
            "answer_form": AnswerForm(initial={"answer": item.answer, "send": True}),
            "apology_form": ApologyForm(),
            "may_extend": can_handle
            and item.is_open
            and item.clock_rule is not None
            and item.extensions < item.clock_rule.max_extensions,
            "Status": Status,
        },
    )


ACTIONS = {"accept", "start", "transfer", "refuse", "answer", "close", "reopen", "apologise", "extend"}


@login_required
@require_POST
def item_action(request, pk, action):
    item = selectors.item_get(user=request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    post = request.POST
    form = None
    try:
        if action == "accept":
            services.feedback_accept(actor=request.user, item=item, is_complex=bool(post.get("is_complex")) or None)
        elif action == "start":
            services.feedback_start(actor=request.user, item=item)
        elif action == "transfer":
            form = TransferForm(post, units=_unit_choices())
            form.is_valid()
            services.feedback_transfer(
                actor=request.user,
                item=item,
                to_unit=form.cleaned_data.get("to_unit"),
                reason=form.cleaned_data.get("reason", ""),
            )
        elif action == "refuse":
            services.feedback_refuse(actor=request.user, item=item, reason=post.get("reason", ""))
        elif action == "answer":
            form = AnswerForm(post)
            form.is_valid()
            services.feedback_answer(
                actor=request.user,
                item=item,
                answer=form.cleaned_data.get("answer", ""),
                send=form.cleaned_data.get("send", False),
            )
        elif action == "close":
            services.feedback_close(actor=request.user, item=item)
        elif action == "reopen":
            services.feedback_reopen(actor=request.user, item=item, reason=post.get("reason", ""))
        elif action == "extend":
            services.feedback_extend(actor=request.user, item=item, reason=post.get("reason", ""))
        elif action == "apologise":
            form = ApologyForm(post)
            if not form.is_valid():
                raise ValidationError(form.errors.get("new_date") or _("Enter a date as dd/mm/yyyy."))
            services.feedback_apologise(
                actor=request.user,
                item=item,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect(item.get_absolute_url())


@login_required
def analysis(request):
    today = clock.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    data = selectors.analysis(user=request.user, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    topics = sorted({t for month in data.by_month_topic.values() for t in month})
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    grid = [(t, [data.by_month_topic.get(m, {}).get(t, 0) for m in months]) for t in topics]
    return render(
        request,
        "feedback/analysis.html",
        {"data": data, "year": year, "months": months, "grid": grid, "years": range(today.year - 3, today.year + 1)},
    )


@login_required
def item_import(request):
    if not may_write(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.hotline_import(
            actor=request.user, data=upload.read(), filename=upload.name, commit=bool(request.POST.get("commit"))
        )
        if result.saved:
            messages.success(request, _("%(n)s items imported.") % {"n": result.saved})
            return redirect("feedback:list")
    return render(request, "feedback/item_import.html", {"form": form, "result": result})
