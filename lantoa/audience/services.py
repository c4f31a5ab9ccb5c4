"""Writing the registry: validated with the same cleaners as the import, atomic, audited."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.activities.models import Activity
from lantoa.audience import fields
from lantoa.audience.models import (
    ConsentEvent,
    DataRequest,
    Employer,
    Household,
    MergeRecord,
    Person,
    Reach,
    Segment,
)
from lantoa.core import clock
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, save_with_audit, snapshot
from lantoa.core.text import nfc, search_key
from lantoa.orgs.access import scope_for

# Field → cleaner used for a person's identifying fields (forms and imports share them).
PERSON_CLEANERS = {
    "cccd": fields.clean_cccd,
    "bhxh_number": fields.clean_bhxh,
    "phone": fields.clean_phone,
    "phone2": fields.clean_phone,
}


def check_may_write(actor, *, unit_id: int | None, area_id: int | None) -> None:
    """Writers keep records of their own unit and areas; read-only roles write nothing."""
    if has_role(actor, READ_ONLY):
        raise ValidationError(_("Your role may read but not change the registry."))
    if actor is None:
        return
    scope = scope_for(actor)
    if not scope.allows(unit_id=unit_id, area_id=area_id):
        raise ValidationError(_("This record belongs to another unit or area."))


def _clean_person(person: Person) -> None:
    errors = {}
    try:
        person.full_name = fields.clean_name(person.full_name)
    except fields.FieldError as exc:
        errors["full_name"] = str(exc)
    for name, cleaner in PERSON_CLEANERS.items():
        try:
            setattr(person, name, cleaner(getattr(person, name)))
        except fields.FieldError as exc:
            errors[name] = str(exc)
    if person.birth_date:
        if person.birth_date > clock.today():
            errors["birth_date"] = _("the date of birth is in the future")
        person.birth_year = person.birth_date.year
    elif person.birth_year and person.birth_year > clock.today().year:
        errors["birth_year"] = _("the date of birth is in the future")
    if person.insurance_status != "voluntary":
        person.payment_mode = ""
    if person.area_id and person.area.level < 3:
        errors["area"] = _("Choose a commune or hamlet.")
    for name in ("address", "occupation", "note"):
        value = nfc(getattr(person, name))
        if value.startswith("="):  # would run as a formula in the Excel exports
            errors[name] = str(_("is a formula, not a value: copy the values (Paste Special → Values) and try again"))
        setattr(person, name, value)
    if errors:
        raise ValidationError(errors)
    person.name_key = search_key(person.full_name)


@transaction.atomic
def person_save(*, actor, person: Person, groups: Iterable | None = None, verb: str = "person_save") -> Person:
    """Create or edit a person by hand."""
    check_may_write(actor, unit_id=person.unit_id, area_id=person.area_id)
    _clean_person(person)
    if person.pk is None:
        person.created_by = actor if getattr(actor, "is_authenticated", False) else None
        person.source = person.source or _("entered by hand")
    save_with_audit(actor=actor, obj=person, verb=verb)
    if groups is not None:
        before = sorted(person.groups.values_list("code", flat=True))
        person.groups.set([g for g in groups if not g.computed])
        after = sorted(person.groups.values_list("code", flat=True))
        if before != after:
            audit_log(
                actor=actor,
                action=AuditLog.Action.UPDATE,
                obj=person,
                before={"groups": before},
                after={"groups": after},
                verb="person_groups",
            )
    return person


@transaction.atomic
def consent_record(
    *, actor, person: Person, given: bool, channel: str = "all", day: dt.date | None = None, how: str = ""
) -> ConsentEvent:
    """Consent given or withdrawn: a new event (never an edit of an old one) and the person's current state."""
    day = day or clock.today()
    event = ConsentEvent.objects.create(
        person=person,
        given=given,
        channel=channel,
        date=day,
        how=nfc(how),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    before = snapshot(person)
    person.consent = given
    person.consent_date = day
    person.consent_channel = channel if given else ""
    person.save(update_fields=["consent", "consent_date", "consent_channel", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=person,
        before=before,
        after=snapshot(person),
        verb="consent_given" if given else "consent_withdrawn",
        note=how,
    )
    if not given:
        DataRequest.objects.create(
            person=person,
            kind=DataRequest.Kind.WITHDRAWAL,
            received=day,
            note=nfc(how),
            handled_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return event


ANONYMISED_FIELDS = {
    "full_name": "",
    "name_key": "",
    "birth_date": None,
    "cccd": "",
    "bhxh_number": "",
    "phone": "",
    "phone2": "",
    "address": "",
    "occupation": "",
    "note": "",
    "declared_income": None,
    "consent": False,
    "consent_channel": "",
    "household": None,
    "employer": None,
}


@transaction.atomic
def person_anonymise(*, actor, person: Person, received: dt.date | None = None, note: str = "") -> Person:
    """Delete a person's data on request (Law 91/2025): identifiers are wiped; area, birth year, sex,
    groups, status and reach stay so that the counts of past years do not change."""
    check_may_write(actor, unit_id=person.unit_id, area_id=person.area_id)
    if person.anonymised_at:
        raise ValidationError(_("This person's data has already been deleted."))
    DataRequest.objects.create(
        person=person,
        kind=DataRequest.Kind.DELETION,
        received=received or clock.today(),
        note=nfc(note),
        handled_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The duplicates once merged into this person are the same person: their copies go too.
    ids, frontier = {person.pk}, {person.pk}
    while frontier:
        frontier = set(Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    now = timezone.now()
    for copy in Person.objects.filter(pk__in=ids - {person.pk}):
        for name, value in ANONYMISED_FIELDS.items():
            setattr(copy, name, value)
        copy.anonymised_at = now
        copy.save()
    for name, value in ANONYMISED_FIELDS.items():
        setattr(person, name, value)
    person.anonymised_at = now
    person.save()
    ConsentEvent.objects.filter(person__in=ids).delete()
    MergeRecord.objects.filter(kept__in=ids).update(merged_snapshot={}, fields_taken=[])
    # The audit keeps which record was deleted, not what it said.
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=person, verb="person_anonymise", note=nfc(note))
    AuditLog.objects.filter(target_type="audience.person", target_id__in=[str(i) for i in ids]).exclude(
        verb="person_anonymise"
    ).update(changes={}, target_repr=str(_("(anonymised)")), search_text="")
    return person


def record_data_request(*, actor, person: Person, kind: str, note: str = "") -> DataRequest:
    request = DataRequest.objects.create(
        person=person,
        kind=kind,
        received=clock.today(),
        note=nfc(note),
        handled_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=person, verb=f"data_request_{kind}", note=nfc(note))
    return request


# ----- reach ------------------------------------------------------------------------------------------


def _activity_flags(activity: Activity) -> tuple[bool, bool]:
    topics = list(activity.topics.values_list("voluntary_bhxh", "reform_number"))
    return any(v for v, _r in topics), any(r for _v, r in topics)


@transaction.atomic
def reach_add_for_activity(*, actor, activity: Activity, person_ids: Iterable[int], note: str = "") -> int:
    """Record that the people took part in / were visited by the activity. Adding someone twice is a no-op.
    Returns how many were new."""
    check_may_write(actor, unit_id=activity.organiser_id, area_id=activity.area_id)
    voluntary, reform = _activity_flags(activity)
    key = f"a:{activity.pk}"
    ids = set(person_ids)
    existing = set(Reach.objects.filter(source_key=key, person_id__in=ids).values_list("person_id", flat=True))
    new = [
        Reach(
            person_id=pid,
            date=activity.start_date,
            source=Reach.Source.ACTIVITY,
            source_key=key,
            activity=activity,
            voluntary=voluntary,
            reform=reform,
        )
        for pid in sorted(ids - existing)
    ]
    # Someone adding the same people at the same moment: the unique constraint keeps one row each.
    Reach.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    if new:
        audit_log(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=activity,
            after={"people_reached_added": len(new)},
            before={},
            verb="reach_add",
            note=note,
        )
    return len(new)


def reach_add_for_message(*, rows) -> int:
    """Reach from delivered messages: rows of (person id, date, message id, voluntary, reform). Written by
    the system when a provider reports delivery; writing one twice is a no-op."""
    new = [
        Reach(
            person_id=pid,
            date=day,
            source=Reach.Source.MESSAGE,
            source_key=f"m:{mid}",
            voluntary=voluntary,
            reform=reform,
        )
        for pid, day, mid, voluntary, reform in rows
    ]
    Reach.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def reach_remove_for_activity(*, actor, activity: Activity, person_ids: Iterable[int]) -> int:
    check_may_write(actor, unit_id=activity.organiser_id, area_id=activity.area_id)
    removed, _detail = Reach.objects.filter(activity=activity, person_id__in=list(person_ids)).delete()
    if removed:
        audit_log(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=activity,
            before={"people_reached_removed": removed},
            after={},
            verb="reach_remove",
        )
    return removed


def reach_refresh_for_activity(activity: Activity) -> None:
    """Hook for activities: the date and topic flags of its reach follow the activity when it is edited."""
    voluntary, reform = _activity_flags(activity)
    Reach.objects.filter(activity=activity).exclude(
        date=activity.start_date, voluntary=voluntary, reform=reform
    ).update(date=activity.start_date, voluntary=voluntary, reform=reform)


# ----- households, employers, segments ---------------------------------------------------------------


@transaction.atomic
def household_save(*, actor, household: Household) -> Household:
    check_may_write(actor, unit_id=household.unit_id, area_id=household.area_id)
    try:
        household.head_name = fields.clean_name(household.head_name) if household.head_name else ""
    except fields.FieldError as exc:  # a digit in the name: said under the field, as for a person
        raise ValidationError({"head_name": str(exc)}) from None
    household.code, household.address = nfc(household.code), nfc(household.address)
    household.search_key = search_key(f"{household.head_name} {household.code} {household.address}")
    return save_with_audit(actor=actor, obj=household, verb="household_save")


@transaction.atomic
def employer_save(*, actor, employer: Employer) -> Employer:
    check_may_write(actor, unit_id=employer.unit_id, area_id=employer.area_id)
    errors = {}
    try:
        employer.tax_code = fields.clean_tax_code(employer.tax_code)
    except fields.FieldError as exc:
        errors["tax_code"] = str(exc)
    if employer.tax_code and Employer.objects.filter(tax_code=employer.tax_code).exclude(pk=employer.pk).exists():
        errors["tax_code"] = _("An employer with this tax code is already registered.")
    if errors:
        raise ValidationError(errors)
    employer.name, employer.address = nfc(employer.name), nfc(employer.address)
    employer.compliance_note = nfc(employer.compliance_note)
    employer.search_key = search_key(f"{employer.name} {employer.tax_code} {employer.address}")
    return save_with_audit(actor=actor, obj=employer, verb="employer_save")


@transaction.atomic
def segment_save(*, actor, segment: Segment) -> Segment:
    check_may_write(actor, unit_id=segment.unit_id, area_id=None)
    segment.name = nfc(segment.name)
    if not segment.name:
        raise ValidationError({"name": _("Give the segment a name.")})
    if segment.pk is None:
        segment.created_by = actor if getattr(actor, "is_authenticated", False) else None
    return save_with_audit(actor=actor, obj=segment, verb="segment_save")
