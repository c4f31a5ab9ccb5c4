"""Merging duplicates: one person kept, the other kept as a row pointing at it, nothing of the history lost.

The merged record's reach, consent history, staff postings and requests move to the kept one, so a
person reached once under each record counts once afterwards; what the merged record said is kept in
the MergeRecord (and the audit) for checking or undoing by hand.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lantoa.audience.duplicates import DISMISS_VERB, dismissed_pairs
from lantoa.audience.models import (
    ConsentEvent,
    DataRequest,
    DuplicateDismissal,
    InsuranceStatus,
    MergeRecord,
    Person,
    Reach,
    StaffPosting,
)
from lantoa.audience.services import check_may_write
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, snapshot
from lantoa.core.text import search_key

# The fields whose value may come from either record (in the order of the side-by-side page).
MERGEABLE_FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "cccd",
    "bhxh_number",
    "phone",
    "phone2",
    "address",
    "area",
    "household",
    "employer",
    "occupation",
    "insurance_status",
    "payment_mode",
    "next_due_date",
    "declared_income",
    "source",
    "note",
)
KEPT, MERGED = "kept", "merged"
# Values that say "not known" although the field has one: the default yields to the other record's.
EMPTY_DEFAULTS = {"insurance_status": InsuranceStatus.NONE}


def is_empty(name: str, value) -> bool:
    return value in (None, "") or (name in EMPTY_DEFAULTS and value == EMPTY_DEFAULTS[name])


def _attname(name: str) -> str:
    return Person._meta.get_field(name).attname


def _snapshot(person: Person) -> dict:
    data = snapshot(person)
    data["groups"] = sorted(person.groups.values_list("code", flat=True))
    return data


def consent_after_merge(kept: Person, merged: Person) -> tuple[bool, dt.date | None, str]:
    """The consent state of the merged person: the latest decision of either record wins, and on the same
    day a withdrawal wins — an opt-out recorded on either record is never silently undone."""
    decisions = []
    for person in (kept, merged):
        if person.consent or person.consent_date:
            # Consent without a date is older than any dated decision.
            day = person.consent_date or dt.date.min
            decisions.append((day, person.consent, person.consent_channel if person.consent else ""))
    for event in ConsentEvent.objects.filter(person__in=[kept.pk, merged.pk]):
        decisions.append((event.date, event.given, event.channel if event.given else ""))
    if not decisions:
        return False, None, ""
    day, given, channel = max(decisions, key=lambda d: (d[0], not d[1]))
    return given, (None if day == dt.date.min else day), channel


def _check_choices(choices: dict[str, str]) -> None:
    unknown = sorted(set(choices) - set(MERGEABLE_FIELDS))
    bad = sorted(name for name, value in choices.items() if value not in (KEPT, MERGED))
    if unknown or bad:
        raise ValidationError(_("Unknown field choice: %(fields)s.") % {"fields": ", ".join(unknown + bad)})


@transaction.atomic
def person_merge(*, actor, kept: Person, merged: Person, choices: dict[str, str] | None = None) -> MergeRecord:
    """Merge `merged` into `kept`. `choices` says per field whether the value of the kept ("kept") or of
    the merged record ("merged") stays; a field not named keeps the kept value unless that is empty.

    Refuses a merge into oneself, into a merged or deleted record, and a record already merged (two
    people merging the same duplicate at once: the second is told, nothing is written twice)."""
    choices = dict(choices or {})
    _check_choices(choices)
    if kept.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    # Both rows locked in id order (PostgreSQL; SQLite's immediate transactions already serialise writers),
    # so that A→B and B→A at the same time cannot both succeed.
    rows = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk")}
    kept_row, merged_row = rows.get(kept.pk), rows.get(merged.pk)
    if kept_row is None or merged_row is None:
        raise ValidationError(_("One of the records no longer exists."))
    check_may_write(actor, unit_id=kept_row.unit_id, area_id=kept_row.area_id)
    check_may_write(actor, unit_id=merged_row.unit_id, area_id=merged_row.area_id)
    if kept_row.merged_into_id is not None or kept_row.anonymised_at is not None:
        raise ValidationError(_("The record to keep has itself been merged into another one or deleted."))
    if merged_row.anonymised_at is not None:
        raise ValidationError(_("This person's data has been deleted: the record cannot be merged."))
    merged_snapshot = _snapshot(merged_row)
    kept_before = _snapshot(kept_row)
    # The claim: of two merges of the same record only one changes the row.
    claimed = Person.objects.filter(pk=merged_row.pk, merged_into__isnull=True, anonymised_at__isnull=True).update(
        merged_into=kept_row
    )
    if claimed != 1:
        raise ValidationError(_("This record has already been merged into another one."))

    taken = []
    for name in MERGEABLE_FIELDS:
        attname = _attname(name)
        ours, theirs = getattr(kept_row, attname), getattr(merged_row, attname)
        choice = choices.get(name)
        take = choice == MERGED if choice else (is_empty(name, ours) and not is_empty(name, theirs))
        if take and ours != theirs:
            setattr(kept_row, attname, theirs)
            taken.append(name)
    # What follows from the copied values, as person_save derives it.
    kept_row.name_key = search_key(kept_row.full_name)
    if kept_row.birth_date:
        kept_row.birth_year = kept_row.birth_date.year
    elif not kept_row.birth_year and merged_row.birth_year:
        kept_row.birth_year = merged_row.birth_year
    if kept_row.insurance_status != InsuranceStatus.VOLUNTARY:
        kept_row.payment_mode = ""
    kept_row.consent, kept_row.consent_date, kept_row.consent_channel = consent_after_merge(kept_row, merged_row)
    kept_row.save()
    kept_row.groups.add(*merged_row.groups.all())

    # Reach: a reach by the same activity or message already on the kept record is dropped, not doubled.
    on_kept = Reach.objects.filter(person=kept_row).values("source_key")
    moved = Reach.objects.filter(person=merged_row).exclude(source_key__in=on_kept).update(person=kept_row)
    Reach.objects.filter(person=merged_row).delete()
    ConsentEvent.objects.filter(person=merged_row).update(person=kept_row)
    StaffPosting.objects.filter(person=merged_row).update(person=kept_row)
    DataRequest.objects.filter(person=merged_row).update(person=kept_row)
    # Records merged earlier into the merged one now point straight at the kept one.
    Person.objects.filter(merged_into=merged_row).update(merged_into=kept_row)
    merged_row.merged_into = kept_row

    record = MergeRecord.objects.create(
        kept=kept_row,
        merged=merged_row,
        merged_snapshot=merged_snapshot,
        fields_taken=taken,
        reach_moved=moved,
        by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=kept_row,
        before=kept_before,
        after=_snapshot(kept_row),
        verb="person_merge",
        note=_("merged record #%(id)s into this one") % {"id": merged_row.pk},
    )
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=merged_row,
        before={"merged_into": None},
        after={"merged_into": kept_row.pk},
        verb="person_merged_into",
        note=_("merged into record #%(id)s") % {"id": kept_row.pk},
    )
    # The caller's objects follow the database.
    for obj, row in ((kept, kept_row), (merged, merged_row)):
        if obj is not row:
            obj.refresh_from_db()
    return record


@transaction.atomic
def people_merge(*, actor, kept: Person, others: Sequence[Person], selection: dict[str, int]) -> list[MergeRecord]:
    """Merge several records into `kept` at once, all or nothing. `selection` names per field the id of the
    record whose value stays (the side-by-side page's radio buttons)."""
    others = [p for p in others if p.pk != kept.pk]
    if not others:
        raise ValidationError(_("Choose at least two records to merge."))
    records = []
    for other in others:
        choices = {
            name: MERGED if pk == other.pk else KEPT for name, pk in selection.items() if name in MERGEABLE_FIELDS
        }
        records.append(person_merge(actor=actor, kept=kept, merged=other, choices=choices))
    return records


@transaction.atomic
def duplicates_dismiss(*, actor, people: Iterable[Person], note: str = "") -> int:
    """Mark the records as different people: the finder no longer pairs them. Returns the pairs added."""
    people = sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk)
    if len(people) < 2:
        raise ValidationError(_("Choose at least two records."))
    for person in people:
        check_may_write(actor, unit_id=person.unit_id, area_id=person.area_id)
    known = dismissed_pairs()
    added = 0
    for i, first in enumerate(people):
        for second in people[i + 1 :]:
            if frozenset((first.pk, second.pk)) in known:
                continue
            dismissal = DuplicateDismissal.objects.create(
                person_a=first, person_b=second, by=actor if getattr(actor, "is_authenticated", False) else None
            )
            audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=dismissal, verb=DISMISS_VERB, note=note)
            added += 1
    return added
