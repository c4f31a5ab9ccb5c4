"""Reading the registry: always through the access gate, identifiers masked unless the role may see them."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from lantoa.accounts.roles import PERSONAL_DATA_READERS, Role, has_role
from lantoa.audience.models import Employer, Household, Person, Reach, Segment, StaffPosting
from lantoa.core import clock
from lantoa.core.text import mask_phone, search_key
from lantoa.geo.selectors import rollup_source_ids
from lantoa.orgs.access import scope_for, scope_queryset
from lantoa.taxonomy.models import TargetGroup

# Roles that see identifiers in full for the people of their own unit and areas (they call and visit them).
LOCAL_PERSONAL_DATA_READERS = {Role.COMMUNE_OFFICER, Role.UNIT_OFFICER}


def person_scope(*, user) -> QuerySet:
    """Every person the user may read (`user=None`: system computations). Merged duplicates are left out."""
    qs = Person.objects.filter(merged_into__isnull=True)
    if user is None:
        return qs
    return scope_queryset(qs, user, unit_field="unit", area_field="area")


def person_get(*, user, pk: int) -> Person:
    qs = Person.objects.select_related("area", "unit", "household", "employer", "merged_into")
    if user is not None:
        qs = scope_queryset(qs, user, unit_field="unit", area_field="area")
    try:
        return qs.get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None


def may_see_personal(user, person: Person | None = None) -> bool:
    """CCCD, BHXH number and phone in full: the insurance office, coordinator and administrators for
    everyone; commune and unit officers for the people they keep or who live in their areas."""
    if has_role(user, PERSONAL_DATA_READERS):
        return True
    if not has_role(user, LOCAL_PERSONAL_DATA_READERS):
        return False
    if person is None:
        return True  # within the (already scoped) lists they read
    return scope_for(user).allows(unit_id=person.unit_id, area_id=person.area_id)


def mask_id(value: str) -> str:
    """079123456789 → 0791******89."""
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 6, 0) + value[-2:]


@dataclass
class PersonView:
    """A person as one user may see them."""

    person: Person
    full: bool
    cccd: str = ""
    bhxh_number: str = ""
    phone: str = ""
    phone2: str = ""

    def __getattr__(self, name):
        return getattr(self.person, name)


def present(user, person: Person, *, full: bool | None = None) -> PersonView:
    if full is None:
        full = may_see_personal(user, person)
    national = lambda e164: "0" + e164[3:] if e164.startswith("+84") else e164  # noqa: E731
    if full:
        phones = national(person.phone), national(person.phone2)
        return PersonView(person, True, person.cccd, person.bhxh_number, *phones)
    return PersonView(
        person,
        False,
        mask_id(person.cccd),
        mask_id(person.bhxh_number),
        mask_phone(person.phone),
        mask_phone(person.phone2),
    )


# ----- filters shared by the list page and saved segments ---------------------------------------------


@dataclass
class PersonFilter:
    """Everything a segment can say. Stored as JSON in `Segment.filters` (see `to_json` / `from_json`)."""

    q: str = ""
    area_ids: list[int] = field(default_factory=list)
    group_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    due_within_days: int | None = None  # next payment due between today and today + N days
    consent: bool | None = None
    reached: str = ""  # "" | "yes" | "no"
    reached_year: int | None = None
    reached_topic_voluntary: bool = False  # reached on voluntary BHXH only
    unit_id: int | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None, [], False)}

    @classmethod
    def from_json(cls, data: dict) -> "PersonFilter":
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


def due_soon_window() -> int:
    group = TargetGroup.objects.filter(computed=True, voluntary_group=7).first()
    return (group.due_window_days if group and group.due_window_days is not None else 30) or 30


def due_soon_q(day: dt.date | None = None, days: int | None = None) -> Q:
    """Group (7) of footnote ¹: voluntary contributors whose next payment falls due within the window."""
    day = day or clock.today()
    days = due_soon_window() if days is None else days
    return Q(insurance_status="voluntary", next_due_date__gte=day, next_due_date__lte=day + dt.timedelta(days=days))


def apply_filter(qs: QuerySet, f: PersonFilter, *, today: dt.date | None = None, identifiers: bool = True) -> QuerySet:
    """`identifiers`: whether `q` may match CCCD, BHXH number and phone — not for roles that see them
    masked, or the search would reveal the hidden digits one guess at a time."""
    today = today or clock.today()
    if f.q:
        key = search_key(f.q)
        digits = "".join(ch for ch in f.q if ch.isdecimal())
        cond = Q(name_key__contains=key)
        if identifiers and len(digits) >= 6:
            cond |= Q(cccd=digits) | Q(bhxh_number=digits) | Q(phone__endswith=digits.lstrip("0"))
        qs = qs.filter(cond)
    if f.area_ids:
        from lantoa.geo.models import Area

        ids: set[int] = set()
        for area in Area.objects.filter(id__in=f.area_ids):
            ids |= rollup_source_ids(area)
        qs = qs.filter(area__in=ids)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.group_codes:
        computed = set(TargetGroup.objects.filter(code__in=f.group_codes, computed=True).values_list("code", flat=True))
        typed = [c for c in f.group_codes if c not in computed]
        cond = Q(pk__in=[])
        if typed:
            cond |= Q(groups__code__in=typed)
        if computed:
            cond |= due_soon_q(today)
        qs = qs.filter(cond).distinct()
    if f.statuses:
        qs = qs.filter(insurance_status__in=f.statuses)
    if f.sex:
        qs = qs.filter(sex=f.sex)
    if f.age_min is not None:
        qs = qs.filter(birth_year__lte=today.year - f.age_min)
    if f.age_max is not None:
        qs = qs.filter(birth_year__gte=today.year - f.age_max)
    if f.due_within_days is not None:
        qs = qs.filter(due_soon_q(today, f.due_within_days))
    if f.consent is not None:
        qs = qs.filter(consent=f.consent)
    if f.reached:
        reach = Reach.objects.filter(person=OuterRef("pk"))
        if f.reached_year:
            reach = reach.filter(date__year=f.reached_year)
        if f.reached_topic_voluntary:
            reach = reach.filter(voluntary=True)
        qs = qs.filter(Exists(reach)) if f.reached == "yes" else qs.exclude(Exists(reach))
    return qs


def person_list(*, user, filters: PersonFilter | None = None) -> QuerySet:
    qs = person_scope(user=user).filter(anonymised_at__isnull=True).select_related("area", "unit")
    return apply_filter(qs, filters or PersonFilter(), identifiers=user is None or may_see_personal(user))


def segment_list(*, user) -> QuerySet:
    return scope_queryset(Segment.objects.select_related("unit"), user, unit_field="unit")


def segment_get(*, user, pk: int) -> Segment:
    try:
        return segment_list(user=user).get(pk=pk)
    except Segment.DoesNotExist:
        raise Http404 from None


def segment_people(segment: Segment, *, user, today: dt.date | None = None) -> QuerySet:
    """The people of a saved segment, as `user` may see them today (messaging and reports reuse this)."""
    qs = person_scope(user=user).filter(anonymised_at__isnull=True)
    identifiers = user is None or may_see_personal(user)
    return apply_filter(qs, PersonFilter.from_json(segment.filters), today=today, identifiers=identifiers)


def household_list(*, user) -> QuerySet:
    return scope_queryset(Household.objects.select_related("area"), user, unit_field="unit", area_field="area")


def employer_list(*, user) -> QuerySet:
    return scope_queryset(Employer.objects.select_related("area"), user, unit_field="unit", area_field="area")


def staff_list(*, user, on: dt.date | None = None) -> QuerySet:
    from lantoa.core.models import valid_on

    qs = StaffPosting.objects.select_related("person", "unit")
    if on is not None:
        qs = qs.filter(valid_on(on))
    return scope_queryset(qs, user, unit_field="unit")
