"""Writes to the feedback desk: intake from every channel, triage, routing and the lifecycle. Each write is
audited; each status change is one conditional update, so two officers can never both make it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.core import clock
from lantoa.core.models import AuditLog, valid_on
from lantoa.core.services import audit_log, snapshot
from lantoa.core.text import PhoneError, format_date, nfc, normalize_phone, search_key
from lantoa.feedback import clocks
from lantoa.feedback.models import MAX_TEXT, Attachment, Event, IntakeChannel, Item, Kind, Status
from lantoa.geo.models import Area
from lantoa.geo.selectors import rollup
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit

MAX_ATTACHMENT = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "audio/mpeg",
    "audio/mp4",
}


def _commune_of(area: Area | None) -> Area | None:
    if area is None:
        return None
    return area.parent if area.level == Area.Level.HAMLET and area.parent_id else area


def default_unit(area: Area | None, day: dt.date | None = None) -> Unit | None:
    """Who answers an item from `area` when nobody said: the commune's People's Committee in force (the one
    that absorbed the commune when it has been merged since)."""
    if area is None:
        return None
    day = day or clock.today()
    commune = rollup(area, day) or _commune_of(area)
    units = Unit.objects.filter(valid_on(day), area=commune)
    return units.filter(kind=Unit.Kind.COMMUNE_COMMITTEE).order_by("pk").first() or units.order_by("pk").first()


def _check_writer(actor, unit: Unit | None, area: Area | None) -> dict:
    """Errors when `actor` may not record items for this unit or area (none for the public and the system)."""
    if actor is None:
        return {}
    if has_role(actor, READ_ONLY) or scope_for(actor).is_empty:
        return {"__all__": [_("Your account may only read the feedback desk.")]}
    scope = scope_for(actor)
    if scope.sees_all:
        return {}
    if unit is not None and unit.id in scope.unit_ids:
        return {}
    if area is not None and area.id in scope.area_ids and unit is None:
        return {}
    if unit is not None:
        return {"unit": [_("You may only record items for your own unit or the units under it.")]}
    return {"area": [_("You may only record items from the communes of your unit.")]}


def item_state(item: Item) -> dict:
    data = snapshot(item)
    data.pop("search_key", None)
    return data


def _apply_clock(item: Item, start: dt.date) -> None:
    found = clocks.clock_for(
        item.kind, start, is_complex=item.is_complex, is_remote=item.is_remote, extensions=item.extensions
    )
    item.clock_rule = found.rule
    item.clock_start = start
    item.accept_due = found.accept_due
    item.due_on = found.due_on


def _clean_attachment(upload) -> str | None:
    if upload.size > MAX_ATTACHMENT:
        return _("%(name)s is larger than 10 MB.") % {"name": upload.name}
    if getattr(upload, "content_type", "") not in ATTACHMENT_TYPES:
        return _("%(name)s: only photos (JPEG, PNG, WebP), PDF, DOCX or audio files may be attached.") % {
            "name": upload.name
        }
    return None


@transaction.atomic
def feedback_intake_create(
    *,
    actor,
    channel: str,
    text: str,
    kind: str = Kind.QUESTION,
    area: Area | None = None,
    unit: Unit | None = None,
    topic=None,
    person=None,
    anonymous: bool = False,
    asker_name: str = "",
    asker_phone: str = "",
    activity=None,
    received_on: dt.date | None = None,
    attachments=(),
    source_ref: str = "",
    is_complex: bool = False,
    is_remote: bool = False,
    source: str = "app",
) -> Item:
    """Receive one item from any channel and start its legal clock.

    `actor` is the officer who typed it, or None for the public form and incoming messages. The unit that
    must answer defaults to the commune's People's Committee of `area`. The asker may stay anonymous (then no
    name, phone or registry link is kept); `person` links a registry person, whose phone is used when no
    phone is given. Raises ValidationError naming the fields; nothing is saved then.
    """
    errors: dict[str, list] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    text = nfc(text)
    asker_name = " ".join(nfc(asker_name).split())
    if not text:
        add("text", _("Enter the content of the question or petition."))
    elif len(text) > MAX_TEXT:
        add(
            "text",
            _("The content has %(count)s characters; at most %(max)s are allowed. Attach a longer text as a file.")
            % {"count": f"{len(text):,}".replace(",", "."), "max": f"{MAX_TEXT:,}".replace(",", ".")},
        )
    if channel not in IntakeChannel.values:
        add("channel", _("Choose how the item was received."))
    if kind not in Kind.values:
        add("kind", _("Choose the kind of item."))
    day = received_on or clock.today()
    if day > clock.today():
        add("received_on", _("The date %(date)s is in the future.") % {"date": format_date(day)})
    elif early := clock.too_early(day):
        add("received_on", early)
    if area is not None and area.level not in (Area.Level.COMMUNE, Area.Level.HAMLET):
        add("area", _("Choose a commune, ward or hamlet, not a district or province."))
    phone = ""
    if anonymous:
        person, asker_name = None, ""
    else:
        raw_phone = nfc(asker_phone)
        if raw_phone:
            try:
                phone = normalize_phone(raw_phone)
            except PhoneError as exc:
                add("asker_phone", str(exc))
        elif person is not None:
            phone = person.phone
        if person is not None and not asker_name:
            asker_name = person.full_name
    if kind == Kind.DENUNCIATION and anonymous:
        # Law on Denunciations 2018 Art. 25: an unnamed denunciation is not handled as a denunciation.
        add("anonymous", _("A denunciation must name the person denouncing; record an anonymous one as a report."))
    for upload in attachments:
        if message := _clean_attachment(upload):
            add("attachments", message)
    if unit is None:
        unit = default_unit(area, day)
    for name, messages in _check_writer(actor, unit, area).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    user = actor if getattr(actor, "is_authenticated", False) else None
    item = Item(
        kind=kind,
        channel=channel,
        person=person,
        anonymous=anonymous,
        asker_name=asker_name[:150],
        asker_phone=phone,
        area=area,
        unit=unit,
        topic=topic,
        text=text,
        activity=activity,
        source_ref=source_ref[:120],
        received_on=day,
        is_complex=is_complex,
        is_remote=is_remote,
        created_by=user,
        handler=user if kind == Kind.DENUNCIATION else None,
    )
    _apply_clock(item, day)
    item.search_key = search_key(f"{item.code} {text[:300]} {asker_name}")[:400]
    while Item.objects.filter(code=item.code).exists():  # 32^8 codes: a clash is rare, never fatal
        item.code = Item._meta.get_field("code").default()
    item.save()
    for upload in attachments:
        Attachment.objects.create(
            item=item,
            file=upload,
            original_name=upload.name[:255],
            content_type=getattr(upload, "content_type", "")[:100],
            size=upload.size,
            uploaded_by=user,
        )
    Event.objects.create(item=item, actor=user, to_status=Status.NEW, to_unit=unit)
    audit_log(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=item,
        after=item_state(item),
        verb="feedback_intake_create",
        source=source,
    )
    return item


def item_lookup(*, code: str, phone: str) -> Item | None:
    """The public status page: the item with this tracking code whose asker gave this phone (None otherwise,
    the same for a wrong code and a wrong phone)."""
    code = nfc(code).upper().replace(" ", "")
    try:
        phone = normalize_phone(phone)
    except PhoneError:
        return None
    return (
        Item.objects.filter(code=code, anonymous=False)
        .filter(Q(asker_phone=phone) | Q(person__phone=phone))
        .select_related("unit")
        .first()
    )


# --- lifecycle ----------------------------------------------------------------------------------------

# Which move is allowed from where (see `models.Status`). A transfer puts the item in TRANSFERRED at the
# new unit, which then accepts, refuses or transfers it on.
TRANSITIONS = {
    Status.NEW: {Status.ACCEPTED, Status.TRANSFERRED, Status.REFUSED, Status.IN_PROGRESS, Status.ANSWERED},
    Status.TRANSFERRED: {Status.ACCEPTED, Status.TRANSFERRED, Status.REFUSED, Status.IN_PROGRESS, Status.ANSWERED},
    Status.ACCEPTED: {Status.IN_PROGRESS, Status.TRANSFERRED, Status.ANSWERED},
    Status.IN_PROGRESS: {Status.ANSWERED, Status.TRANSFERRED},
    Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.REFUSED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
}
# A loop of transfers (A → B → A …) is stopped: after this many the coordinator has to decide.
MAX_TRANSFERS = 3


def may_handle(user, item: Item) -> bool:
    """The responsible unit's officers (and roles that see everything) move an item; read-only roles never."""
    if user is None or has_role(user, READ_ONLY):
        return False
    scope = scope_for(user)
    if scope.is_empty:
        return False
    return scope.sees_all or (item.unit_id is not None and item.unit_id in scope.unit_ids)


def _move(*, actor, item: Item, to: str, note: str = "", verb: str = "feedback_transition", **fields) -> Item:
    """One conditional update from the status read to `to`; a concurrent move makes this one fail."""
    if not may_handle(actor, item):
        raise ValidationError({"__all__": [_("Only the responsible unit may handle this item.")]})
    old = item.status
    if to not in TRANSITIONS.get(old, set()):
        raise ValidationError(
            {
                "__all__": [
                    _("An item that is “%(old)s” cannot become “%(new)s”.")
                    % {"old": Status(old).label, "new": Status(to).label}
                ]
            }
        )
    before = item_state(item)
    from_unit = item.unit
    changed = Item.objects.filter(pk=item.pk, status=old).update(status=to, **fields)
    if not changed:
        raise ValidationError({"__all__": [_("Someone else changed this item in the meantime; reload the page.")]})
    item.refresh_from_db()
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = Event.objects.create(
        item=item, actor=user, from_status=old, to_status=to, from_unit=from_unit, to_unit=item.unit, note=note
    )
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=item,
        before=before,
        after=item_state(item),
        verb=verb,
        note=note[:500],
    )
    item._event = event
    return item


@transaction.atomic
def feedback_accept(*, actor, item: Item, is_complex: bool | None = None, is_remote: bool | None = None) -> Item:
    """The unit takes the item on. For a complaint its decision period now depends on complexity and place."""
    fields = {"handler": actor if getattr(actor, "is_authenticated", False) else None}
    if is_complex is not None or is_remote is not None:
        item.is_complex = item.is_complex if is_complex is None else is_complex
        item.is_remote = item.is_remote if is_remote is None else is_remote
        _apply_clock(item, item.clock_start or item.received_on)
        fields |= {"is_complex": item.is_complex, "is_remote": item.is_remote, "due_on": item.due_on}
    return _move(actor=actor, item=item, to=Status.ACCEPTED, **fields)


@transaction.atomic
def feedback_start(*, actor, item: Item, note: str = "") -> Item:
    return _move(actor=actor, item=item, to=Status.IN_PROGRESS, note=nfc(note))


@transaction.atomic
def feedback_transfer(*, actor, item: Item, to_unit: Unit, reason: str) -> Item:
    """Send the item on to the competent unit, with a reason; the asker is told by SMS/Zalo when possible.
    The clock keeps running from the day the item was received (transferring does not buy time)."""
    reason = nfc(reason)
    errors = {}
    if not reason:
        errors["reason"] = [_("Say why the item goes to another unit.")]
    if to_unit is None:
        errors["to_unit"] = [_("Choose the unit it goes to.")]
    elif to_unit.pk == item.unit_id:
        errors["to_unit"] = [_("The item is already with this unit.")]
    elif not to_unit.is_valid_on(clock.today()):
        errors["to_unit"] = [_("%(unit)s is no longer active.") % {"unit": to_unit.name}]
    else:
        transfers = Event.objects.filter(item=item, to_status=Status.TRANSFERRED).count()
        been_there = Event.objects.filter(item=item).filter(Q(to_unit=to_unit) | Q(from_unit=to_unit)).exists()
        if transfers >= MAX_TRANSFERS or (been_there and not has_role(actor, {"coordinator", "admin"})):
            errors["to_unit"] = [
                _(
                    "This item has already been with %(unit)s or has been transferred %(count)s times: "
                    "ask the coordinator to decide who answers it."
                )
                % {"unit": to_unit.name, "count": transfers}
            ]
    if errors:
        raise ValidationError(errors)
    item = _move(actor=actor, item=item, to=Status.TRANSFERRED, note=reason, unit=to_unit, handler=None)
    _notify(
        item,
        item._event,
        _("Your request %(code)s has been transferred to %(unit)s, which will answer you.")
        % {"code": item.code, "unit": to_unit.name},
    )
    return item


@transaction.atomic
def feedback_refuse(*, actor, item: Item, reason: str) -> Item:
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": [_("Give the legal reason for not accepting the item.")]})
    item = _move(actor=actor, item=item, to=Status.REFUSED, note=reason)
    _notify(
        item,
        item._event,
        _("Your request %(code)s was not accepted: %(reason)s") % {"code": item.code, "reason": reason},
    )
    return item


@transaction.atomic
def feedback_answer(*, actor, item: Item, answer: str, send: bool = True) -> Item:
    """Record the answer and send it back to the asker on their channel (through the messaging rules)."""
    answer = nfc(answer)
    if not answer:
        raise ValidationError({"answer": [_("Write the answer.")]})
    if len(answer) > MAX_TEXT:
        raise ValidationError({"answer": [_("The answer is too long; attach it as a reply letter.")]})
    fields = {"answer": answer, "answered_on": clock.today()}
    if item.first_answer_at is None:
        fields["first_answer_at"] = timezone.now()
    item = _move(actor=actor, item=item, to=Status.ANSWERED, **fields)
    if send:
        _notify(item, item._event, _("Answer to %(code)s: %(answer)s") % {"code": item.code, "answer": answer})
    return item


@transaction.atomic
def feedback_close(*, actor, item: Item, note: str = "") -> Item:
    return _move(actor=actor, item=item, to=Status.CLOSED, note=nfc(note))


@transaction.atomic
def feedback_reopen(*, actor, item: Item, reason: str) -> Item:
    """Back to IN_PROGRESS with a new clock from today (the rule in force today), also after the old one ended."""
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": [_("Say why the item is reopened.")]})
    _apply_clock(item, clock.today())
    return _move(
        actor=actor,
        item=item,
        to=Status.IN_PROGRESS,
        note=reason,
        clock_rule=item.clock_rule,
        clock_start=item.clock_start,
        accept_due=item.accept_due,
        due_on=item.due_on,
        reminded_on=None,
    )


@transaction.atomic
def feedback_extend(*, actor, item: Item, reason: str) -> Item:
    """Extend a denunciation's period (at most the rule's number of times, each with a written reason)."""
    reason = nfc(reason)
    rule = item.clock_rule
    if not may_handle(actor, item):
        raise ValidationError({"__all__": [_("Only the responsible unit may handle this item.")]})
    if rule is None or item.extensions >= rule.max_extensions:
        raise ValidationError({"__all__": [_("The time limit of this item may not be extended (any more).")]})
    if not reason:
        raise ValidationError({"reason": [_("An extension needs a written reason.")]})
    if not item.is_open:
        raise ValidationError({"__all__": [_("Only an open item may be extended.")]})
    before = item_state(item)
    item.due_on = clocks.add_days(item.due_on, rule.extension_days, rule.day_count)
    item.extensions += 1
    Item.objects.filter(pk=item.pk).update(due_on=item.due_on, extensions=item.extensions, reminded_on=None)
    Event.objects.create(
        item=item,
        actor=actor,
        note=_("Extended to %(date)s: %(reason)s") % {"date": format_date(item.due_on), "reason": reason},
    )
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=item,
        before=before,
        after=item_state(item),
        verb="feedback_extend",
        note=reason[:500],
    )
    return item


@transaction.atomic
def feedback_apologise(*, actor, item: Item, new_date: dt.date, reason: str = "") -> Item:
    """A late answer: tell the asker, with the new date (one-stop-shop rules, Decree 118/2025)."""
    if not may_handle(actor, item):
        raise ValidationError({"__all__": [_("Only the responsible unit may handle this item.")]})
    if new_date is None or new_date <= clock.today():
        raise ValidationError({"new_date": [_("The new date must be after today.")]})
    before = item_state(item)
    Item.objects.filter(pk=item.pk).update(due_on=new_date)
    item.due_on = new_date
    event = Event.objects.create(
        item=item,
        actor=actor,
        note=_("Apology sent, new date %(date)s. %(reason)s") % {"date": format_date(new_date), "reason": nfc(reason)},
    )
    _notify(
        item,
        event,
        _("We apologise: the answer to %(code)s is late. You will have it by %(date)s.")
        % {"code": item.code, "date": format_date(new_date)},
    )
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=item,
        before=before,
        after=item_state(item),
        verb="feedback_apologise",
        note=nfc(reason)[:500],
    )
    return item


def feedback_identity_read(*, actor, item: Item) -> bool:
    """Whether `actor` may see a denouncer's name and phone; every read (allowed or not) is audited."""
    allowed = item.kind != Kind.DENUNCIATION or (actor is not None and item.handler_id == actor.pk)
    audit_log(
        actor=actor,
        action=AuditLog.Action.ACTION,
        obj=item,
        before={},
        after={},
        verb="feedback_read_identity",
        note="allowed" if allowed else "refused",
    )
    return allowed


# --- answering back ------------------------------------------------------------------------------------


def _notify(item: Item, event: Event, text: str):
    """Queue one SMS (or Zalo) to the asker through the messaging app's rules: a registry person with a mobile
    number, consent and no opt-out. Quiet hours and the daily cap are applied by the dispatcher. Returns the
    message, or None (the officer then answers by phone or letter; the timeline says so)."""
    from lantoa.feedback import answering

    message = answering.queue_reply(item, event, text)
    if message is not None:
        Event.objects.filter(pk=event.pk).update(message=message)
        event.message = message
    return message


def feedback_from_inbound(*, inbound, unit=None) -> Item:
    """An SMS/Zalo reply that is not an opt-out becomes a question at the unit it answered (messaging hook).
    A number of the registry links the person and their commune; an unknown number is kept as given."""
    from lantoa.audience.models import Person
    from lantoa.messaging.gateways import gateway_class

    try:
        channel = IntakeChannel.ZALO if gateway_class(inbound.gateway_kind).channel == "zalo" else IntakeChannel.SMS
    except ValueError:
        channel = IntakeChannel.SMS
    people = list(
        Person.objects.filter(Q(phone=inbound.phone) | Q(phone2=inbound.phone), anonymised_at__isnull=True)
        .select_related("area", "unit")
        .order_by("pk")[:2]
    )
    person = people[0] if len(people) == 1 else None
    phone = inbound.phone if inbound.phone.startswith("+") else ""
    text = inbound.text or ""
    return feedback_intake_create(
        actor=None,
        channel=channel,
        text=text[:MAX_TEXT],
        area=person.area if person else None,
        unit=unit or (person.unit if person else None),
        person=person,
        asker_phone=phone,
        asker_name="" if person else inbound.phone,
        source_ref=f"inbound:{inbound.pk}",
        source="gateway",
    )
