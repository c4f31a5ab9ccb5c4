"""Reading coordination records, always through the access gate: a record is visible when one of its
units (giving unit, parties, unit inspected or inspecting, awarding or awarded unit) is in the user's scope."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.audience.models import Person, StaffPosting
from lantoa.core import clock
from lantoa.core.text import search_key
from lantoa.orgs.access import scope_for
from lantoa.orgs.models import Unit

from .models import Agreement, AgreementReview, Award, Briefing, Inspection, UnitPlan


def may_write(user) -> bool:
    return getattr(user, "is_authenticated", False) and not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def _scoped(qs: QuerySet, user, *fields: str) -> QuerySet:
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.is_empty:
        return qs.none()
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__in": scope.unit_ids})
    # Through a subquery: a many-to-many condition would repeat rows.
    return qs.filter(pk__in=qs.model.objects.filter(condition).values("pk"))


def _get(qs: QuerySet, user, *fields: str, pk: int):
    try:
        return _scoped(qs, user, *fields).get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None


def _year_q(field: str, year: int | None) -> Q:
    return Q(**{f"{field}__year": year}) if year else Q()


def units_visible(user) -> QuerySet:
    scope = scope_for(user)
    qs = Unit.objects.all()
    return qs if scope.sees_all else qs.filter(pk__in=scope.unit_ids)


def units_writable(user) -> QuerySet:
    return units_visible(user) if may_write(user) else Unit.objects.none()


# ----- briefings and leaders --------------------------------------------------------------------------

BRIEFING_FIELDS = ("unit", "informed_units")


def briefing_list(*, user, year=None, kind="", unit=None, q="") -> QuerySet:
    qs = (
        Briefing.objects.select_related("unit")
        .prefetch_related("topics")
        .annotate(n_leaders=Count("leaders", distinct=True))
    )
    # An aggregate drops the model's ordering: say it again.
    qs = _scoped(qs, user, *BRIEFING_FIELDS).filter(_year_q("date", year)).order_by("-date", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(Q(unit=unit) | Q(informed_units=unit) | Q(leaders__postings__unit=unit)).distinct()
    if q:
        key = search_key(q)
        qs = qs.filter(Q(title__icontains=q) | Q(document_number__icontains=q) | Q(leaders__name_key__contains=key))
        qs = qs.distinct()
    return qs


def briefing_get(*, user, pk: int) -> Briefing:
    return _get(Briefing.objects.select_related("unit", "created_by"), user, *BRIEFING_FIELDS, pk=pk)


def _overlaps_year(year: int) -> Q:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=start))


def leader_rows(*, user, year: int, unit=None) -> list[dict]:
    """The leaders on the staff lists of the user's units in the year, with how often each was informed."""
    postings = StaffPosting.objects.filter(_overlaps_year(year), is_leader=True, person__merged_into__isnull=True)
    scope = scope_for(user)
    if not scope.sees_all:
        postings = postings.filter(unit__in=scope.unit_ids)
    if unit is not None:
        postings = postings.filter(unit=unit)
    postings = postings.select_related("person", "unit").order_by("unit__search_key", "person__name_key")
    ids = {p.person_id for p in postings}
    counts = dict(
        Briefing.objects.filter(date__year=year, leaders__in=ids)
        .values("leaders")
        .annotate(n=Count("id", distinct=True))
        .values_list("leaders", "n")
    )
    emails = dict(
        Person.objects.filter(pk__in=ids, leader_contact__isnull=False).values_list("pk", "leader_contact__email")
    )
    return [
        {
            "posting": p,
            "person": p.person,
            "unit": p.unit,
            "informed": counts.get(p.person_id, 0),
            "email": emails.get(p.person_id, ""),
        }
        for p in postings
    ]


def leader_get(*, user, pk: int) -> Person:
    """A person who is (or was) a leader on a staff list of the user's scope."""
    postings = StaffPosting.objects.filter(is_leader=True, person_id=pk)
    scope = scope_for(user)
    if not scope.sees_all:
        postings = postings.filter(unit__in=scope.unit_ids)
    if not postings.exists():
        raise Http404
    return Person.objects.get(pk=pk)


def leader_choices(*, user) -> QuerySet:
    """People on a leader posting of a unit the user may write for (the briefing form's list)."""
    if not may_write(user):
        return Person.objects.none()
    leaders = StaffPosting.objects.filter(is_leader=True)
    scope = scope_for(user)
    if not scope.sees_all:
        leaders = leaders.filter(unit__in=scope.unit_ids)
    return Person.objects.filter(merged_into__isnull=True, pk__in=leaders.values("person_id"))


def person_scope_get(*, user, pk: int) -> Person:
    from lantoa.audience.selectors import person_get

    return person_get(user=user, pk=pk)


# ----- plans ------------------------------------------------------------------------------------------


def plan_list(*, user, year=None, status="", unit=None, q="") -> QuerySet:
    qs = _scoped(UnitPlan.objects.select_related("unit", "accepted_by"), user, "unit")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__search_key__contains=search_key(q)))
    return qs


def plan_get(*, user, pk: int) -> UnitPlan:
    return _get(UnitPlan.objects.select_related("unit", "accepted_by", "created_by"), user, "unit", pk=pk)


def units_without_plan(*, user, year: int) -> list[Unit]:
    """Units expected to file for the year (in force on 1 January or later in it) without a filed or
    accepted plan, within the user's scope."""
    from .services import units_expected

    day = min(dt.date(year, 12, 31), max(dt.date(year, 1, 1), clock.today()))
    have = UnitPlan.objects.filter(year=year, status__in=[UnitPlan.Status.FILED, UnitPlan.Status.ACCEPTED])
    qs = units_expected(day).exclude(pk__in=have.values("unit_id"))
    scope = scope_for(user)
    if not scope.sees_all:
        qs = qs.filter(pk__in=scope.unit_ids)
    return list(qs)


# ----- agreements -------------------------------------------------------------------------------------


def agreement_list(*, user, year=None, unit=None, q="") -> QuerySet:
    qs = _scoped(Agreement.objects.prefetch_related("parties", "reviews"), user, "parties")
    if year:
        qs = qs.filter(period_start__year__lte=year).filter(Q(period_end__isnull=True) | Q(period_end__year__gte=year))
    if unit is not None:
        qs = qs.filter(pk__in=Agreement.objects.filter(parties=unit).values("pk"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    return qs


def agreement_get(*, user, pk: int) -> Agreement:
    return _get(Agreement.objects.all(), user, "parties", pk=pk)


def review_list(*, user) -> QuerySet:
    return _scoped(AgreementReview.objects.select_related("agreement", "next_agreement"), user, "agreement__parties")


def agreement_choices(*, user) -> QuerySet:
    return _scoped(Agreement.objects.all(), user, "parties")


# ----- inspections and awards -------------------------------------------------------------------------

INSPECTION_FIELDS = ("unit", "inspecting_unit")
AWARD_FIELDS = ("awarded_by", "recipient_unit", "person__unit")


def inspection_list(*, user, year=None, kind="", unit=None, q="") -> QuerySet:
    qs = _scoped(Inspection.objects.select_related("unit", "inspecting_unit"), user, *INSPECTION_FIELDS)
    qs = qs.filter(_year_q("date", year))
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(Q(unit=unit) | Q(inspecting_unit=unit))
    if q:
        qs = qs.filter(Q(findings__icontains=q) | Q(recommendations__icontains=q))
    return qs


def inspection_get(*, user, pk: int) -> Inspection:
    return _get(Inspection.objects.select_related("unit", "inspecting_unit"), user, *INSPECTION_FIELDS, pk=pk)


def award_list(*, user, year=None, unit=None, q="") -> QuerySet:
    qs = _scoped(Award.objects.select_related("awarded_by", "person", "recipient_unit"), user, *AWARD_FIELDS)
    qs = qs.filter(_year_q("date", year))
    if unit is not None:
        qs = qs.filter(Q(awarded_by=unit) | Q(recipient_unit=unit) | Q(person__unit=unit))
    if q:
        key = search_key(q)
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(recipient_name__icontains=q)
            | Q(person__name_key__contains=key)
            | Q(recipient_unit__search_key__contains=key)
            | Q(reason__icontains=q)
        )
    return qs


def award_get(*, user, pk: int) -> Award:
    return _get(Award.objects.select_related("awarded_by", "person", "recipient_unit"), user, *AWARD_FIELDS, pk=pk)
