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


def now() -> dt.datetime:
    return timezone.now()
