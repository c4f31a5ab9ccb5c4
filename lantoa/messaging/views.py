import base64
import datetime as dt
import hmac

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lantoa.accounts.roles import MESSAGE_SENDERS, has_role
from lantoa.audience.selectors import mask_id, may_see_personal, person_get, segment_list
from lantoa.content.models import ContentItem
from lantoa.content.selectors import usable_content
from lantoa.core.exports import table_response
from lantoa.core.forms import apply_validation_error
from lantoa.core.sheets import SheetError, read_table
from lantoa.core.text import PhoneError, format_datetime, mask_phone, normalize_phone
from lantoa.messaging import selectors, services
from lantoa.messaging import text as mtext
from lantoa.messaging.forms import (
    BroadcastForm,
    DncImportForm,
    OptOutFilterForm,
    OptOutForm,
    OptOutRemoveForm,
    ReminderForm,
    TemplateForm,
)
from lantoa.messaging.models import Broadcast, GatewayConfig, Message, OptOut, Reminder, Template
from lantoa.orgs.access import readable_units, user_unit

EXPORT_LIMIT = 200_000


def may_send(user) -> bool:
    return has_role(user, MESSAGE_SENDERS)


def _require_sender(user):
    if not may_send(user):
        raise Http404


def _units(user):
    return readable_units(user, on=timezone.localdate()).order_by("search_key")


def _phone(user, message: Message) -> str:
    """A message's number as the user may see it: in full only where they may see its person's."""
    return message.phone if may_see_personal(user, message.person) else mask_phone(message.phone)


# --- broadcasts ----------------------------------------------------------------------------------------


@login_required
def broadcast_list(request):
    qs = selectors.broadcast_list(user=request.user)
    status = request.GET.get("status", "")
    if status in Broadcast.Status.values:
        qs = qs.filter(status=status)
    unit = request.GET.get("unit", "")
    if unit.isdecimal():
        qs = qs.filter(unit_id=int(unit))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(title__icontains=q)
    if request.GET.get("export") in ("xlsx", "csv"):
        rows = []
        for b in qs[:EXPORT_LIMIT]:
            c = selectors.broadcast_counts(b)
            rows.append(
                [
                    b.title,
                    b.unit.name,
                    b.segment.name,
                    b.get_status_display(),
                    format_datetime(b.started_at),
                    c["total"],
                    c["delivered"],
                    c["failed"],
                ]
            )
        headers = [
            _("Title"),
            _("Unit"),
            _("Recipients"),
            _("Status"),
            _("Started"),
            _("Messages"),
            _("Delivered"),
            _("Failed"),
        ]
        return table_response(request.GET["export"], "tin-nhan", headers, rows, title=_("Message broadcasts"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for b in page.object_list:
        b.counts = selectors.broadcast_counts(b)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "messaging/broadcast_list.html",
        {
            "page": page,
            "statuses": Broadcast.Status.choices,
            "units": _units(request.user),
            "f": {"status": status, "unit": unit, "q": q},
            "query": query.urlencode(),
            "can_send": may_send(request.user),
        },
    )


@login_required
def broadcast_edit(request, pk=None):
    _require_sender(request.user)
    broadcast = selectors.get_or_404(selectors.broadcast_list(user=request.user), pk) if pk else Broadcast()
    if broadcast.pk and broadcast.status != Broadcast.Status.DRAFT:
        return redirect(broadcast)
    initial = {}
    if not broadcast.pk:
        initial["unit"] = user_unit(request.user)
        if request.GET.get("segment", "").isdecimal():
            initial["segment"] = int(request.GET["segment"])
    form = BroadcastForm(
        request.POST or None,
        instance=broadcast,
        initial=initial,
        units=_units(request.user),
        templates=selectors.template_list(user=request.user),
        segments=segment_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            broadcast = services.broadcast_save(actor=request.user, broadcast=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Draft saved. Check the recipients, then ask a colleague to approve it."))
            return redirect(broadcast)
    return render(request, "messaging/broadcast_form.html", {"form": form, "broadcast": broadcast})


@login_required
def broadcast_detail(request, pk):
    broadcast = selectors.get_or_404(selectors.broadcast_list(user=request.user), pk)
    policy = services.policy_on()
    ctx = {"b": broadcast, "policy": policy, "can_send": may_send(request.user)}
    if broadcast.status == Broadcast.Status.DRAFT:
        ctx["audience"] = selectors.audience(broadcast, policy=policy)
        ctx.update(_text_facts(broadcast.template.body, broadcast.template.accent_free, broadcast.unit))
        ctx["needs_other"] = ctx["audience"].recipients > policy.approval_threshold
        ctx["is_author"] = broadcast.created_by_id == request.user.pk
    else:
        ctx.update(_text_facts(broadcast.body, broadcast.accent_free, broadcast.unit))
    ctx.update(_monitor(request, broadcast))
    return render(request, "messaging/broadcast_detail.html", ctx)


def _monitor(request, broadcast):
    counts = selectors.broadcast_counts(broadcast)
    problems = (
        broadcast.messages.filter(Q(status=Message.Status.FAILED) | Q(status=Message.Status.QUEUED, attempts__gt=0))
        .select_related("person")
        .order_by("-id")[:50]
    )
    return {
        "counts": counts,
        "problems": [
            {
                "person": m.person,
                "phone": _phone(request.user, m),
                "status": m.get_status_display(),
                "reason": m.reason,
            }
            for m in problems
        ],
        "live": broadcast.status in (Broadcast.Status.APPROVED, Broadcast.Status.SENDING),
    }


@login_required
def broadcast_progress(request, pk):
    """The live part of the monitor (htmx polls it while the broadcast is going out)."""
    broadcast = selectors.get_or_404(selectors.broadcast_list(user=request.user), pk)
    return render(request, "messaging/_progress.html", {"b": broadcast, **_monitor(request, broadcast)})


@login_required
@require_POST
def broadcast_approve(request, pk):
    _require_sender(request.user)
    broadcast = selectors.get_or_404(selectors.broadcast_list(user=request.user), pk)
    try:
        services.broadcast_approve(actor=request.user, broadcast=broadcast)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved: the messages go out within the sending hours."))
    return redirect(broadcast)


@login_required
@require_POST
def broadcast_cancel(request, pk):
    _require_sender(request.user)
    broadcast = selectors.get_or_404(selectors.broadcast_list(user=request.user), pk)
    try:
        n = services.broadcast_cancel(actor=request.user, broadcast=broadcast)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Cancelled; %(n)s queued messages will not be sent.") % {"n": n})
    return redirect(broadcast)


@login_required
def broadcast_messages(request, pk):
    """Every message of a broadcast as a sheet (phones masked unless the role may see them)."""
    broadcast = selectors.get_or_404(selectors.broadcast_list(user=request.user), pk)
    fmt = request.GET.get("export", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rows = [
        [
            m.person.full_name,
            _phone(request.user, m),
            m.get_status_display(),
            m.reason,
            format_datetime(m.sent_at),
            format_datetime(m.delivered_at),
        ]
        for m in broadcast.messages.select_related("person").order_by("id")[:EXPORT_LIMIT]
    ]
    headers = [_("Full name"), _("Phone"), _("Status"), _("Reason"), _("Sent"), _("Delivered")]
    return table_response(fmt, f"tin-nhan-{broadcast.pk}", headers, rows, title=broadcast.title)


# --- text facts: characters, parts, cost -------------------------------------------------------------


def _text_facts(body: str, accent_free: bool, unit) -> dict:
    error = ""
    sample = ""
    try:
        sample = mtext.render(body, mtext.sample_person())
    except mtext.TemplateError as exc:
        error = str(exc)
    sent = mtext.accent_free(sample) if accent_free else sample
    parts = mtext.sms_parts(sent or body)
    plain = mtext.accent_free(sample or body)
    plain_parts = mtext.sms_parts(plain)
    gateway = services.gateway_for(unit) if unit is not None else GatewayConfig(cost_per_part=0)
    return {
        "error": error,
        "sample": sent,
        "parts": parts,
        "cost": parts.parts * gateway.cost_per_part,
        "plain": plain,
        "plain_parts": plain_parts,
        "plain_cost": plain_parts.parts * gateway.cost_per_part,
        "gateway": gateway,
    }


@login_required
def text_check(request):
    """Live count while typing a template (htmx)."""
    _require_sender(request.user)
    body = request.POST.get("body", "") if request.method == "POST" else request.GET.get("body", "")
    accent_free = request.POST.get("accent_free") in ("on", "true", "1")
    unit = user_unit(request.user)
    return render(request, "messaging/_text_facts.html", _text_facts(body[:2000], accent_free, unit))


# --- templates -----------------------------------------------------------------------------------------


@login_required
def template_list(request):
    qs = selectors.template_list(user=request.user).select_related("content").prefetch_related("topics")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(body__icontains=q))
    templates = list(qs[:500])
    for t in templates:
        t.facts = mtext.sms_parts(mtext.accent_free(t.body) if t.accent_free else t.body)
    return render(
        request, "messaging/template_list.html", {"templates": templates, "q": q, "can_send": may_send(request.user)}
    )


@login_required
def template_edit(request, pk=None):
    _require_sender(request.user)
    template = selectors.get_or_404(selectors.template_list(user=request.user), pk) if pk else Template()
    form = TemplateForm(
        request.POST or None,
        instance=template,
        initial={} if template.pk else {"unit": user_unit(request.user)},
        units=_units(request.user),
        content=usable_content(user=request.user, kinds=[ContentItem.Kind.SMS], keep=[template.content_id]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.template_save(
                actor=request.user, template=form.save(commit=False), topics=form.cleaned_data["topics"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Template saved."))
            return redirect("messaging:templates")
    facts = _text_facts(form["body"].value() or "", bool(form["accent_free"].value()), user_unit(request.user))
    return render(request, "messaging/template_form.html", {"form": form, "template": template, **facts})


# --- reminders -----------------------------------------------------------------------------------------


@login_required
def reminder_list(request):
    reminders = list(selectors.reminder_list(user=request.user))
    today = timezone.localdate()
    for r in reminders:
        r.queued = r.messages.filter(status=Message.Status.QUEUED).count()
        r.sent_30 = r.messages.filter(sent_at__gte=timezone.now() - dt.timedelta(days=30)).count()
    return render(
        request,
        "messaging/reminder_list.html",
        {"reminders": reminders, "today": today, "can_send": may_send(request.user)},
    )


@login_required
def reminder_edit(request, pk=None):
    _require_sender(request.user)
    reminder = selectors.get_or_404(selectors.reminder_list(user=request.user), pk) if pk else Reminder()
    form = ReminderForm(
        request.POST or None,
        instance=reminder,
        initial={} if reminder.pk else {"unit": user_unit(request.user)},
        units=_units(request.user),
        templates=selectors.template_list(user=request.user),
        segments=segment_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_save(actor=request.user, reminder=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Reminder saved: it is checked every hour."))
            return redirect("messaging:reminders")
    return render(request, "messaging/reminder_form.html", {"form": form, "reminder": reminder})


# --- opt-outs and replies ------------------------------------------------------------------------------


def _shown(user, rows) -> list:
    """Each row (opt-out or reply) with `shown`: its number in full or masked, as the user may see it."""
    rows = list(rows)
    full = selectors.numbers_in_full(user, rows)
    for row in rows:
        row.shown = row.phone if row.phone in full else mask_phone(row.phone)
    return rows


@login_required
def optout_list(request):
    """The opt-outs and replies of the user's scope (`selectors.optout_list`), numbers masked unless the
    user may see them. The filter by number matches any digits for the roles that see every number in full;
    for the others only a whole number, or the search would reveal hidden digits one guess at a time."""
    _require_sender(request.user)
    form = OptOutFilterForm(request.GET or None)
    qs = selectors.optout_list(user=request.user)
    if form.is_valid():
        digits = "".join(ch for ch in form.cleaned_data["q"] if ch.isdecimal())
        if digits and selectors.sees_every_number(request.user):
            qs = qs.filter(phone__contains=digits.lstrip("0"))
        elif digits:
            try:
                qs = qs.filter(phone=normalize_phone(form.cleaned_data["q"]))
            except PhoneError:
                qs = qs.none()
        if form.cleaned_data["source"]:
            qs = qs.filter(source=form.cleaned_data["source"])
    if request.GET.get("export") in ("xlsx", "csv"):
        rows = [
            [o.shown, o.get_source_display(), o.note, format_datetime(o.created_at)]
            for o in _shown(request.user, qs[:EXPORT_LIMIT])
        ]
        headers = [_("Phone"), _("Source"), _("Note"), _("Since")]
        return table_response(request.GET["export"], "tu-choi-nhan-tin", headers, rows, title=_("Opt-outs"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = _shown(request.user, page.object_list)
    for o in page.object_list:
        o.removable = services.may_remove_optout(request.user, o)
    inbound = _shown(request.user, selectors.inbound_list(user=request.user)[:30])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "messaging/optout_list.html",
        {
            "page": page,
            "form": form,
            "add_form": OptOutForm(),
            "import_form": DncImportForm(),
            "inbound": inbound,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def optout_add(request):
    _require_sender(request.user)
    form = OptOutForm(request.POST)
    if form.is_valid():
        try:
            services.optout_add(
                actor=request.user,
                phone=form.cleaned_data["phone"],
                source=OptOut.Source.HAND,
                note=form.cleaned_data["note"] or _("entered by hand"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The number will get no more messages, on SMS or Zalo."))
    else:
        messages.error(request, _("Phone: enter a number."))
    return redirect("messaging:optouts")


@login_required
@require_POST
def optout_import(request):
    _require_sender(request.user)
    form = DncImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("messaging:optouts")
    upload = form.cleaned_data["file"]
    if upload.size > 50 * 1024 * 1024:
        messages.error(request, _("The file is larger than 50 MB."))
        return redirect("messaging:optouts")
    try:
        rows = read_table(upload.read(), upload.name)
        n = services.optout_import(actor=request.user, rows=rows, filename=upload.name)
    except SheetError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _("Nothing was added: ") + " · ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s new numbers added to the opt-out list.") % {"n": n})
    return redirect("messaging:optouts")


@login_required
def optout_remove(request, pk):
    """Take a number off the list on its owner's new request: 404 outside the user's scope, refused to
    anyone `services.may_remove_optout` does not allow; the service audits it."""
    _require_sender(request.user)
    optout = selectors.optout_get(user=request.user, pk=pk)
    if not services.may_remove_optout(request.user, optout):
        raise Http404
    form = OptOutRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.optout_remove(actor=request.user, optout=optout, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Removed from the opt-out list. Consent must still be given again."))
            return redirect("messaging:optouts")
    return render(request, "messaging/optout_remove.html", {"form": form, "optout": optout, "shown": optout.phone})


# --- a person's messages -------------------------------------------------------------------------------


@login_required
def person_messages(request, pk):
    person = person_get(user=request.user, pk=pk)
    full = may_see_personal(request.user, person)
    rows = selectors.person_messages(person)[:500]
    optout = OptOut.objects.filter(phone__in=[p for p in (person.phone, person.phone2) if p]).first()
    return render(
        request,
        "messaging/person_messages.html",
        {
            "person": person,
            "rows": rows,
            "full": full,
            "phone": person.phone if full else mask_phone(person.phone),
            "optout": optout,
            "mask_id": mask_id,
        },
    )


def person_messages_link(request, person):
    """Shown on a person's page (a hook of the registry)."""
    from django.urls import reverse

    n = Message.objects.filter(person=person).count()
    return {"url": reverse("messaging:person", args=[person.pk]), "label": _("Messages (%(n)s)") % {"n": n}}


# --- provider callbacks --------------------------------------------------------------------------------
#
# A provider proves it is the gateway's by its token. Where the provider can send a header, the token goes
# in one and the address carries none (access logs and proxies keep addresses, not headers):
#   /messages/hooks/<gateway>/report/   and   …/incoming/
# with `Authorization: Basic <base64 of "lantoa:<token>">` — what Kannel sends for an address with the
# user and password in it (`http://lantoa:<token>@host/…`: it takes them out of the address and sends them
# as that header, on dlr-url and get-url alike) — or `Authorization: Bearer <token>`, or `X-Lantoa-Token`.
# eSMS (a CallbackUrl per message), SpeedSMS and Zalo (an address typed into their dashboards) can be given
# nothing but an address: for those kinds only, the token may be in it (`…/<gateway>/<token>/report/`).
# A gateway that is not active answers 404 to both forms.

HOOK_HEADER = "X-Lantoa-Token"


def _token_from_headers(request) -> str:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return request.headers.get(HOOK_HEADER, "").strip()


def _gateway_from_hook(pk: int, token: str, *, in_url: bool) -> GatewayConfig:
    gateway = GatewayConfig.objects.filter(pk=pk, active=True).first()
    if gateway is None or not token:
        raise Http404
    if not hmac.compare_digest(token.encode(), gateway.hook_token.encode()):
        raise Http404
    if in_url and not services.token_may_be_in_url(gateway):
        raise Http404  # this provider sends the token in a header: an address with it is not believed
    return gateway


def _params(request) -> dict:
    params = {k: v for k, v in request.GET.items()}
    if request.method == "POST":
        if request.content_type == "application/json":
            import json

            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = {"_unreadable": request.body[:500].decode("utf-8", "replace")}
            if isinstance(body, dict):
                params.update(body)
            else:
                params["_body"] = body
        else:
            params.update({k: v for k, v in request.POST.items()})
    return params


def _report(request, gateway):
    services.report_receive(gateway=gateway, params=_params(request))
    return HttpResponse("OK", content_type="text/plain")


def _incoming(request, gateway):
    services.inbound_receive(gateway=gateway, params=_params(request))
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
def hook_report(request, pk):
    return _report(request, _gateway_from_hook(pk, _token_from_headers(request), in_url=False))


@csrf_exempt
def hook_incoming(request, pk):
    return _incoming(request, _gateway_from_hook(pk, _token_from_headers(request), in_url=False))


@csrf_exempt
def hook_report_url(request, pk, token):
    return _report(request, _gateway_from_hook(pk, token, in_url=True))


@csrf_exempt
def hook_incoming_url(request, pk, token):
    return _incoming(request, _gateway_from_hook(pk, token, in_url=True))
