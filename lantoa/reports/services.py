"""Writing reports: create, edit the narrative, submit (freezing the figures), return with comments on
sections, accept; request a document of the library. Every write is audited; every status change is a
conditional update, so a double click or two coordinators at once cannot move a report twice."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, Role, has_role
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, snapshot
from lantoa.core.text import format_date, nfc
from lantoa.documents.models import ReportKind
from lantoa.orgs.access import own_unit_ids
from lantoa.orgs.models import Unit, UnitDuty
from lantoa.orgs.services import remind_unit_once, unit_duty_on, unit_name_on

from . import figures as f
from .models import NARRATIVE, Report, ReportComment, ReportFile, ReportReminder

logger = logging.getLogger(__name__)

DECIDERS = {Role.COORDINATOR, Role.ADMIN}
STALE_MINUTES = 30  # a document not made after this long lost its worker
# The duty a unit must hold to write each district-wide kind of report (besides the coordinator): who
# holds it, when, and the report's symbol and recipients are data of the units (orgs.UnitDuty).
KIND_DUTY = {
    ReportKind.DISTRICT: UnitDuty.Duty.AGGREGATE_REPORT,
    ReportKind.FINAL_EVALUATION: UnitDuty.Duty.FINAL_EVALUATION,
    ReportKind.INSURANCE_PROVINCE: UnitDuty.Duty.INSURANCE_REPORT,
}
TEXT_FIELDS = ("doc_number", "results", "shortcomings", "proposals", "signer_position", "signer_name", "recipients")
FILED = "Lưu: VT"  # Decree 30/2020: the issuer's own file copy closes every list of recipients


def period_end(plan, kind: str, year: int) -> dt.date:
    """The last day a report covers: its year's, or the plan's for the final evaluation."""
    return dt.date(plan.end_year if kind == ReportKind.FINAL_EVALUATION else int(year), 12, 31)


def duty_rows(plan, kind: str, year: int) -> list[UnitDuty]:
    """Who may write a district-wide report: the holder of its duty today (the successor of a closed office
    writes what is still due) and the holder at the end of the period it covers."""
    duty = KIND_DUTY.get(kind)
    if duty is None:
        return []
    rows = [unit_duty_on(duty, clock.today()), unit_duty_on(duty, period_end(plan, kind, year))]
    unique = {r.pk: r for r in rows if r is not None}
    return list(unique.values())


def duty_row_of(report_or_unit, kind: str, plan=None, year: int | None = None) -> UnitDuty | None:
    """The unit's row of the duty behind `kind` (the one covering the period's end, else its latest)."""
    duty = KIND_DUTY.get(kind)
    unit = report_or_unit.unit if isinstance(report_or_unit, Report) else report_or_unit
    if duty is None:
        return None
    rows = UnitDuty.objects.filter(unit=unit, duty=duty).order_by("-valid_from")
    if plan is not None and year is not None:
        end = period_end(plan, kind, year)
        covering = [r for r in rows if r.is_valid_on(end)]
        if covering:
            return covering[0]
    return rows.first()


def default_recipients(*, plan, unit, year: int, kind: str) -> str:
    """From the units' data: a district-wide report goes where its duty says; a unit's annual report to the
    authority of the unit gathering the reports today, through that unit."""
    if kind in KIND_DUTY:
        row = duty_row_of(unit, kind, plan, year)
        lines = row.recipients.splitlines() if row is not None and row.recipients else []
    else:
        holder = unit_duty_on(UnitDuty.Duty.AGGREGATE_REPORT, clock.today()) or unit_duty_on(
            UnitDuty.Duty.AGGREGATE_REPORT, period_end(plan, kind, year)
        )
        lines = []
        if holder is not None and holder.unit_id != unit.pk:
            gatherer = holder.unit
            full = unit_name_on(gatherer, clock.today())
            lines = [f"{gatherer.authority} (qua {gatherer.short_name or full})" if gatherer.authority else full]
    if FILED not in lines:
        lines.append(FILED)
    return "\n".join(lines)


class _Errors(dict):
    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def may_write(user, report_or_unit) -> bool:
    """Members of the report's unit (or the units above it), and the coordinator and administrator."""
    unit = report_or_unit.unit if isinstance(report_or_unit, Report) else report_or_unit
    if user is None:
        return True
    if has_role(user, READ_ONLY):
        return False
    if has_role(user, DECIDERS):
        return True
    return unit.pk in own_unit_ids(user)


def may_decide(user, report: Report) -> bool:
    return report.may_decide and (user is None or has_role(user, DECIDERS))


def _check_writer(actor, unit, errors: _Errors, field: str = "unit") -> None:
    if not may_write(actor, unit):
        errors.add(field, _("You may only write the reports of your own unit."))


def _audit(actor, report: Report, before: dict | None, verb: str, note: str = "", action=AuditLog.Action.UPDATE):
    audit_log(actor=actor, action=action, obj=report, before=before, after=snapshot(report), verb=verb, note=note)


@transaction.atomic
def report_create(*, actor, plan, unit, year: int, kind: str = ReportKind.UNIT_ANNUAL) -> Report:
    errors = _Errors()
    if kind not in ReportKind.values:
        errors.add("kind", _("Choose a kind of report."))
    if kind == ReportKind.FINAL_EVALUATION:
        year = plan.end_year
    if not plan.start_year <= int(year) <= plan.end_year:
        errors.add(
            "year",
            _("The plan runs from %(start)s to %(end)s; %(year)s is outside it.")
            % {"start": plan.start_year, "end": plan.end_year, "year": year},
        )
    if kind in KIND_DUTY and plan.start_year <= int(year) <= plan.end_year:
        holders = duty_rows(plan, kind, year)
        if unit.pk not in {r.unit_id for r in holders}:
            names = ", ".join(sorted({r.unit.name for r in holders}))
            errors.add(
                "unit",
                _("This report is written by %(units)s.") % {"units": names}
                if names
                else _("No unit holds the duty of writing this report; set it on the unit's page."),
            )
        if actor is not None and not (has_role(actor, DECIDERS) or unit.pk in own_unit_ids(actor)):
            errors.add("unit", _("Only that office or the coordinator may write this report."))
    _check_writer(actor, unit, errors)
    errors.raise_if_any()
    if Report.objects.filter(kind=kind, plan=plan, unit=unit, year=year).exists():
        raise ValidationError(
            {
                "year": [
                    _("%(unit)s already has this report for %(year)s; open it instead.")
                    % {"unit": unit.name, "year": year}
                ]
            }
        )
    report = Report(
        kind=kind,
        plan=plan,
        unit=unit,
        year=year,
        due_date=f.due_day(int(year)) if kind == ReportKind.UNIT_ANNUAL else None,
        recipients=default_recipients(plan=plan, unit=unit, year=year, kind=kind),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"year": [_("This report already exists; open it instead.")]}) from None
    _audit(actor, report, None, "report_create", action=AuditLog.Action.CREATE)
    return report


@transaction.atomic
def report_save(*, actor, report: Report, data: dict) -> Report:
    """Edit the narrative and the document fields; only while it is a draft or returned."""
    errors = _Errors()
    _check_writer(actor, report, errors)
    if report.is_frozen:
        errors.add("__all__", _("A submitted report cannot be changed; ask the coordinator to return it."))
    errors.raise_if_any()
    before = snapshot(report)
    for name in TEXT_FIELDS:
        if name in data:
            value = nfc(str(data[name] or "")).strip()
            limit = Report._meta.get_field(name).max_length
            if limit and len(value) > limit:
                errors.add(name, _("At most %(n)s characters.") % {"n": limit})
            setattr(report, name, value)
    errors.raise_if_any()
    changed = Report.objects.filter(pk=report.pk, status__in=[Report.Status.DRAFT, Report.Status.RETURNED]).update(
        **{n: getattr(report, n) for n in TEXT_FIELDS}, updated_at=timezone.now()
    )
    if changed != 1:
        raise ValidationError({"__all__": [_("The report's status has changed meanwhile; reload the page.")]})
    report.refresh_from_db()
    _audit(actor, report, before, "report_save")
    return report


def live_figures(report: Report, *, user, progress: f.Progress = None) -> dict:
    """The report's figures computed from the records now."""
    if report.kind == ReportKind.UNIT_ANNUAL:
        return f.unit_figures(user=user, plan=report.plan, unit=report.unit, year=report.year, progress=progress)
    if report.kind == ReportKind.FINAL_EVALUATION:
        return f.final_figures(user=user, plan=report.plan, progress=progress)
    return f.district_figures(
        user=user,
        plan=report.plan,
        year=report.year,
        reports=accepted_unit_reports(report.plan, report.year),
        expected_units=units_expected(report.year),
        progress=progress,
    )


def accepted_unit_reports(plan, year: int):
    return (
        Report.objects.filter(kind=ReportKind.UNIT_ANNUAL, plan=plan, year=year, status=Report.Status.ACCEPTED)
        .select_related("unit")
        .order_by("unit__name")
    )


def units_expected(year: int):
    """Units that report for the year: those a plan in force that year obliges, in force at its end (or
    today) — nobody in a year no plan covers —, except the People's Committee
    the reports go to and the unit that gathers them that day (its work is in the aggregate report)."""
    from lantoa.plans.selectors import units_in_plans

    day = min(dt.date(year, 12, 31), max(clock.today(), dt.date(year, 1, 1)))
    gatherer = unit_duty_on(UnitDuty.Duty.AGGREGATE_REPORT, day)
    qs = units_in_plans(year, day).exclude(kind=Unit.Kind.PEOPLES_COMMITTEE)
    if gatherer is not None:
        qs = qs.exclude(pk=gatherer.unit_id)
    return list(qs.order_by("search_key"))


@transaction.atomic
def report_submit(*, actor, report: Report) -> Report:
    """Draft or returned → submitted: the figures are computed and frozen with it."""
    errors = _Errors()
    _check_writer(actor, report, errors)
    if report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
        errors.add("__all__", _("This report has already been submitted."))
    if not (report.results or "").strip():
        errors.add("results", _("Write the results section before submitting."))
    if report.kind == ReportKind.DISTRICT and not accepted_unit_reports(report.plan, report.year).exists():
        errors.add("__all__", _("No unit report of %(year)s has been accepted yet.") % {"year": report.year})
    made = latest_draft_figures(report) if report.kind == ReportKind.FINAL_EVALUATION else None
    if report.kind == ReportKind.FINAL_EVALUATION and made is None:
        errors.add(
            "__all__",
            _("Make a document of the final evaluation first: the figures it was made from are the ones submitted."),
        )
    errors.raise_if_any()
    before = snapshot(report)
    now = timezone.now()
    if made is not None:
        figures, frozen_at = made.figures, made.finished_at
    else:
        figures, frozen_at = live_figures(report, user=actor), now
    changed = Report.objects.filter(
        pk=report.pk, status__in=[Report.Status.DRAFT, Report.Status.RETURNED], submissions=report.submissions
    ).update(
        status=Report.Status.SUBMITTED,
        figures=figures,
        frozen_at=frozen_at,
        submissions=report.submissions + 1,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=now,
        decided_by=None,
        decided_at=None,
    )
    if changed != 1:
        raise ValidationError({"__all__": [_("This report has already been submitted.")]})
    report.refresh_from_db()
    _audit(actor, report, before, "report_submit")
    return report


def latest_draft_figures(report: Report) -> ReportFile | None:
    """The newest document made from the live figures since the report was last returned (or created)."""
    since = report.decided_at or report.created_at
    return (
        report.files.filter(status=ReportFile.Status.DONE, figures__isnull=False, finished_at__gte=since)
        .order_by("-finished_at")
        .first()
    )


@transaction.atomic
def report_return(*, actor, report: Report, comments: dict[str, str]) -> Report:
    """Submitted → returned, with the coordinator's comments on the sections to mend."""
    errors = _Errors()
    if not may_decide(actor, report):
        errors.add("__all__", _("Only the coordinator may accept or return a unit's report."))
    if report.status == Report.Status.ACCEPTED:
        errors.add("__all__", _("This report has been accepted; an accepted report cannot be returned."))
    elif report.status != Report.Status.SUBMITTED:
        errors.add("__all__", _("Only a submitted report can be returned."))
    valid = dict(ReportComment.SECTIONS)
    given = {k: nfc(v).strip() for k, v in comments.items() if k in valid and (v or "").strip()}
    if not given:
        errors.add("comments", _("Write a comment on at least one section to say what to mend."))
    errors.raise_if_any()
    before = snapshot(report)
    changed = Report.objects.filter(pk=report.pk, status=Report.Status.SUBMITTED).update(
        status=Report.Status.RETURNED,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=timezone.now(),
    )
    if changed != 1:
        raise ValidationError({"__all__": [_("The report's status has changed meanwhile; reload the page.")]})
    for section, text in given.items():
        ReportComment.objects.create(
            report=report,
            section=section,
            text=text,
            round=report.submissions,
            author=actor if getattr(actor, "is_authenticated", False) else None,
        )
    report.refresh_from_db()
    _audit(actor, report, before, "report_return", note="; ".join(f"{k}: {v}" for k, v in given.items()))
    return report


@transaction.atomic
def report_accept(*, actor, report: Report) -> Report:
    errors = _Errors()
    if not may_decide(actor, report):
        errors.add("__all__", _("Only the coordinator may accept or return a unit's report."))
    if report.status == Report.Status.ACCEPTED:
        errors.add("__all__", _("This report has already been accepted."))
    elif report.status != Report.Status.SUBMITTED:
        errors.add("__all__", _("Only a submitted report can be accepted."))
    errors.raise_if_any()
    before = snapshot(report)
    changed = Report.objects.filter(pk=report.pk, status=Report.Status.SUBMITTED).update(
        status=Report.Status.ACCEPTED,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=timezone.now(),
    )
    if changed != 1:
        raise ValidationError({"__all__": [_("The report's status has changed meanwhile; reload the page.")]})
    report.refresh_from_db()
    _audit(actor, report, before, "report_accept")
    return report


# ----------------------------------------------------------------------------- the library


@transaction.atomic
def file_request(*, actor, report: Report, fmt: str) -> ReportFile:
    """Queue a document of the report (DOCX, PDF or XLSX); a background task makes it with progress."""
    if has_role(actor, READ_ONLY):
        raise ValidationError(_("Your role may only read: it cannot make documents."))
    if fmt not in ReportFile.Format.values:
        raise ValidationError({"format": [_("Choose DOCX, PDF or XLSX.")]})
    # A document that has been "being made" for longer than any could take lost its worker: mark it failed.
    stale = timezone.now() - dt.timedelta(minutes=STALE_MINUTES)
    report.files.filter(
        status__in=[ReportFile.Status.QUEUED, ReportFile.Status.RUNNING], requested_at__lt=stale
    ).update(status=ReportFile.Status.FAILED, error=_("The worker making it stopped; ask for it again."), step="")
    running = report.files.filter(format=fmt, status__in=[ReportFile.Status.QUEUED, ReportFile.Status.RUNNING])
    existing = running.first()
    if existing is not None:
        return existing  # the same document is already being made
    item = ReportFile.objects.create(
        report=report,
        format=fmt,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        step=_("Waiting for a worker"),
    )
    audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=item, after=snapshot(item), verb="report_file")
    from . import tasks

    transaction.on_commit(lambda: tasks.generate.enqueue(file_id=item.pk))
    return item


# ----------------------------------------------------------------------------- reminders


def reminders_send(*, today: dt.date | None = None) -> int:
    """After the due day, e-mail the accounts of each unit whose annual report of the year is not submitted,
    once per (unit, year). The reminder row is written first under a unique index: safe to run twice."""
    today = today or clock.today()
    year = today.year
    if today <= f.due_day(year):
        return 0
    from lantoa.plans.models import Plan

    if not Plan.objects.filter(start_year__lte=year, end_year__gte=year, indicators__isnull=False).exists():
        return 0
    handed_in = Report.objects.filter(
        kind=ReportKind.UNIT_ANNUAL, year=year, status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED]
    )
    done = ReportReminder.objects.filter(year=year)
    units = [
        u for u in units_expected(year) if not handed_in.filter(unit=u).exists() and not done.filter(unit=u).exists()
    ]
    sent = 0
    for unit in units:
        subject = _("Reminder: the annual BHXH communication report of %(year)s") % {"year": year}
        body = _(
            "%(unit)s has not submitted its annual report on the BHXH communication plan for %(year)s, due on "
            "%(due)s. Please submit it in Lan Tỏa (Reports)."
        ) % {"unit": unit.name, "year": year, "due": format_date(f.due_day(year))}
        if remind_unit_once(
            log_model=ReportReminder, unit=unit, year=year, day=today, subject=subject, body=body, logger=logger
        ):
            sent += 1
    return sent


NARRATIVE_FIELDS = tuple(name for name, _label in NARRATIVE)
