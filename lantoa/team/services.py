"""Writing the team and the training lists: validated with Vietnamese messages naming the field,
atomic, audited. Nothing is saved when anything is wrong."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.activities.kinds import Kind
from lantoa.activities.models import Activity
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, save_with_audit, snapshot, update_with_audit
from lantoa.core.text import format_date, nfc
from lantoa.geo.models import Area
from lantoa.orgs.access import scope_for
from lantoa.team.models import TeamMember, TrainingAttendance


def _check_writer(actor, *, unit_id=None, area_id=None, field: str = "unit") -> None:
    """Read-only roles write nothing; others keep the members of their own units and areas."""
    if actor is None:
        return
    if has_role(actor, READ_ONLY) or scope_for(actor).is_empty:
        raise ValidationError(_("Your role may read but not change the communication team."))
    if not scope_for(actor).allows(unit_id=unit_id, area_id=area_id):
        raise ValidationError({field: _("You may only keep team members of your own unit and communes.")})


def _overlaps(qs, start: dt.date | None, end: dt.date | None):
    """Rows of a dated queryset whose period meets [start, end] (open ends are open)."""
    if end is not None:
        qs = qs.exclude(valid_from__gt=end)
    if start is not None:
        qs = qs.exclude(valid_to__lt=start)
    return qs


def member_validate(member: TeamMember) -> dict[str, list[str]]:
    """The member's own checks (the form and the import share them): errors by field."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(str(message))

    if not member.person_id:
        add("person", _("Choose the person from the registry."))
    elif not member.person.active:
        add("person", _("This person's record was merged or anonymised: choose the current record."))
    if not member.role:
        add("role", _("Choose the role in the team."))
    if not member.unit_id:
        add("unit", _("Choose the unit."))
    if not member.area_id:
        add("area", _("Choose the commune or hamlet."))
    elif member.area.level not in (Area.Level.COMMUNE, Area.Level.HAMLET):
        add("area", _("Choose a commune, ward or hamlet, not a district or province."))
    if member.valid_from and member.valid_to and member.valid_to < member.valid_from:
        add("valid_to", _("The end date must be after the start date."))
    if member.unit_id and member.valid_from and member.unit.valid_to and member.valid_from > member.unit.valid_to:
        add(
            "unit",
            _("%(unit)s closed on %(date)s.") % {"unit": member.unit.name, "date": format_date(member.unit.valid_to)},
        )
    if not errors:
        same = TeamMember.objects.filter(person_id=member.person_id, role=member.role, unit_id=member.unit_id)
        if member.pk:
            same = same.exclude(pk=member.pk)
        if _overlaps(same, member.valid_from, member.valid_to).exists():
            add(
                "role",
                _("%(name)s already holds this role in this unit for part of that period: edit or end that row.")
                % {"name": member.person.full_name},
            )
    return errors


@transaction.atomic
def member_save(*, actor, member: TeamMember) -> TeamMember:
    """Add a person to the team in a role, or correct a member's row."""
    member.organisation = " ".join(nfc(member.organisation).split())
    member.note = nfc(member.note)
    errors = member_validate(member)
    if errors:
        raise ValidationError(errors)
    _check_writer(actor, unit_id=member.unit_id, area_id=member.area_id)
    if member.pk:
        old = TeamMember.objects.get(pk=member.pk)
        _check_writer(actor, unit_id=old.unit_id, area_id=old.area_id)
    elif getattr(actor, "is_authenticated", False):
        member.created_by = actor
    return save_with_audit(actor=actor, obj=member, verb="team_member_save")


@transaction.atomic
def member_end(*, actor, member: TeamMember, day: dt.date | None) -> TeamMember:
    """The member leaves the role on `day` (kept: their trainings and the years they counted stay)."""
    _check_writer(actor, unit_id=member.unit_id, area_id=member.area_id)
    if day is None:
        raise ValidationError({"valid_to": _("Enter the date the member left the role.")})
    if member.valid_from and day < member.valid_from:
        raise ValidationError(
            {
                "valid_to": _("The end date must be after the start date (%(date)s).")
                % {"date": format_date(member.valid_from)}
            }
        )
    last = member.trainings.filter(activity__start_date__gt=day).order_by("-activity__start_date").first()
    if last is not None:
        raise ValidationError(
            {
                "valid_to": _("The member is on the list of a class held later, on %(date)s (%(title)s).")
                % {"date": format_date(last.activity.start_date), "title": last.activity.title}
            }
        )
    return update_with_audit(actor=actor, obj=member, verb="team_member_end", valid_to=day)


# ----- training ------------------------------------------------------------------------------------------


def _class_period(activity: Activity) -> tuple[dt.date, dt.date]:
    return activity.start_date, activity.end_date or activity.start_date


def _check_training(actor, activity: Activity, *, cancelled_ok: bool = False) -> None:
    if activity.kind != Kind.TRAINING:
        raise ValidationError(
            {
                "activity": _(
                    "“%(title)s” is a %(kind)s, not a training class: trainees are recorded only for training."
                )
                % {"title": activity.title, "kind": activity.get_kind_display().lower()}
            }
        )
    if activity.status == Activity.Status.CANCELLED and not cancelled_ok:
        raise ValidationError({"activity": _("The class was cancelled: it has no trainees.")})
    if actor is None:
        return
    if has_role(actor, READ_ONLY) or scope_for(actor).is_empty:
        raise ValidationError(_("Your role may read but not change the communication team."))
    if not scope_for(actor).allows(unit_id=activity.organiser_id, area_id=activity.area_id):
        raise ValidationError({"activity": _("You may only keep the lists of your own unit's classes.")})


def trainee_error(actor, activity: Activity, member: TeamMember) -> str:
    """Why `member` may not be a trainee of the class ("" if they may): in the team on the class date,
    and one of the actor's members."""
    start, end = _class_period(activity)
    in_team = (member.valid_from is None or member.valid_from <= end) and (
        member.valid_to is None or member.valid_to >= start
    )
    if not in_team:
        return _(
            "%(name)s is not in the communication team on %(date)s (as %(role)s from %(start)s to %(end)s): "
            "only active team members can be trainees."
        ) % {
            "name": member.person.full_name,
            "date": format_date(start),
            "role": member.get_role_display().lower(),
            "start": format_date(member.valid_from) or "…",
            "end": format_date(member.valid_to) or "…",
        }
    if actor is not None and not scope_for(actor).allows(unit_id=member.unit_id, area_id=member.area_id):
        return _("%(name)s is a team member of another unit or commune.") % {"name": member.person.full_name}
    return ""


@transaction.atomic
def attendance_add(
    *, actor, activity: Activity, members: Iterable[TeamMember], attended: bool = True, completed: bool = False
) -> int:
    """Put members on a class list; returns how many were added (those already on it are left as they are).
    One member outside the team and none is added."""
    _check_training(actor, activity)
    members = list(members)
    if completed and activity.status != Activity.Status.DONE:
        raise ValidationError({"completed": _("Completion can be recorded once the class is marked done.")})
    problems = [m for m in (trainee_error(actor, activity, m) for m in members) if m]
    if problems:
        raise ValidationError({"members": problems})
    on_list = set(TrainingAttendance.objects.filter(activity=activity).values_list("member_id", flat=True))
    added = 0
    for member in members:
        if member.pk in on_list:
            continue
        on_list.add(member.pk)
        row = TrainingAttendance.objects.create(
            activity=activity, member=member, attended=attended or completed, completed=completed
        )
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=row, verb="training_attendance_add")
        added += 1
    return added


@transaction.atomic
def attendance_mark(*, actor, activity: Activity, marks: dict[int, tuple[bool, bool]]) -> int:
    """Set (attended, completed) for members on the list (by attendance id); returns the rows changed."""
    _check_training(actor, activity)
    rows = {r.pk: r for r in TrainingAttendance.objects.filter(activity=activity, pk__in=list(marks))}
    if any(c for _a, c in marks.values()) and activity.status != Activity.Status.DONE:
        raise ValidationError({"completed": _("Completion can be recorded once the class is marked done.")})
    changed = 0
    for pk, (attended, completed) in marks.items():
        row = rows.get(pk)
        if row is None:
            continue
        attended = attended or completed  # completing means having attended
        if (row.attended, row.completed) == (attended, completed):
            continue
        update_with_audit(actor=actor, obj=row, verb="training_attendance_mark", attended=attended, completed=completed)
        changed += 1
    return changed


@transaction.atomic
def attendance_remove(*, actor, activity: Activity, attendance_ids: Iterable[int]) -> int:
    _check_training(actor, activity, cancelled_ok=True)
    removed = 0
    for row in TrainingAttendance.objects.filter(activity=activity, pk__in=list(attendance_ids)):
        audit_log(
            actor=actor, action=AuditLog.Action.DELETE, obj=row, before=snapshot(row), verb="training_attendance_remove"
        )
        row.delete()
        removed += 1
    return removed
