"""Writing messaging records: templates, broadcasts and their lifecycle, opt-outs, delivery reports and
replies. Sending itself (fan-out and dispatch) is in `dispatch.py`; every change of a broadcast's
status is one conditional update, so two people or two workers can never both make it."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.roles import MESSAGE_SENDERS, READ_ONLY, Role, has_role
from lantoa.audience.models import Person
from lantoa.audience.services import check_may_write, consent_record, reach_add_for_message
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, save_with_audit, snapshot
from lantoa.core.text import PhoneError, nfc, normalize_phone, search_key
from lantoa.messaging import text as mtext
from lantoa.messaging.gateways import REGISTRY, DeliveryStatus, gateway_class
from lantoa.messaging.models import (
    Broadcast,
    GatewayConfig,
    Inbound,
    Message,
    OptOut,
    Policy,
    Reminder,
    ReportLog,
    Template,
)

logger = logging.getLogger(__name__)

# Who may take a number off the national Do-Not-Call list here (it comes back with the next import anyway).
DNC_EDITORS = {Role.COORDINATOR, Role.ADMIN}

# Replies that mean "stop" (compared without accents, case or punctuation): "TC" (từ chối), "HUY", "STOP".
OPT_OUT_WORDS = {"TC", "TU CHOI", "HUY", "STOP", "DUNG", "HUY DK", "KHONG NHAN"}


def check_may_send(actor, unit_id: int) -> None:
    if not has_role(actor, MESSAGE_SENDERS):
        raise ValidationError(_("Your role may not send messages."))
    check_may_write(actor, unit_id=unit_id, area_id=None)


# --- rules -------------------------------------------------------------------------------------------


def policy_on(day: dt.date | None = None) -> Policy:
    """The rules in force on `day`; the built-in defaults (Decree 91/2020) when none is recorded."""
    day = day or clock.today()
    found = (
        Policy.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by(F("valid_from").desc(nulls_last=True), "-pk")
        .first()
    )
    return found or Policy(name="Nghị định 91/2020/NĐ-CP")


def may_send_now(policy: Policy, now: dt.datetime | None = None) -> bool:
    """Inside the sending hours (from ≤ time < until); equal ends mean no quiet hours."""
    if policy.send_from == policy.send_until:
        return True
    local = timezone.localtime(now or timezone.now()).time()
    return policy.send_from <= local < policy.send_until


def next_window(policy: Policy, now: dt.datetime) -> dt.datetime:
    """The first moment at or after `now` inside the sending hours."""
    local = timezone.localtime(now)
    if may_send_now(policy, now):
        return now
    if local.time() < policy.send_from:
        start = local.replace(hour=policy.send_from.hour, minute=policy.send_from.minute, second=0, microsecond=0)
    elif local.time() >= policy.send_until:
        tomorrow = local + dt.timedelta(days=1)
        start = tomorrow.replace(hour=policy.send_from.hour, minute=policy.send_from.minute, second=0, microsecond=0)
    else:
        return now
    return start


def gateway_for(unit, channel: str = "sms") -> GatewayConfig:
    """The unit's own active gateway for the channel, else its parent's, else the default one; the local
    outbox when nothing is configured (created on first use)."""
    kinds = [k for k, cls in REGISTRY.items() if cls.channel == channel]
    seen = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        found = GatewayConfig.objects.filter(unit=unit, active=True, kind__in=kinds).order_by("pk").first()
        if found:
            return found
        unit = unit.parent
    found = GatewayConfig.objects.filter(unit__isnull=True, active=True, kind__in=kinds).order_by("pk").first()
    if found:
        return found
    try:
        with transaction.atomic():
            return GatewayConfig.objects.create(name="Hộp thư đi nội bộ", kind="outbox")
    except IntegrityError:
        return GatewayConfig.objects.get(unit__isnull=True, active=True, kind="outbox")


def token_may_be_in_url(gateway: GatewayConfig) -> bool:
    """Whether a callback may carry the hook token in its address: only for providers that cannot send it
    in a header (eSMS, SpeedSMS, Zalo)."""
    try:
        return not gateway_class(gateway.kind).hook_header
    except ValueError:
        return False


def gateway_save(*, actor, gateway: GatewayConfig) -> GatewayConfig:
    if gateway.kind not in REGISTRY:
        raise ValidationError({"kind": _("Unknown gateway kind “%(kind)s”.") % {"kind": gateway.kind}})
    return save_with_audit(actor=actor, obj=gateway, verb="gateway_save")


# --- templates -----------------------------------------------------------------------------------------


def clean_body(body: str, *, channel: str) -> str:
    body = nfc(body).strip()
    if not body:
        raise ValidationError({"body": _("Write the text of the message.")})
    try:
        mtext.template_fields(body)
    except mtext.TemplateError as exc:
        raise ValidationError({"body": str(exc)}) from None
    if channel == "zalo" and len(body) > 400:
        raise ValidationError({"body": _("A Zalo message may have at most 400 characters.")})
    return body


@transaction.atomic
def template_save(*, actor, template: Template, topics=None) -> Template:
    check_may_send(actor, template.unit_id)
    template.name = nfc(template.name).strip()
    if not template.name:
        raise ValidationError({"name": _("Give the template a name.")})
    template.body = clean_body(template.body, channel=template.channel)
    if template.channel == "zalo" and not template.zns_template_id.strip():
        raise ValidationError({"zns_template_id": _("A Zalo message needs the id of a template approved by Zalo.")})
    if template.pk is None:
        template.created_by = actor if getattr(actor, "is_authenticated", False) else None
    template = save_with_audit(actor=actor, obj=template, verb="template_save")
    if topics is not None:
        template.topics.set(topics)
    return template


# --- broadcasts ----------------------------------------------------------------------------------------


@transaction.atomic
def broadcast_save(*, actor, broadcast: Broadcast) -> Broadcast:
    """Create or edit a draft."""
    check_may_send(actor, broadcast.unit_id)
    if broadcast.pk and Broadcast.objects.filter(pk=broadcast.pk).exclude(status=Broadcast.Status.DRAFT).exists():
        raise ValidationError(_("Only a draft can be changed."))
    broadcast.title = nfc(broadcast.title).strip()
    if not broadcast.title:
        raise ValidationError({"title": _("Give the broadcast a title.")})
    if broadcast.scheduled_at and broadcast.scheduled_at < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationError({"scheduled_at": _("The sending time has already passed.")})
    broadcast.channel = broadcast.template.channel
    broadcast.accent_free = broadcast.template.accent_free
    broadcast.body = broadcast.template.body
    if broadcast.pk is None:
        broadcast.created_by = actor if getattr(actor, "is_authenticated", False) else None
    return save_with_audit(actor=actor, obj=broadcast, verb="sms_broadcast_save")


def _transition(broadcast: Broadcast, old, new: str, **fields) -> bool:
    olds = old if isinstance(old, list | tuple | set) else [old]
    changed = Broadcast.objects.filter(pk=broadcast.pk, status__in=olds).update(status=new, **fields)
    if changed:
        broadcast.status = new
        for k, v in fields.items():
            setattr(broadcast, k, v)
    return bool(changed)


def broadcast_approve(*, actor, broadcast: Broadcast) -> Broadcast:
    """Approve a draft; above the policy's threshold of recipients the approver must not be the author."""
    from lantoa.messaging.selectors import audience

    check_may_send(actor, broadcast.unit_id)
    policy = policy_on()
    counts = audience(broadcast, policy=policy)
    recipients = counts.recipients
    if recipients > policy.approval_threshold and broadcast.created_by_id == getattr(actor, "pk", None):
        raise ValidationError(
            _("A broadcast to more than %(n)s people must be approved by someone other than its author.")
            % {"n": policy.approval_threshold}
        )
    if recipients == 0:
        raise ValidationError(_("Nobody would receive this broadcast: check the recipients and the rules."))
    with transaction.atomic():
        if not _transition(
            broadcast,
            Broadcast.Status.DRAFT,
            Broadcast.Status.APPROVED,
            approved_by=actor,
            approved_at=timezone.now(),
            excluded=counts.as_dict(),
        ):
            raise ValidationError(_("This broadcast is no longer a draft."))
        audit_log(
            actor=actor,
            action=AuditLog.Action.ACTION,
            obj=broadcast,
            after={"status": "approved", "recipients": recipients},
            before={"status": "draft"},
            verb="sms_broadcast_approve",
        )
    from lantoa.messaging import tasks

    if broadcast.scheduled_at is None or broadcast.scheduled_at <= timezone.now():
        transaction.on_commit(lambda: tasks.fanout.enqueue(broadcast_id=broadcast.pk))
    return broadcast


def broadcast_cancel(*, actor, broadcast: Broadcast) -> int:
    """Stop a broadcast: what is still queued is cancelled, what went out stays. Returns messages cancelled."""
    check_may_send(actor, broadcast.unit_id)
    with transaction.atomic():
        old = broadcast.status
        if not _transition(
            broadcast,
            [Broadcast.Status.DRAFT, Broadcast.Status.APPROVED, Broadcast.Status.SENDING],
            Broadcast.Status.CANCELLED,
            cancelled_by=actor,
            finished_at=timezone.now(),
        ):
            raise ValidationError(_("This broadcast has already finished."))
        cancelled = Message.objects.filter(broadcast=broadcast, status=Message.Status.QUEUED).update(
            status=Message.Status.CANCELLED, reason="broadcast cancelled", finished_at=timezone.now()
        )
        audit_log(
            actor=actor,
            action=AuditLog.Action.ACTION,
            obj=broadcast,
            before={"status": old},
            after={"status": "cancelled", "messages_cancelled": cancelled},
            verb="sms_broadcast_cancel",
        )
    return cancelled


# --- opt-outs ------------------------------------------------------------------------------------------


def is_opt_out(text: str) -> bool:
    words = " ".join(search_key(text).upper().replace(".", " ").replace("!", " ").split())
    return words in OPT_OUT_WORDS


def _cancel_queued_to(phone: str, reason: str) -> int:
    return Message.objects.filter(phone=phone, status=Message.Status.QUEUED).update(
        status=Message.Status.CANCELLED, reason=reason, finished_at=timezone.now()
    )


def _actor_unit(actor):
    from lantoa.orgs.access import user_unit

    return user_unit(actor) if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def optout_add(*, actor, phone: str, source: str, note: str = "", withdraw_consent: bool = True, unit=None) -> OptOut:
    """Stop messages to a number at once, on every channel: the opt-out, queued messages cancelled, and a
    consent withdrawal for each person with that number. Adding it twice keeps the first. `unit`: who
    recorded it (the actor's unit when not given)."""
    try:
        phone = normalize_phone(phone)
    except PhoneError as exc:
        raise ValidationError({"phone": str(exc)}) from None
    optout, created = OptOut.objects.get_or_create(
        phone=phone,
        defaults={
            "source": source,
            "note": nfc(note)[:300],
            "unit": unit if unit is not None else _actor_unit(actor),
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    if created:
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=optout, verb="optout_add", note=note)
    _cancel_queued_to(phone, "opted out")
    if withdraw_consent:
        how = nfc(note) or _("opt-out")
        for person in Person.objects.filter(Q(phone=phone) | Q(phone2=phone), consent=True, anonymised_at__isnull=True):
            consent_record(actor=actor, person=person, given=False, how=how)
    return optout


def may_remove_optout(actor, optout: OptOut) -> bool:
    """Taking a number off the list lets messages reach it again, so only: a sender (never the read-only
    leader) who may read the opt-out (`selectors.optout_list`) and see its number in full — they must check
    that the request comes from the number's owner; a Do-Not-Call entry only the coordinator or an
    administrator."""
    from lantoa.messaging import selectors

    if not has_role(actor, MESSAGE_SENDERS) or has_role(actor, READ_ONLY):
        return False
    if optout.source == OptOut.Source.DNC and not has_role(actor, DNC_EDITORS):
        return False
    if not selectors.optout_list(user=actor).filter(pk=optout.pk).exists():
        return False
    return selectors.may_see_number(actor, optout.phone, optout.unit_id)


@transaction.atomic
def optout_remove(*, actor, optout: OptOut, reason: str) -> None:
    """Only on the person's own new request, stated in `reason`; never by an import or a sync; only by
    whom `may_remove_optout` allows. Audited with the number, the reason and who removed it."""
    if not may_remove_optout(actor, optout):
        raise ValidationError(_("Your role may not take this number off the opt-out list."))
    reason = nfc(reason).strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why the number may get messages again (the person's new request).")})
    audit_log(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=optout,
        before=snapshot(optout),
        verb="optout_remove",
        note=reason,
    )
    optout.delete()


# --- delivery reports and replies -----------------------------------------------------------------------

_RANK = {
    Message.Status.QUEUED: 0,
    Message.Status.SENDING: 1,
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.FAILED: 3,
    Message.Status.CANCELLED: 3,
}


def report_receive(*, gateway: GatewayConfig, params: dict) -> list[ReportLog]:
    """Apply the delivery reports of one callback to `gateway`'s hook. Every report is logged, including
    duplicates, late ones and those for messages we do not know; a report never moves a message backwards,
    and it only ever names a message that went out through this gateway (another gateway's token cannot
    touch it)."""
    kind = gateway.kind
    adapter = gateway_class(kind)()
    logs = []
    try:
        reports = adapter.parse_report(params)
    except Exception:  # a provider's garbage must not become a 500 it retries forever: log it
        logger.warning("unreadable %s delivery report: %r", kind, params, exc_info=True)
        reports = []
    for report in reports:
        logs.append(_apply_report(gateway, report, params))
    if not logs:
        logs.append(
            ReportLog.objects.create(
                gateway=gateway,
                gateway_kind=kind,
                status="?",
                outcome=ReportLog.Outcome.UNKNOWN,
                raw=params,
                reason="unreadable",
            )
        )
    return logs


@transaction.atomic
def _apply_report(gateway: GatewayConfig, report, raw) -> ReportLog:
    qs = Message.objects.select_for_update().filter(gateway=gateway)
    message = None
    if report.message_id is not None:
        message = qs.filter(pk=report.message_id).first()
    if message is None and report.provider_id:
        message = qs.filter(provider_id=report.provider_id).first()
    status = {
        DeliveryStatus.SENT: Message.Status.SENT,
        DeliveryStatus.DELIVERED: Message.Status.DELIVERED,
        DeliveryStatus.FAILED: Message.Status.FAILED,
    }[report.status]
    log = ReportLog(
        gateway=gateway,
        gateway_kind=gateway.kind,
        status=status,
        reason=report.reason[:300],
        raw=raw,
        message=message,
    )
    if message is None:
        log.outcome = ReportLog.Outcome.UNKNOWN
    elif message.status == status:
        log.outcome = ReportLog.Outcome.DUPLICATE
    elif _RANK[status] <= _RANK[message.status] or message.status == Message.Status.CANCELLED:
        log.outcome = ReportLog.Outcome.STALE
    else:
        log.outcome = ReportLog.Outcome.APPLIED
        now = timezone.now()
        fields = {"status": status, "lease_token": "", "lease_until": None}
        if message.sent_at is None:
            fields["sent_at"] = now
        if status == Message.Status.DELIVERED:
            fields["delivered_at"] = now
        if status in (Message.Status.DELIVERED, Message.Status.FAILED):
            fields["finished_at"] = now
        if status == Message.Status.FAILED:
            fields["reason"] = report.reason[:300] or "failed (provider report)"
        Message.objects.filter(pk=message.pk).update(**fields)
        if status == Message.Status.DELIVERED:
            reach_for_delivered([message.pk])
    log.save()
    return log


def reach_for_delivered(message_ids) -> int:
    """A delivered message reaches its person on its topics (T3/T4 count it like an activity's reach)."""
    rows = list(
        Message.objects.filter(pk__in=list(message_ids), status=Message.Status.DELIVERED).values(
            "pk", "person_id", "delivered_at", "template_id"
        )
    )
    if not rows:
        return 0
    flags = {}
    for template_id in {r["template_id"] for r in rows if r["template_id"]}:
        topics = list(Template.objects.get(pk=template_id).topics.values_list("voluntary_bhxh", "reform_number"))
        flags[template_id] = (any(v for v, _r in topics), any(r for _v, r in topics))
    return reach_add_for_message(
        rows=[
            (
                r["person_id"],
                timezone.localdate(r["delivered_at"] or timezone.now()),
                r["pk"],
                *flags.get(r["template_id"], (False, False)),
            )
            for r in rows
        ]
    )


def _reply_unit(gateway: GatewayConfig, phone: str):
    """The unit a reply answers: the last one that messaged the number through this gateway, else the
    gateway's own unit (empty for the default gateway)."""
    last = Message.objects.filter(gateway=gateway, phone=phone).order_by("-id").select_related("unit").first()
    return last.unit if last is not None else gateway.unit


# Apps that take replies which are not opt-outs (the feedback desk) append a callable here from their
# AppConfig.ready: hook(inbound=..., unit=...). The reply is stored first; a failing hook is logged.
INBOUND_HOOKS: list = []


def inbound_receive(*, gateway: GatewayConfig, params: dict) -> Inbound | None:
    """A reply to `gateway`'s hook: kept; an opt-out word stops messages to the number at once (known to the
    registry or not)."""
    kind = gateway.kind
    adapter = gateway_class(kind)()
    try:
        incoming = adapter.parse_incoming(params)
    except Exception:
        logger.warning("unreadable %s incoming message: %r", kind, params, exc_info=True)
        incoming = None
    if incoming is None:
        Inbound.objects.create(
            gateway=gateway, gateway_kind=kind, phone="", text="", action=Inbound.Action.NONE, raw=params
        )
        return None
    try:
        phone = normalize_phone(incoming.phone)
    except PhoneError:
        phone = incoming.phone[:20]
    people = Person.objects.filter(Q(phone=phone) | Q(phone2=phone), anonymised_at__isnull=True).count()
    text = nfc(incoming.text)
    if is_opt_out(text):
        action = Inbound.Action.OPT_OUT
    else:
        action = Inbound.Action.NONE if people else Inbound.Action.UNKNOWN_NUMBER
    inbound = Inbound.objects.create(
        gateway=gateway, gateway_kind=kind, phone=phone, text=text[:2000], action=action, people=people, raw=params
    )
    if action == Inbound.Action.OPT_OUT and phone.startswith("+"):
        optout_add(
            actor=None,
            phone=phone,
            source=OptOut.Source.REPLY,
            note=f"trả lời “{text[:40]}”",
            unit=_reply_unit(gateway, phone),
        )
    elif text:
        for hook in INBOUND_HOOKS:
            try:
                with transaction.atomic():
                    hook(inbound=inbound, unit=_reply_unit(gateway, phone))
            except Exception:
                logger.exception("inbound hook %r failed for reply %s", hook, inbound.pk)
    return inbound


# --- reminders -----------------------------------------------------------------------------------------


@transaction.atomic
def reminder_save(*, actor, reminder: Reminder) -> Reminder:
    check_may_send(actor, reminder.unit_id)
    reminder.name = nfc(reminder.name).strip()
    if not reminder.name:
        raise ValidationError({"name": _("Give the reminder a name.")})
    if reminder.pk is None:
        reminder.created_by = actor if getattr(actor, "is_authenticated", False) else None
    return save_with_audit(actor=actor, obj=reminder, verb="reminder_save")


def message_cancel_for_person(*, person: Person, reason: str) -> int:
    return Message.objects.filter(person=person, status=Message.Status.QUEUED).update(
        status=Message.Status.CANCELLED, reason=reason, finished_at=timezone.now()
    )


# --- Do-Not-Call list ----------------------------------------------------------------------------------


def optout_import(*, actor, rows: list[list[str]], filename: str) -> int:
    """Add every phone number of a sheet to the opt-out list. A cell with digits that is not a Vietnamese
    number stops the whole import with its row named; cells without digits (headers, names) are skipped.
    Returns how many numbers were new."""
    import re

    if not has_role(actor, MESSAGE_SENDERS):
        raise ValidationError(_("Your role may not change the opt-out list."))
    phones, errors = set(), []
    for index, row in enumerate(rows, start=1):
        for cell in row:
            value = (cell or "").strip()
            if not re.search(r"\d{6,}", value.replace(" ", "").replace(".", "")):
                continue
            try:
                phones.add(normalize_phone(value))
            except PhoneError as exc:
                errors.append(_("Row %(row)s: %(error)s") % {"row": index, "error": exc})
    if errors:
        raise ValidationError(errors[:50])
    if not phones:
        raise ValidationError(_("No phone number was found in the file."))
    with transaction.atomic():
        existing = set(OptOut.objects.filter(phone__in=phones).values_list("phone", flat=True))
        new = sorted(phones - existing)
        user = actor if getattr(actor, "is_authenticated", False) else None
        unit = _actor_unit(actor)
        OptOut.objects.bulk_create(
            [
                OptOut(phone=p, source=OptOut.Source.DNC, note=nfc(filename)[:300], created_by=user, unit=unit)
                for p in new
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        Message.objects.filter(phone__in=phones, status=Message.Status.QUEUED).update(
            status=Message.Status.CANCELLED, reason="Do-Not-Call list", finished_at=timezone.now()
        )
        audit_log(
            actor=actor,
            action=AuditLog.Action.ACTION,
            obj=OptOut(phone=f"{len(new)} numbers"),
            after={"file": filename, "numbers": len(phones), "new": len(new)},
            verb="optout_import",
        )
    return len(new)
