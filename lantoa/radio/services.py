"""Writes to the commune radio log: record or correct a broadcast, delete one. Each write is audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, diff, snapshot
from lantoa.core.text import format_date, nfc, search_key
from lantoa.geo.models import Area
from lantoa.orgs.access import scope_for, user_unit
from lantoa.radio.models import DUPLICATE_MESSAGE, MAX_DURATION, Broadcast


def _state(broadcast: Broadcast | None, topics=None) -> dict:
    """The audited state: the fields, and the topics by name (a many-to-many the snapshot leaves out)."""
    if broadcast is None:
        return {}
    data = snapshot(broadcast)
    names = [t.name for t in (topics if topics is not None else broadcast.topics.all())]
    data["topics"] = "; ".join(sorted(names))
    return data


def _in_force_error(area: Area, day) -> str | None:
    if area.valid_to is not None and day > area.valid_to:
        return _("%(area)s no longer existed on %(date)s: it ended on %(end)s.") % {
            "area": area.name,
            "date": format_date(day),
            "end": format_date(area.valid_to),
        }
    if area.valid_from is not None and day < area.valid_from:
        return _("%(area)s did not exist yet on %(date)s: it started on %(start)s.") % {
            "area": area.name,
            "date": format_date(day),
            "start": format_date(area.valid_from),
        }
    return None


def _check_writer(actor, *areas: Area | None, unit=None) -> dict:
    """Errors when `actor` may not write for these areas or this unit (nothing for the system)."""
    if actor is None:
        return {}
    if has_role(actor, READ_ONLY) or scope_for(actor).is_empty:
        return {"__all__": [_("Your account may only read the radio log.")]}
    scope = scope_for(actor)
    if scope.sees_all:
        return {}
    errors = {}
    if any(a is not None and a.id not in scope.area_ids for a in areas):
        errors["commune"] = [_("You may only record broadcasts for the communes of your unit.")]
    if unit is not None and unit.id not in scope.unit_ids:
        errors["unit"] = [_("You may only record broadcasts of your own unit or the units under it.")]
    return errors


@transaction.atomic
def broadcast_save(*, actor, broadcast: Broadcast, topics=None, content_used=None) -> Broadcast:
    """Record a broadcast, or save a correction to one.

    `topics` replaces the broadcast's topics (None keeps them). `broadcast.voluntary_bhxh = None` means
    "not said": it is then ticked when one of the topics is about voluntary BHXH. The unit defaults to
    the actor's unit.
    """
    creating = broadcast._state.adding or broadcast.pk is None
    old = None if creating else Broadcast.objects.select_related("commune").filter(pk=broadcast.pk).first()
    creating = old is None
    topics = list(topics) if topics is not None else (list(old.topics.all()) if old else [])
    before = _state(old)

    broadcast.title = " ".join(nfc(broadcast.title).split())
    broadcast.note = nfc(broadcast.note)
    if broadcast.voluntary_bhxh is None:
        broadcast.voluntary_bhxh = any(t.voluntary_bhxh for t in topics)
    if broadcast.unit_id is None and actor is not None:
        unit = user_unit(actor)
        if unit is not None:
            broadcast.unit = unit

    errors: dict[str, list] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    commune = broadcast.commune if broadcast.commune_id else None
    unit = broadcast.unit if broadcast.unit_id else None
    day = broadcast.aired_on
    if not broadcast.title:
        add("title", _("Enter what was broadcast."))
    if commune is None:
        add("commune", _("Choose the commune (or hamlet) where it was broadcast."))
    elif commune.level not in (Area.Level.COMMUNE, Area.Level.HAMLET):
        add("commune", _("Choose a commune, ward or hamlet, not a district or province."))
    if unit is None:
        add("unit", _("Choose the unit that broadcast."))
    if day is None:
        add("aired_on", _("Enter the date of the broadcast."))
    elif day > clock.today():
        add("aired_on", _("The date %(date)s is in the future.") % {"date": format_date(day)})
    elif early := clock.too_early(day):
        add("aired_on", early)
    if day is not None and commune is not None and "commune" not in errors:
        chain = [commune, commune.parent] if commune.level == Area.Level.HAMLET and commune.parent_id else [commune]
        for area in chain:
            message = _in_force_error(area, day)
            if message:
                add("commune", message)
                break
    if day is not None and unit is not None and not unit.is_valid_on(day):
        add("unit", _("%(unit)s was not active on %(date)s.") % {"unit": unit.name, "date": format_date(day)})
    if broadcast.duration_minutes is None or not 1 <= broadcast.duration_minutes <= MAX_DURATION:
        add("duration_minutes", _("The duration must be between 1 and 240 minutes."))
    for name, messages in _check_writer(actor, commune, old.commune if old else None, unit=unit).items():
        errors.setdefault(name, []).extend(messages)
    if not errors and _duplicate(broadcast).exists():
        add("title", str(DUPLICATE_MESSAGE))
    if errors:
        raise ValidationError(errors)

    broadcast.search_key = search_key(f"{broadcast.title} {broadcast.note} {commune.name}")[:600]
    if creating and actor is not None and getattr(actor, "is_authenticated", False):
        broadcast.created_by = actor
    broadcast.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            broadcast.save()
    except IntegrityError:
        # The same form sent twice at the same moment: the second one meets the unique index.
        raise ValidationError({"title": [str(DUPLICATE_MESSAGE)]}) from None
    broadcast.topics.set(topics)
    if content_used is not None:  # the library items aired (None keeps them)
        broadcast.content_used.set(content_used)
    after = _state(broadcast, topics)
    if creating:
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=broadcast, after=after, verb="broadcast_save")
    elif diff(before, after):
        audit_log(
            actor=actor, action=AuditLog.Action.UPDATE, obj=broadcast, before=before, after=after, verb="broadcast_save"
        )
    return broadcast


def _duplicate(broadcast: Broadcast):
    qs = Broadcast.objects.filter(
        commune_id=broadcast.commune_id,
        aired_on=broadcast.aired_on,
        aired_at=broadcast.aired_at,  # None becomes `IS NULL`
        title=broadcast.title,
    )
    return qs.exclude(pk=broadcast.pk) if broadcast.pk else qs


@transaction.atomic
def broadcast_delete(*, actor, broadcast: Broadcast) -> None:
    errors = _check_writer(actor, broadcast.commune)
    if errors:
        raise ValidationError(errors)
    audit_log(
        actor=actor, action=AuditLog.Action.DELETE, obj=broadcast, before=_state(broadcast), verb="broadcast_delete"
    )
    broadcast.delete()
