"""Writes to the budget: save an estimate or a spending line, and the finance office's check. Audited."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, Role, has_role
from lantoa.activities.models import Activity
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, diff, snapshot
from lantoa.core.text import format_date, nfc
from lantoa.orgs.access import scope_for
from lantoa.plans.models import Plan

from .models import BudgetEstimate, CheckStatus, SpendingLine

# Roles that may check spending: the finance office (§VII.4) and administrators.
CHECKERS = {Role.FINANCE, Role.ADMIN}
# What a change of these fields does to a finished check: back to "to check".
RECHECK_FIELDS = {
    "estimate": ("unit_id", "year", "source", "amount"),
    "line": ("unit_id", "year", "spent_on", "amount", "activity_id", "evidence"),
}


class _Errors(dict):
    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def plan_years() -> list[int]:
    """Years a budget can be set for: every plan's years and the running year (a unit budgets its
    work also in a year no plan covers yet, e.g. 2026 before the 2026–2030 plan is issued)."""
    spans = list(Plan.objects.values_list("start_year", "end_year"))
    years = {y for first, last in spans for y in range(first, last + 1)}
    years.add(clock.today().year)
    return sorted(years)


def may_write(user) -> bool:
    return getattr(user, "is_authenticated", False) and not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def may_check(user) -> bool:
    return has_role(user, CHECKERS)


def _writer_errors(actor, errors: _Errors, unit_ids) -> None:
    """Read-only roles write nothing; others keep the budget of the units of their scope."""
    if actor is None:
        return
    if not may_write(actor):
        errors.add("__all__", _("Your account may only read the budget."))
        return
    scope = scope_for(actor)
    if not scope.sees_all and any(u is not None and u not in scope.unit_ids for u in unit_ids):
        errors.add("unit", _("You may only keep the budget of your own unit."))


def _check_amount(errors: _Errors, amount) -> None:
    if amount is None:
        errors.add("amount", _("Enter the amount in VND."))
    elif Decimal(amount) < 0:
        errors.add("amount", _("The amount cannot be negative."))
    elif Decimal(amount) != Decimal(amount).to_integral_value():
        errors.add("amount", _("Enter the amount in whole đồng."))


def _check_year(errors: _Errors, year) -> None:
    years = plan_years()
    if year is None:
        errors.add("year", _("Enter the year."))
    elif years and year not in years:
        errors.add(
            "year",
            _("The year %(year)s is outside the years a budget can be set for (%(first)s–%(last)s).")
            % {"year": year, "first": years[0], "last": years[-1]},
        )


def _check_unit_in_year(errors: _Errors, unit, year) -> None:
    if unit is None or year is None:
        return
    if (unit.valid_from and unit.valid_from > dt.date(year, 12, 31)) or (
        unit.valid_to and unit.valid_to < dt.date(year, 1, 1)
    ):
        errors.add("unit", _("%(unit)s did not exist in %(year)s.") % {"unit": unit.name, "year": year})


def _audit(actor, obj, before: dict, verb: str) -> None:
    after = snapshot(obj)
    if not before:
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=obj, after=after, verb=verb)
    elif diff(before, after):
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=obj, before=before, after=after, verb=verb)


def _reset_check_if_changed(obj, old, fields) -> None:
    """A checked record whose figures change goes back to the finance office's queue."""
    if old is None or old.check_status == CheckStatus.PENDING:
        return
    if any(getattr(old, f) != getattr(obj, f) for f in fields):
        obj.check_status, obj.check_note, obj.checked_by, obj.checked_at = CheckStatus.PENDING, "", None, None


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def estimate_save(*, actor, estimate: BudgetEstimate) -> BudgetEstimate:
    """Record a unit's estimate for a year, or correct one."""
    old = BudgetEstimate.objects.filter(pk=estimate.pk).first() if estimate.pk else None
    before = snapshot(old) if old else {}
    estimate.note = nfc(estimate.note)
    errors = _Errors()
    unit = estimate.unit if estimate.unit_id else None
    if unit is None:
        errors.add("unit", _("Choose the unit."))
    _check_year(errors, estimate.year)
    _check_amount(errors, estimate.amount)
    _check_unit_in_year(errors, unit, estimate.year)
    _writer_errors(actor, errors, {estimate.unit_id, old.unit_id if old else None})
    if not errors and (
        BudgetEstimate.objects.filter(unit_id=estimate.unit_id, year=estimate.year, source=estimate.source)
        .exclude(pk=estimate.pk)
        .exists()
    ):
        errors.add("source", _("This unit already has an estimate from this source for that year."))
    errors.raise_if_any()
    _reset_check_if_changed(estimate, old, RECHECK_FIELDS["estimate"])
    if old is None and estimate.created_by_id is None:
        estimate.created_by = _user(actor)
    try:
        with transaction.atomic():
            estimate.save()
    except IntegrityError:  # the same form sent twice at the same moment
        raise ValidationError(
            {"source": [_("This unit already has an estimate from this source for that year.")]}
        ) from None
    _audit(actor, estimate, before, "budget_estimate_save")
    return estimate


@transaction.atomic
def line_save(*, actor, line: SpendingLine) -> SpendingLine:
    """Record a spending line, or correct one. A line tied to an activity takes its form and campaign from
    the activity."""
    old = SpendingLine.objects.filter(pk=line.pk).first() if line.pk else None
    before = snapshot(old) if old else {}
    line.description = " ".join(nfc(line.description).split())
    line.evidence = nfc(line.evidence)
    line.note = nfc(line.note)
    activity: Activity | None = line.activity if line.activity_id else None
    if activity is not None:
        # Kept as a fallback should the activity be deleted; reading prefers the activity's own.
        line.kind, line.campaign_id = activity.kind, activity.campaign_id
        if not line.description:
            line.description = activity.title[:300]
    if line.year is None and line.spent_on is not None:
        line.year = line.spent_on.year
    errors = _Errors()
    unit = line.unit if line.unit_id else None
    if unit is None:
        errors.add("unit", _("Choose the unit."))
    if not line.description:
        errors.add("description", _("Say what the money was spent on."))
    _check_year(errors, line.year)
    _check_amount(errors, line.amount)
    if line.spent_on is None:
        errors.add("spent_on", _("Enter the date of the spending."))
    elif line.year is not None and line.spent_on.year != line.year:
        errors.add(
            "spent_on",
            _("The date %(date)s is not in %(year)s, the year of the line.")
            % {"date": format_date(line.spent_on), "year": line.year},
        )
    _check_unit_in_year(errors, unit, line.year)
    if activity is not None and unit is not None:
        if activity.organiser_id != unit.id:
            errors.add(
                "activity",
                _("This activity was organised by %(unit)s, not by this unit.") % {"unit": activity.organiser.name},
            )
        elif line.year is not None and activity.start_date.year != line.year:
            errors.add(
                "activity",
                _("This activity took place in %(year)s; record its spending in that year.")
                % {"year": activity.start_date.year},
            )
        elif SpendingLine.objects.filter(activity=activity).exclude(pk=line.pk).exists():
            errors.add("activity", _("This activity's cost is already on a spending line."))
    _writer_errors(actor, errors, {line.unit_id, old.unit_id if old else None})
    errors.raise_if_any()
    _reset_check_if_changed(line, old, RECHECK_FIELDS["line"])
    if old is None and line.created_by_id is None:
        line.created_by = _user(actor)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        raise ValidationError({"activity": [_("This activity's cost is already on a spending line.")]}) from None
    _audit(actor, line, before, "budget_line_save")
    return line


@transaction.atomic
def line_delete(*, actor, line: SpendingLine) -> None:
    errors = _Errors()
    _writer_errors(actor, errors, {line.unit_id})
    if line.check_status == CheckStatus.ACCEPTED:
        errors.add("__all__", _("The finance office has accepted this line; it can no longer be deleted."))
    errors.raise_if_any()
    audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=line, before=snapshot(line), verb="budget_line_delete")
    line.delete()


# --- the finance office's check ---------------------------------------------------------------------------


def _check(*, actor, model, obj, status: str, note: str, seen_amount=None, verb: str):
    """Accept or query one record: a conditional update on the status and the amount the checker saw, so
    a record changed meanwhile (or checked by a colleague) is not checked blind."""
    note = nfc(note or "")
    if actor is not None and not may_check(actor):
        raise ValidationError({"check_status": [_("Only the finance office may check spending.")]})
    if status not in (CheckStatus.ACCEPTED, CheckStatus.QUERIED):
        raise ValidationError({"check_status": [_("Choose accept or query.")]})
    if status == CheckStatus.QUERIED and not note:
        raise ValidationError({"check_note": [_("Say what the unit must explain or correct.")]})
    if obj.check_status == status:
        raise ValidationError({"check_status": [_("This has already been checked with that result.")]})
    amount = obj.amount if seen_amount is None else Decimal(seen_amount)
    changed = model.objects.filter(pk=obj.pk, check_status=obj.check_status, amount=amount).update(
        check_status=status, check_note=note, checked_by=_user(actor), checked_at=timezone.now()
    )
    if changed != 1:
        raise ValidationError({"check_status": [_("This record has changed meanwhile; reload the page.")]})
    before = snapshot(obj)
    obj.refresh_from_db()
    audit_log(
        actor=actor, action=AuditLog.Action.UPDATE, obj=obj, before=before, after=snapshot(obj), verb=verb, note=note
    )
    return obj


@transaction.atomic
def estimate_check(*, actor, estimate: BudgetEstimate, status: str, note: str = "", seen_amount=None):
    return _check(
        actor=actor,
        model=BudgetEstimate,
        obj=estimate,
        status=status,
        note=note,
        seen_amount=seen_amount,
        verb="budget_estimate_check",
    )


@transaction.atomic
def line_check(*, actor, line: SpendingLine, status: str, note: str = "", seen_amount=None):
    return _check(
        actor=actor,
        model=SpendingLine,
        obj=line,
        status=status,
        note=note,
        seen_amount=seen_amount,
        verb="budget_line_check",
    )


@transaction.atomic
def activity_cost_check(*, actor, activity: Activity, status: str, note: str = "", seen_amount=None) -> SpendingLine:
    """Check an activity's cost that is not on a line yet: the check is kept on a new line that stands for
    the activity from now on (same amount, so the spending figure does not move)."""
    if actor is not None and not may_check(actor):
        raise ValidationError({"check_status": [_("Only the finance office may check spending.")]})
    if status == CheckStatus.QUERIED and not nfc(note or ""):
        raise ValidationError({"check_note": [_("Say what the unit must explain or correct.")]})
    if status not in (CheckStatus.ACCEPTED, CheckStatus.QUERIED):
        raise ValidationError({"check_status": [_("Choose accept or query.")]})
    activity = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if (
        activity is None
        or activity.status != Activity.Status.DONE
        or not activity.cost
        or (seen_amount is not None and Decimal(seen_amount) != activity.cost)
        or SpendingLine.objects.filter(activity=activity).exists()
    ):
        raise ValidationError({"check_status": [_("This record has changed meanwhile; reload the page.")]})
    line = SpendingLine(
        unit_id=activity.organiser_id,
        year=activity.start_date.year,
        spent_on=activity.start_date,
        description=activity.title[:300],
        amount=activity.cost,
        activity=activity,
        is_demo=activity.is_demo,
    )
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:  # a colleague checked it at the same moment
        raise ValidationError({"check_status": [_("This record has changed meanwhile; reload the page.")]}) from None
    audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=line, after=snapshot(line), verb="budget_line_save")
    return _check(
        actor=actor, model=SpendingLine, obj=line, status=status, note=note, seen_amount=None, verb="budget_line_check"
    )
