"""Writes to units and memberships: create, edit, rename, merge and close with dates; staff accounts."""

import datetime as dt
import json
import logging
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lantoa.accounts.roles import Role
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, save_with_audit, snapshot, update_with_audit
from lantoa.core.text import format_date, nfc, search_key
from lantoa.geo.selectors import area_from_ref
from lantoa.orgs.models import Membership, Unit, UnitDuty, UnitName

DATA_DIR = Path(__file__).parent / "data"
logger = logging.getLogger(__name__)


@transaction.atomic
def unit_save(*, actor, unit: Unit) -> Unit:
    """Create or edit a unit (name, kind, parent, area, dates)."""
    unit.name = nfc(unit.name)
    unit.short_name = nfc(unit.short_name)
    unit.authority = nfc(unit.authority)
    unit.doc_symbol = nfc(unit.doc_symbol).strip()
    unit.search_key = search_key(f"{unit.name} {unit.short_name}")
    if unit.parent_id and unit.pk and unit.parent_id == unit.pk:
        raise ValidationError({"parent": _("A unit cannot be part of itself.")})
    return save_with_audit(actor=actor, obj=unit, verb="unit_save")


@transaction.atomic
def unit_rename(*, actor, unit: Unit, new_name: str, on: dt.date, short_name: str | None = None) -> Unit:
    """The unit is called `new_name` from `on`; the old name is kept with the date it ended."""
    new_name = nfc(new_name)
    if not new_name:
        raise ValidationError({"new_name": _("The new name must not be empty.")})
    if new_name == unit.name:
        raise ValidationError({"new_name": _("The new name is the same as the current one.")})
    if unit.valid_to is not None:
        raise ValidationError(
            {"on": _("%(unit)s stopped on %(date)s.") % {"unit": unit.name, "date": format_date(unit.valid_to)}}
        )
    if on > clock.today():
        raise ValidationError({"on": _("A rename is recorded once it has taken effect; the date is in the future.")})
    last = unit.former_names.order_by("-valid_to").first()
    start = (last.valid_to + dt.timedelta(days=1)) if last else unit.valid_from
    if start and on <= start:
        raise ValidationError({"on": _("The rename date must be after the current name took effect.")})
    UnitName.objects.create(unit=unit, name=unit.name, valid_from=start, valid_to=on - dt.timedelta(days=1))
    short = nfc(short_name) if short_name is not None else unit.short_name
    return update_with_audit(
        actor=actor,
        obj=unit,
        verb="unit_rename",
        audit_note=format_date(on),
        name=new_name,
        short_name=short,
        search_key=search_key(f"{new_name} {short}"),
    )


def unit_name_on(unit: Unit, day: dt.date) -> str:
    for former in unit.former_names.all():
        if (former.valid_from is None or former.valid_from <= day) and day <= former.valid_to:
            return former.name
    return unit.name


@transaction.atomic
def unit_close(*, actor, unit: Unit, on: dt.date, merged_into: Unit | None = None, note: str = "") -> Unit:
    """The unit stops on `on - 1`; open memberships end then too (and move to `merged_into`, if any)."""
    if unit.valid_to is not None:
        raise ValidationError(
            {"unit": _("%(unit)s stopped on %(date)s.") % {"unit": unit.name, "date": format_date(unit.valid_to)}}
        )
    last_day = on - dt.timedelta(days=1)
    if unit.valid_from and last_day < unit.valid_from:
        raise ValidationError({"on": _("The end date must be after the unit started.")})
    if merged_into is not None:
        if merged_into.pk == unit.pk:
            raise ValidationError({"merged_into": _("A unit cannot be merged into itself.")})
        if not merged_into.is_valid_on(on):
            raise ValidationError(
                {
                    "merged_into": _("%(unit)s is not active on %(date)s.")
                    % {"unit": merged_into.name, "date": format_date(on)}
                }
            )
    open_children = unit.children.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
    if open_children.exists():
        raise ValidationError(
            {
                "on": _("Close or move the units under %(unit)s first: %(names)s.")
                % {"unit": unit.name, "names": ", ".join(c.name for c in open_children)}
            }
        )
    starting_later = Membership.objects.filter(unit=unit, valid_from__gt=last_day).count()
    if starting_later:
        raise ValidationError(
            {
                "on": _("%(n)s people start in this unit after %(date)s; change their postings first.")
                % {"n": starting_later, "date": format_date(last_day)}
            }
        )
    before = snapshot(unit)
    merged_note = (unit.note + "\n" + nfc(note)).strip() if note else unit.note
    # Conditional update: of two people closing the same unit at once, only one succeeds.
    changed = Unit.objects.filter(pk=unit.pk, valid_to__isnull=True).update(
        valid_to=last_day, merged_into=merged_into, note=merged_note
    )
    if changed != 1:
        raise ValidationError({"unit": _("This unit has just been closed by someone else.")})
    unit.refresh_from_db()
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=unit,
        before=before,
        after=snapshot(unit),
        verb="unit_merge" if merged_into else "unit_close",
    )
    postings = Membership.objects.filter(unit=unit).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
    for membership in postings:
        was_open = membership.valid_to is None
        update_with_audit(actor=actor, obj=membership, verb="membership_end", valid_to=last_day)
        if merged_into is not None and was_open:
            membership_assign(
                actor=actor, user=membership.user, unit=merged_into, position=membership.position, valid_from=on
            )
    # Its duties end with it and pass to the unit it merged into (the report duties follow the merger).
    for duty in UnitDuty.objects.filter(unit=unit).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)):
        if duty.valid_from and duty.valid_from > last_day:
            raise ValidationError(
                {
                    "on": _("%(duty)s starts after %(date)s; change it first.")
                    % {"duty": duty, "date": format_date(last_day)}
                }
            )
        was_open = duty.valid_to is None
        update_with_audit(actor=actor, obj=duty, verb="unit_duty_end", valid_to=last_day)
        if merged_into is not None and was_open:
            unit_duty_save(
                actor=actor,
                duty=UnitDuty(
                    unit=merged_into, duty=duty.duty, valid_from=on, recipients=duty.recipients, note=duty.note
                ),
            )
    return unit


def unit_merge(*, actor, units: list[Unit], into: Unit, on: dt.date) -> Unit:
    with transaction.atomic():
        for unit in units:
            unit_close(actor=actor, unit=unit, on=on, merged_into=into)
    return into


def unit_duty_on(duty: str, day: dt.date) -> UnitDuty | None:
    """The row of `duty` in force on `day` (one unit holds a duty at a time)."""
    from lantoa.core.models import valid_on

    return UnitDuty.objects.select_related("unit", "unit__area").filter(valid_on(day), duty=duty).first()


@transaction.atomic
def unit_duty_save(*, actor, duty: UnitDuty) -> UnitDuty:
    """Create or edit who holds a duty when. A new row starting while another unit holds the duty open hands
    it over: that row ends the day before. Periods of one duty never overlap."""
    unit = duty.unit
    duty.symbol = nfc(duty.symbol).strip()
    duty.recipients = "\n".join(line.strip() for line in nfc(duty.recipients).splitlines() if line.strip())
    duty.note = nfc(duty.note)
    if duty.duty not in UnitDuty.Duty.values:
        raise ValidationError({"duty": _("Choose a duty.")})
    if duty.valid_from is None:
        raise ValidationError({"valid_from": _("Give the day the unit takes the duty on.")})
    if duty.valid_to and duty.valid_to < duty.valid_from:
        raise ValidationError({"valid_to": _("The end date must be after the start date.")})
    if unit.valid_from and duty.valid_from < unit.valid_from:
        raise ValidationError(
            {
                "valid_from": _("%(unit)s is active only from %(date)s.")
                % {"unit": unit.name, "date": format_date(unit.valid_from)}
            }
        )
    if unit.valid_to and (duty.valid_to is None or duty.valid_to > unit.valid_to):
        raise ValidationError(
            {"valid_to": _("%(unit)s stopped on %(date)s.") % {"unit": unit.name, "date": format_date(unit.valid_to)}}
        )
    others = UnitDuty.objects.filter(duty=duty.duty).exclude(pk=duty.pk)
    if duty.pk is None:
        handover = others.filter(valid_to__isnull=True, valid_from__lt=duty.valid_from).first()
        if handover is not None:
            update_with_audit(
                actor=actor, obj=handover, verb="unit_duty_end", valid_to=duty.valid_from - dt.timedelta(days=1)
            )
    overlap = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=duty.valid_from))
    if duty.valid_to:
        overlap = overlap.filter(valid_from__lte=duty.valid_to)
    clash = overlap.select_related("unit").first()
    if clash is not None:
        raise ValidationError(
            {
                "valid_from": _("%(unit)s holds this duty from %(start)s to %(end)s; change that period first.")
                % {
                    "unit": clash.unit.name,
                    "start": format_date(clash.valid_from),
                    "end": format_date(clash.valid_to) if clash.valid_to else _("now"),
                }
            }
        )
    return save_with_audit(actor=actor, obj=duty, verb="unit_duty_save")


def successors(unit: Unit) -> list[Unit]:
    """The units `unit` merged into, in order (a merged unit may itself have merged on)."""
    chain, seen = [], {unit.pk}
    nxt = unit.merged_into
    while nxt is not None and nxt.pk not in seen:
        chain.append(nxt)
        seen.add(nxt.pk)
        nxt = nxt.merged_into
    return chain


def closed_unit_notice(user, day: dt.date | None = None) -> dict | None:
    """For a user whose postings are all in units closed by `day`: the latest such unit, the first day
    without it and the unit in force its work passed to (None if none is recorded). None otherwise."""
    from lantoa.core.models import valid_on

    if not getattr(user, "is_authenticated", False):
        return None
    day = day or clock.today()
    postings = Membership.objects.filter(user=user).select_related("unit")
    if not postings.exists():
        return None  # an account of no unit (an administrator): nothing was closed under it
    if postings.filter(valid_on(day)).filter(valid_on(day, "unit__")).exists():
        return None
    if postings.filter(Q(valid_from__gt=day)).exists():
        return None  # posted to a unit from a later day: already moved
    last = postings.filter(unit__valid_to__lt=day).order_by("-unit__valid_to", "-valid_to").first()
    if last is None:
        return None
    live = [u for u in successors(last.unit) if u.is_valid_on(day)]
    since = last.unit.valid_to + dt.timedelta(days=1)
    return {"unit": last.unit, "since": since, "successor": live[0] if live else None}


def stranded_members(unit: Unit) -> list[Membership]:
    """Postings in a closed unit that were not moved on: still open (or running past the closure), or ended
    with it while the person has had no posting since."""
    if unit.valid_to is None:
        return []
    found = []
    for m in Membership.objects.filter(unit=unit).select_related("user").order_by("pk"):
        if m.valid_to is None or m.valid_to > unit.valid_to:
            found.append(m)
        elif m.valid_to == unit.valid_to:
            later = Membership.objects.filter(user=m.user).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=unit.valid_to)
            )
            if not later.exists():
                found.append(m)
    return found


@transaction.atomic
def unit_members_move(*, actor, unit: Unit) -> int:
    """Move the people of a closed unit to its successor: each posting left in it ends on the closure day and
    continues in the unit it merged into from the next day (through every later merger, each for its
    lifetime). Returns how many people were moved."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.valid_to is None:
        raise ValidationError({"unit": _("%(unit)s is still active; close or merge it first.") % {"unit": unit.name}})
    chain = successors(unit)
    if not chain:
        raise ValidationError(
            {"merged_into": _("No unit is recorded as the successor of %(unit)s.") % {"unit": unit.name}}
        )
    moved = 0
    for membership in stranded_members(unit):
        if membership.valid_to != unit.valid_to:
            if membership.valid_from and membership.valid_from > unit.valid_to:
                continue  # starts after the closure: unit_close refuses that, so it was entered by hand
            update_with_audit(actor=actor, obj=membership, verb="membership_end", valid_to=unit.valid_to)
        start = unit.valid_to + dt.timedelta(days=1)
        for successor in chain:
            if successor.valid_to and successor.valid_to < start:
                continue  # closed before this unit was: it cannot have taken its people
            if successor.valid_from and successor.valid_from > start:
                start = successor.valid_from
            membership_assign(
                actor=actor,
                user=membership.user,
                unit=successor,
                position=membership.position,
                valid_from=start,
                valid_to=successor.valid_to,
            )
            if successor.valid_to is None:
                break
            start = successor.valid_to + dt.timedelta(days=1)
        moved += 1
    audit_log(
        actor=actor,
        action=AuditLog.Action.ACTION,
        obj=unit,
        verb="unit_members_move",
        note=_("%(n)s people moved to %(unit)s") % {"n": moved, "unit": chain[-1].name},
    )
    return moved


@transaction.atomic
def membership_assign(
    *, actor, user, unit: Unit, position: str = "", valid_from: dt.date | None = None, valid_to: dt.date | None = None
) -> Membership:
    """`user` works in `unit` from `valid_from` (until `valid_to`, for a past posting); their previous open
    membership ends the day before."""
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end date must be after the start date.")})
    if unit.valid_to is not None and (valid_to is None or valid_to > unit.valid_to):
        raise ValidationError(
            {"unit": _("%(unit)s stopped on %(date)s.") % {"unit": unit.name, "date": format_date(unit.valid_to)}}
        )
    if unit.valid_from and valid_from and valid_from < unit.valid_from:
        raise ValidationError(
            {
                "valid_from": _("%(unit)s is active only from %(date)s.")
                % {"unit": unit.name, "date": format_date(unit.valid_from)}
            }
        )
    for old in Membership.objects.filter(user=user, valid_to__isnull=True):
        last_day = (valid_from - dt.timedelta(days=1)) if valid_from else clock.today()
        if old.valid_from and last_day < old.valid_from:
            raise ValidationError(
                {
                    "valid_from": _("The new posting must start after %(date)s, when the current one began.")
                    % {"date": format_date(old.valid_from)}
                }
            )
        update_with_audit(actor=actor, obj=old, verb="membership_end", valid_to=last_day)
    membership = Membership(user=user, unit=unit, position=nfc(position), valid_from=valid_from, valid_to=valid_to)
    return save_with_audit(actor=actor, obj=membership, verb="membership_assign")


@transaction.atomic
def staff_account_create(
    *,
    actor,
    username: str,
    full_name: str,
    role: str,
    unit: Unit,
    position: str = "",
    email: str = "",
    password: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
):
    """A sign-in account for a person of a unit. Returns (user, one-time password if generated)."""
    User = get_user_model()
    username = nfc(username).lower()
    if not username:
        raise ValidationError({"username": _("The username must not be empty.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The username “%(name)s” is already taken.") % {"name": username}})
    if role not in Role.values:
        raise ValidationError({"role": _("Role “%(role)s” is not valid.") % {"role": role}})
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(9)
    first, _sep, last = nfc(full_name).rpartition(" ")
    user = User(
        username=username,
        first_name=last or first,
        last_name=first if last else "",
        email=email,
        role=role,
        must_change_password=generated is not None,
    )
    user.set_password(password)
    user.save()
    audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=user, after=snapshot(user), verb="staff_account_create")
    membership_assign(actor=actor, user=user, unit=unit, position=position, valid_from=valid_from, valid_to=valid_to)
    return user, generated


# Fields a unit row of the data file may fill on a unit loaded before they existed (never overwritten).
FILLED_LATER = ("authority", "doc_symbol")


@transaction.atomic
def units_load(*, actor, path: Path | None = None) -> tuple[int, int]:
    """Load units from a JSON data file (default: the Hồng Ngự units). Existing codes keep what they have,
    except document fields still empty; the file's closures and mergers ("merges") are applied to units still
    open, so a database loaded from an older file gets them; the duties ("duties") are loaded while nobody
    holds that duty yet (after that they are edited in the unit's page)."""
    data = json.loads((path or DATA_DIR / "hong_ngu_units.json").read_text(encoding="utf-8"))
    created = existing = 0
    by_code = {u.code: u for u in Unit.objects.all()}
    for row in data["units"]:
        if row["code"] in by_code:
            existing += 1
            unit = by_code[row["code"]]
            missing = {f: row[f] for f in FILLED_LATER if row.get(f) and not getattr(unit, f)}
            if missing:
                by_code[unit.code] = update_with_audit(actor=actor, obj=unit, verb="unit_save", **missing)
            continue
        unit = Unit(
            code=row["code"],
            name=row["name"],
            short_name=row.get("short_name", ""),
            kind=row["kind"],
            parent=by_code.get(row["parent"]) if row.get("parent") else None,
            area=area_from_ref(row["area"]),
            valid_from=dt.date.fromisoformat(row["valid_from"]) if row.get("valid_from") else None,
            valid_to=dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
            note=row.get("note", ""),
            authority=row.get("authority", ""),
            doc_symbol=row.get("doc_symbol", ""),
        )
        by_code[unit.code] = unit_save(actor=actor, unit=unit)
        created += 1
    for merge in data.get("merges", []):
        unit = by_code[merge["unit"]]
        unit.refresh_from_db()
        if unit.valid_to is not None:
            continue  # closed already (by an earlier load or by hand): left as it is
        into = by_code[merge["into"]] if merge.get("into") else None
        try:
            with transaction.atomic():
                unit_close(
                    actor=actor,
                    unit=unit,
                    on=dt.date.fromisoformat(merge["on"]),
                    merged_into=into,
                    note=merge.get("note", ""),
                )
        except ValidationError as exc:
            # Someone posted to it after the date, say: the rest loads; the unit's page shows what to fix.
            logger.warning("unit %s not closed: %s", unit.code, "; ".join(exc.messages))
    held = set(UnitDuty.objects.values_list("duty", flat=True).distinct())
    for row in data.get("duties", []):
        if row["duty"] in held:
            continue
        unit = by_code[row["unit"]]
        unit.refresh_from_db()
        unit_duty_save(
            actor=actor,
            duty=UnitDuty(
                unit=unit,
                duty=row["duty"],
                valid_from=dt.date.fromisoformat(row["valid_from"]),
                valid_to=dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
                symbol=row.get("symbol", ""),
                recipients="\n".join(row.get("recipients", [])),
                note=row.get("note", ""),
            ),
        )
    return created, existing


def unit_addresses(unit: Unit, day: dt.date) -> list[str]:
    """E-mail addresses of the active accounts posted to the unit on `day`."""
    from lantoa.core.models import valid_on

    members = Membership.objects.filter(valid_on(day), unit=unit, user__is_active=True).select_related("user")
    return sorted({m.user.email for m in members if m.user.email})


def remind_unit_once(*, log_model, unit: Unit, year: int, day: dt.date, subject: str, body: str, logger) -> bool:
    """E-mail the unit's accounts once per (unit, year): the row of `log_model` (fields unit, year,
    recipients, unique on unit and year) is written first, so two runs cannot both send; a failed send
    removes it so the next run tries again. False when there was nobody to write to or it was sent before."""
    from django.core.mail import EmailMessage
    from django.db import IntegrityError

    addresses = unit_addresses(unit, day)
    if not addresses:
        return False  # nobody to remind yet: checked again on the next run
    try:
        with transaction.atomic():
            log_model.objects.create(unit=unit, year=year, recipients=", ".join(addresses))
    except IntegrityError:
        return False  # another run took it
    try:
        EmailMessage(subject=subject, body=body, to=addresses).send()
    except Exception:
        logger.exception("reminder to %s failed", unit.code)
        log_model.objects.filter(unit=unit, year=year).delete()
        return False
    return True
