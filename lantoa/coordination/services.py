"""Writes of coordination and direction. Each service is atomic, checks the writer against the access gate,
names the field in its Vietnamese messages and writes the audit record."""

import datetime as dt
import io
import logging
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lantoa.accounts.roles import PLAN_EDITORS, READ_ONLY, has_role
from lantoa.activities.services import other_commune_units
from lantoa.audience.models import Person, StaffPosting
from lantoa.core import clock
from lantoa.core.models import AuditLog, valid_on
from lantoa.core.services import audit_log, diff, snapshot
from lantoa.core.text import format_date, nfc
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit
from lantoa.orgs.services import remind_unit_once

from .models import (
    PLAN_MAX_BYTES,
    Agreement,
    AgreementReview,
    Award,
    Briefing,
    Inspection,
    LeaderContact,
    PlanReminder,
    UnitPlan,
)

logger = logging.getLogger(__name__)

PLAN_EXTENSIONS = (".pdf", ".docx")


# ----- shared checks ---------------------------------------------------------------------------------


class _Errors(dict):
    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _writer_errors(actor, errors: _Errors, *units_by_field) -> None:
    """Read-only roles write nothing; others only for units of their scope. `units_by_field` are
    (field, unit or None) pairs: the record is theirs when at least one of those units is."""
    if actor is None:
        return
    if has_role(actor, READ_ONLY) or scope_for(actor).is_empty:
        errors.add("__all__", _("Your account may only read these records."))
        return
    scope = scope_for(actor)
    if scope.sees_all:
        return
    given = [(f, u) for f, u in units_by_field if u is not None]
    if given and not any(u.id in scope.unit_ids for _f, u in given):
        errors.add(given[0][0], _("You may only record this for your own unit or the units under it."))


def _no_other_commune(actor, errors: _Errors, field: str, units) -> None:
    if foreign := other_commune_units(actor, units):
        errors.add(
            field,
            _("%(units)s belongs to another commune; choose units of your own or the district.")
            % {"units": ", ".join(u.name for u in foreign)},
        )


def _state(obj, **many) -> dict:
    data = snapshot(obj) if obj is not None else {}
    for name, values in many.items():
        data[name] = "; ".join(sorted(str(v) for v in values))
    return data


def _audit(actor, obj, before: dict | None, after: dict, verb: str) -> None:
    if not before:
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=obj, after=after, verb=verb)
    elif diff(before, after):
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=obj, before=before, after=after, verb=verb)


def _by(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _not_future(errors: _Errors, field: str, day) -> None:
    if day is not None and day > clock.today():
        errors.add(field, _("The date %(date)s is in the future.") % {"date": format_date(day)})


# ----- leaders and briefings (M1) --------------------------------------------------------------------


def leader_postings(units, day: dt.date):
    """The leader postings of the units in force on `day`."""
    return StaffPosting.objects.filter(valid_on(day), unit__in=units, is_leader=True, person__merged_into__isnull=True)


@transaction.atomic
def leader_contact_set(*, actor, person: Person, email: str) -> LeaderContact | None:
    """Set (or, with an empty address, remove) a leader's e-mail address."""
    errors = _Errors()
    _writer_errors(actor, errors, ("email", person.unit))
    email = nfc(email or "").strip()
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    errors.raise_if_any()
    contact = LeaderContact.objects.filter(person=person).first()
    before = snapshot(contact) if contact else {}
    if not email:
        if contact is not None:
            audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=contact, before=before, verb="leader_email_set")
            contact.delete()
        return None
    contact = contact or LeaderContact(person=person)
    contact.email = email
    contact.save()
    _audit(actor, contact, before, snapshot(contact), "leader_email_set")
    return contact


@transaction.atomic
def briefing_save(*, actor, briefing: Briefing, topics=(), leaders=(), informed_units=()) -> Briefing:
    """Record information given to leaders. `leaders` are named people; `informed_units` stand for "all
    leaders of these units", resolved to the leader postings in force on the briefing's date."""
    old = Briefing.objects.filter(pk=briefing.pk).first() if briefing.pk else None
    before = _state(old, topics=old.topics.all(), leaders=old.leaders.all()) if old else None
    briefing.title = " ".join(nfc(briefing.title or "").split())
    briefing.document_number = nfc(briefing.document_number or "").strip()
    briefing.note = nfc(briefing.note or "")
    briefing.body = nfc(briefing.body or "")
    informed_units = list(informed_units)
    errors = _Errors()
    if not briefing.title:
        errors.add("title", _("Enter the title of the information given."))
    if briefing.date is None:
        errors.add("date", _("Enter the date."))
    _not_future(errors, "date", briefing.date)
    if briefing.kind not in Briefing.Kind.values:
        errors.add("kind", _("Choose how the leaders were informed."))
    unit = briefing.unit if briefing.unit_id else None
    if unit is None:
        errors.add("unit", _("Choose the unit that gave the information."))
    _writer_errors(actor, errors, ("unit", unit))
    people = {p.pk: p for p in leaders}
    if briefing.date is not None and informed_units:
        for posting in leader_postings(informed_units, briefing.date).select_related("person"):
            people.setdefault(posting.person_id, posting.person)
        if not people:
            errors.add(
                "informed_units",
                _("None of the chosen units had a leader on its staff list on %(date)s.")
                % {"date": format_date(briefing.date)},
            )
    if not people and "informed_units" not in errors:
        errors.add("leaders", _("Choose the leaders informed, or the units whose leaders were all informed."))
    errors.raise_if_any()
    if old is None and _by(actor):
        briefing.created_by = actor
    briefing.save()
    briefing.topics.set(list(topics))
    briefing.leaders.set(list(people.values()))
    briefing.informed_units.set(informed_units)
    _audit(actor, briefing, before, _state(briefing, topics=topics, leaders=people.values()), "briefing_save")
    return briefing


def email_recipients(units, day: dt.date) -> list[tuple[Person, str]]:
    """(leader, address) for the leaders in post in the units on `day` who have an e-mail address."""
    found = {}
    postings = leader_postings(units, day).filter(person__leader_contact__isnull=False)
    for posting in postings.select_related("person__leader_contact"):
        found.setdefault(posting.person_id, (posting.person, posting.person.leader_contact.email))
    return sorted(found.values(), key=lambda pair: pair[0].name_key)


def briefing_email_send(*, actor, unit: Unit, units, subject: str, body: str, topics=()) -> Briefing:
    """E-mail the leaders of the chosen units (those with an address), then record the briefing with the
    leaders it reached: an e-mail sent from the system counts for M1."""
    units = list(units)
    subject = " ".join(nfc(subject or "").split())
    body = nfc(body or "").strip()
    today = clock.today()
    errors = _Errors()
    if not subject:
        errors.add("subject", _("Enter the subject of the e-mail."))
    if not body:
        errors.add("body", _("Enter the text of the e-mail."))
    if unit is None:
        errors.add("unit", _("Choose the unit that gave the information."))
    _writer_errors(actor, errors, ("unit", unit))
    recipients = email_recipients(units, today) if units else []
    if not units:
        errors.add("units", _("Choose at least one unit."))
    elif not recipients:
        errors.add("units", _("No leader of the chosen units has an e-mail address."))
    errors.raise_if_any()
    reached = []
    for person, address in recipients:
        try:
            EmailMessage(subject=subject, body=body, to=[address]).send()
        except Exception:  # one bad address must not stop the others; it is not counted as informed
            logger.exception("coordination: e-mail to %s failed", address)
            continue
        reached.append(person)
    if not reached:
        raise ValidationError({"units": [_("The e-mail could not be sent. Please try again later.")]})
    briefing = Briefing(
        date=today, kind=Briefing.Kind.EMAIL, title=subject, body=body, unit=unit, note=_("Sent from the system")
    )
    return briefing_save(actor=actor, briefing=briefing, topics=topics, leaders=reached)


# ----- annual plans (M2) -----------------------------------------------------------------------------


def plan_file_error(upload) -> str | None:
    """Why the upload is not an acceptable plan document (PDF or DOCX, checked by content), or None."""
    if upload is None:
        return None
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(PLAN_EXTENSIONS):
        return _("The plan document must be a PDF or DOCX file.")
    size = getattr(upload, "size", None)
    if size is not None and size > PLAN_MAX_BYTES:
        return _("The plan document is larger than %(mb)s MB.") % {"mb": PLAN_MAX_BYTES // (1024 * 1024)}
    upload.seek(0)
    head = upload.read(PLAN_MAX_BYTES + 1)
    upload.seek(0)
    if len(head) > PLAN_MAX_BYTES:
        return _("The plan document is larger than %(mb)s MB.") % {"mb": PLAN_MAX_BYTES // (1024 * 1024)}
    if name.endswith(".pdf"):
        ok = head.startswith(b"%PDF")
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(head)) as archive:
                ok = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
    if not ok:
        return _("The plan document is not a real PDF or DOCX file (its content does not match).")
    return None


@transaction.atomic
def plan_save(*, actor, plan: UnitPlan, document=None) -> UnitPlan:
    """Record or correct a unit's plan (kept in its status; an accepted plan may not be changed)."""
    old = UnitPlan.objects.filter(pk=plan.pk).first() if plan.pk else None
    before = snapshot(old) if old else None
    plan.title = " ".join(nfc(plan.title or "").split())
    plan.note = nfc(plan.note or "")
    errors = _Errors()
    if old is not None and old.status == UnitPlan.Status.ACCEPTED:
        errors.add("__all__", _("An accepted plan cannot be changed; return it to draft first."))
    if not plan.title:
        errors.add("title", _("Enter the title of the plan."))
    unit = plan.unit if plan.unit_id else None
    if unit is None:
        errors.add("unit", _("Choose the unit."))
    if plan.year is None or not 2000 <= plan.year <= 2100:
        errors.add("year", _("Enter the year of the plan."))
    _not_future(errors, "filed_on", plan.filed_on)
    if unit is not None and plan.year and UnitPlan.objects.filter(unit=unit, year=plan.year).exclude(pk=plan.pk):
        errors.add("year", _("This unit already has a plan for that year."))
    message = plan_file_error(document)
    if message:
        errors.add("document", message)
    _writer_errors(actor, errors, ("unit", unit))
    errors.raise_if_any()
    if document is not None:
        plan.document = document
    if old is None:
        plan.status = UnitPlan.Status.DRAFT
        if _by(actor):
            plan.created_by = actor
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError({"year": [_("This unit already has a plan for that year.")]}) from None
    _audit(actor, plan, before, snapshot(plan), "unit_plan_save")
    return plan


def _transition(*, actor, plan: UnitPlan, old: str | tuple, new: str, verb: str, note: str = "", **fields):
    olds = (old,) if isinstance(old, str) else old
    changed = UnitPlan.objects.filter(pk=plan.pk, status__in=olds).update(status=new, **fields)
    if changed != 1:
        raise ValidationError({"status": [_("The plan's status has changed meanwhile; reload the page.")]})
    before = snapshot(plan)
    plan.refresh_from_db()
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=plan,
        before=before,
        after=snapshot(plan),
        verb=verb,
        note=note,
    )
    return plan


@transaction.atomic
def plan_file(*, actor, plan: UnitPlan, filed_on: dt.date | None = None) -> UnitPlan:
    """Draft → filed: the unit hands its plan in (the document is needed)."""
    errors = _Errors()
    _writer_errors(actor, errors, ("unit", plan.unit))
    if not plan.document:
        errors.add("document", _("Attach the plan document (PDF or DOCX) before filing it."))
    filed_on = filed_on or plan.filed_on or clock.today()
    _not_future(errors, "filed_on", filed_on)
    errors.raise_if_any()
    return _transition(
        actor=actor,
        plan=plan,
        old=UnitPlan.Status.DRAFT,
        new=UnitPlan.Status.FILED,
        verb="unit_plan_file",
        filed_on=filed_on,
    )


def may_accept(user) -> bool:
    return has_role(user, PLAN_EDITORS)


@transaction.atomic
def plan_accept(*, actor, plan: UnitPlan) -> UnitPlan:
    """Filed → accepted, by the coordinator or an administrator."""
    if actor is not None and not may_accept(actor):
        raise ValidationError({"status": [_("Only the coordinator or an administrator may accept a plan.")]})
    return _transition(
        actor=actor,
        plan=plan,
        old=UnitPlan.Status.FILED,
        new=UnitPlan.Status.ACCEPTED,
        verb="unit_plan_accept",
        accepted_by=_by(actor),
        accepted_on=clock.today(),
    )


@transaction.atomic
def plan_return(*, actor, plan: UnitPlan, note: str = "") -> UnitPlan:
    """Filed or accepted → draft, with the reason, by the coordinator or an administrator."""
    note = nfc(note or "").strip()
    if actor is not None and not may_accept(actor):
        raise ValidationError({"status": [_("Only the coordinator or an administrator may return a plan.")]})
    if not note:
        raise ValidationError({"note": [_("Say why the plan is returned.")]})
    return _transition(
        actor=actor,
        plan=plan,
        old=(UnitPlan.Status.FILED, UnitPlan.Status.ACCEPTED),
        new=UnitPlan.Status.DRAFT,
        verb="unit_plan_return",
        note=note,
        accepted_by=None,
        accepted_on=None,
    )


def plan_due(year: int) -> dt.date:
    """The date plans are due in `year`: setting COORDINATION_PLAN_DUE "dd/mm" (default 31/01)."""
    text = str(getattr(settings, "COORDINATION_PLAN_DUE", "31/01"))
    day, month = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


def units_expected(day: dt.date):
    """Units that file a plan: those taking part in a plan in force that year (none in a year no plan
    covers), except the People's Committee that approves the plan itself."""
    from lantoa.plans.selectors import units_in_plans

    return units_in_plans(day.year, day).exclude(kind=Unit.Kind.PEOPLES_COMMITTEE)


def plan_reminders_send(*, today: dt.date | None = None) -> int:
    """After the due date, e-mail the accounts of each unit with no filed or accepted plan for the year,
    once per (unit, year). Safe to run twice: the reminder row is written first, under a unique index."""
    today = today or clock.today()
    if today <= plan_due(today.year):
        return 0
    year = today.year
    have = UnitPlan.objects.filter(year=year, status__in=[UnitPlan.Status.FILED, UnitPlan.Status.ACCEPTED])
    done = PlanReminder.objects.filter(year=year)
    units = units_expected(today).exclude(pk__in=have.values("unit_id")).exclude(pk__in=done.values("unit_id"))
    sent = 0
    for unit in units:
        subject = _("Reminder: the BHXH communication plan of %(year)s") % {"year": year}
        body = _(
            "%(unit)s has not filed its BHXH communication plan for %(year)s, due on %(due)s. "
            "Please file it in Lan Tỏa (Coordination › Annual plans)."
        ) % {"unit": unit.name, "year": year, "due": format_date(plan_due(year))}
        if remind_unit_once(
            log_model=PlanReminder, unit=unit, year=year, day=today, subject=subject, body=body, logger=logger
        ):
            sent += 1
    return sent


# ----- agreements (M3) --------------------------------------------------------------------------------


@transaction.atomic
def agreement_save(*, actor, agreement: Agreement, parties=()) -> Agreement:
    parties = list(parties)
    old = Agreement.objects.filter(pk=agreement.pk).first() if agreement.pk else None
    before = _state(old, parties=old.parties.all()) if old else None
    agreement.title = " ".join(nfc(agreement.title or "").split())
    agreement.number = nfc(agreement.number or "").strip()
    agreement.content = nfc(agreement.content or "")
    errors = _Errors()
    if not agreement.title:
        errors.add("title", _("Enter the title of the agreement."))
    if len({p.pk for p in parties}) < 2:
        errors.add("parties", _("An agreement needs at least two parties."))
    if agreement.signed_on is None:
        errors.add("signed_on", _("Enter the date it was signed."))
    _not_future(errors, "signed_on", agreement.signed_on)
    if agreement.period_start is None:
        errors.add("period_start", _("Enter the start of the agreement's period."))
    elif agreement.period_end is not None and agreement.period_end < agreement.period_start:
        errors.add(
            "period_end",
            _("The agreement cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": format_date(agreement.period_end), "start": format_date(agreement.period_start)},
        )
    _writer_errors(actor, errors, *[("parties", p) for p in parties])
    _no_other_commune(actor, errors, "parties", parties)
    if old is not None:
        _writer_errors(actor, errors, *[("parties", p) for p in old.parties.all()])
    errors.raise_if_any()
    if old is None and _by(actor):
        agreement.created_by = actor
    agreement.save()
    agreement.parties.set(parties)
    _audit(actor, agreement, before, _state(agreement, parties=parties), "agreement_save")
    return agreement


@transaction.atomic
def review_save(*, actor, review: AgreementReview) -> AgreementReview:
    old = AgreementReview.objects.filter(pk=review.pk).first() if review.pk else None
    before = snapshot(old) if old else None
    review.outcome = nfc(review.outcome or "").strip()
    errors = _Errors()
    agreement = review.agreement
    if review.date is None:
        errors.add("date", _("Enter the date of the review."))
    _not_future(errors, "date", review.date)
    if review.date is not None and review.date < agreement.signed_on:
        errors.add("date", _("The review cannot be before the agreement was signed."))
    if review.kind not in AgreementReview.Kind.values:
        errors.add("kind", _("Choose interim or final review."))
    if not review.outcome:
        errors.add("outcome", _("Enter the outcome of the review."))
    if review.next_agreement_id and review.next_agreement_id == agreement.pk:
        errors.add("next_agreement", _("The next agreement must be another agreement."))
    _writer_errors(actor, errors, *[("__all__", p) for p in agreement.parties.all()])
    errors.raise_if_any()
    if old is None and _by(actor):
        review.created_by = actor
    review.save()
    _audit(actor, review, before, snapshot(review), "agreement_review_save")
    return review


# ----- inspections and awards (R7.4) ------------------------------------------------------------------


@transaction.atomic
def inspection_save(*, actor, inspection: Inspection) -> Inspection:
    old = Inspection.objects.filter(pk=inspection.pk).first() if inspection.pk else None
    before = snapshot(old) if old else None
    inspection.findings = nfc(inspection.findings or "").strip()
    inspection.recommendations = nfc(inspection.recommendations or "").strip()
    errors = _Errors()
    if inspection.date is None:
        errors.add("date", _("Enter the date."))
    _not_future(errors, "date", inspection.date)
    if not inspection.unit_id:
        errors.add("unit", _("Choose the unit inspected."))
    if not inspection.inspecting_unit_id:
        errors.add("inspecting_unit", _("Choose the inspecting unit."))
    if inspection.kind not in Inspection.Kind.values:
        errors.add("kind", _("Choose the kind."))
    if not inspection.findings:
        errors.add("findings", _("Enter the findings."))
    _writer_errors(
        actor,
        errors,
        ("inspecting_unit", inspection.inspecting_unit if inspection.inspecting_unit_id else None),
        ("unit", inspection.unit if inspection.unit_id else None),
    )
    _no_other_commune(actor, errors, "unit", [inspection.unit if inspection.unit_id else None])
    _no_other_commune(
        actor, errors, "inspecting_unit", [inspection.inspecting_unit if inspection.inspecting_unit_id else None]
    )
    errors.raise_if_any()
    if old is None and _by(actor):
        inspection.created_by = actor
    inspection.save()
    _audit(actor, inspection, before, snapshot(inspection), "inspection_save")
    return inspection


@transaction.atomic
def award_save(*, actor, award: Award) -> Award:
    old = Award.objects.filter(pk=award.pk).first() if award.pk else None
    before = snapshot(old) if old else None
    award.title = " ".join(nfc(award.title or "").split())
    award.recipient_name = " ".join(nfc(award.recipient_name or "").split())
    award.reason = nfc(award.reason or "").strip()
    errors = _Errors()
    if award.date is None:
        errors.add("date", _("Enter the date."))
    _not_future(errors, "date", award.date)
    if not award.title:
        errors.add("title", _("Enter the award (e.g. Giấy khen)."))
    if not award.awarded_by_id:
        errors.add("awarded_by", _("Choose the unit that gave the award."))
    given = [bool(award.person_id), bool(award.recipient_unit_id), bool(award.recipient_name)]
    if sum(given) == 0:
        errors.add("person", _("Choose the person, the unit or name the organisation awarded."))
    elif sum(given) > 1:
        errors.add("person", _("An award goes to one recipient: a person, a unit or an organisation."))
    _writer_errors(actor, errors, ("awarded_by", award.awarded_by if award.awarded_by_id else None))
    errors.raise_if_any()
    if old is None and _by(actor):
        award.created_by = actor
    award.save()
    _audit(actor, award, before, snapshot(award), "award_save")
    return award
