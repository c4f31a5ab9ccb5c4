"""Reading the team and the class lists, always through the access gate (by the member's unit or area)."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from lantoa.accounts.roles import READ_ONLY, has_role
from lantoa.activities.kinds import Kind
from lantoa.activities.models import Activity
from lantoa.activities.selectors import activity_get
from lantoa.core.models import valid_on
from lantoa.core.text import search_key
from lantoa.geo.selectors import rollup_source_ids
from lantoa.orgs.access import get_scoped_or_404, scope_for, scope_queryset
from lantoa.team.models import TeamMember, TrainingAttendance


def may_write(user) -> bool:
    return getattr(user, "is_authenticated", False) and not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def member_scope(*, user) -> QuerySet:
    """Every member row the user may read (every one for `user=None`: system computations)."""
    qs = TeamMember.objects.all()
    if user is None:
        return qs
    return scope_queryset(qs, user, unit_field="unit", area_field="area")


def active_in_year_q(year: int, prefix: str = "") -> Q:
    """Members who held their role on at least one day of `year`."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": last})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": first})
    )


def completed_in_year(year: int) -> QuerySet:
    """Completions that count for T1: of a DONE training class dated in `year`."""
    return TrainingAttendance.objects.filter(
        completed=True,
        activity__kind=Kind.TRAINING,
        activity__status=Activity.Status.DONE,
        activity__start_date__year=year,
    )


def trained_person_exists(year: int, person_ref: str = "person_id"):
    """Exists(): the person (any of their member rows) completed a class of `year`."""
    return Exists(completed_in_year(year).filter(member__person_id=OuterRef(person_ref)))


def personal_in_full_q(user, prefix: str = "") -> Q:
    """The people whose CCCD and phone `user` sees in full (`audience.selectors.may_see_personal`), as a
    condition on `<prefix>unit` / `<prefix>area`; every one for `user=None` (system computations)."""
    from lantoa.accounts.roles import PERSONAL_DATA_READERS
    from lantoa.audience.selectors import LOCAL_PERSONAL_DATA_READERS

    if user is None or has_role(user, PERSONAL_DATA_READERS):
        return Q()
    if not has_role(user, LOCAL_PERSONAL_DATA_READERS):
        return Q(pk__in=[])
    scope = scope_for(user)
    return Q(**{f"{prefix}unit_id__in": scope.unit_ids}) | Q(**{f"{prefix}area_id__in": scope.area_ids})


def search_q(user, q: str, prefix: str = "") -> Q:
    """A name, CCCD or phone search on people (`prefix`: the path to the person).

    Personal data law (Decree 13/2023, now Law 91/2025/QH15 and Decree 356/2025: CCCD and phone are
    personal data, processed only as far as the purpose needs): a search by an identifier must not tell a
    role that sees identifiers masked that a named person has this CCCD or phone — a masked result still
    would. So an identifier matches only the people whose identifiers the user sees in full; for everyone
    else the digits match nothing (no hit, nothing to audit, nothing stored). A whole CCCD (12 digits) or
    phone (at least 9 digits) is needed: shorter digits would uncover a number a guess at a time."""
    key = search_key(q)
    cond = Q(**{f"{prefix}name_key__contains": key}) if key else Q(pk__in=[])
    digits = "".join(ch for ch in q if ch.isdecimal())
    if len(digits) >= 9:
        national = digits.removeprefix("84") if len(digits) == 11 and digits.startswith("84") else digits
        ident = Q(**{f"{prefix}cccd": digits}) | Q(**{f"{prefix}phone__endswith": national.lstrip("0")[-9:]})
        cond |= ident & personal_in_full_q(user, prefix)
    return cond


def person_search(*, user, q: str) -> QuerySet:
    """People the user may put on the team, found by name, or by CCCD / phone where they may see them."""
    from lantoa.audience.selectors import person_scope

    return person_scope(user=user).filter(anonymised_at__isnull=True).filter(search_q(user, q))


def member_list(
    *,
    user,
    q: str = "",
    role: str = "",
    unit=None,
    commune=None,
    on: dt.date | None = None,
    year: int | None = None,
    trained: bool | None = None,
    person=None,
) -> QuerySet:
    """Members the user may see. `trained` (with `year`): whose person completed a class in that year."""
    qs = member_scope(user=user).select_related("person", "unit", "area", "area__parent")
    if q:
        qs = qs.filter(search_q(user, q, prefix="person__"))
    if role:
        qs = qs.filter(role=role)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if commune is not None:
        qs = qs.filter(area_id__in=rollup_source_ids(commune))
    if on is not None:
        qs = qs.filter(valid_on(on))
    if person is not None:
        qs = qs.filter(person=person)
    if year is not None:
        qs = qs.annotate(trained=trained_person_exists(year))
        if trained is not None:
            qs = qs.filter(active_in_year_q(year), trained=trained)
    return qs


def member_get(*, user, pk: int) -> TeamMember:
    return get_scoped_or_404(
        TeamMember.objects.select_related("person", "unit", "area", "area__parent"),
        user,
        unit_field="unit",
        area_field="area",
        pk=pk,
    )


def member_trainings(member: TeamMember) -> QuerySet:
    """The classes on the member's list (any of the person's rows: a class trains the person)."""
    return (
        TrainingAttendance.objects.filter(member__person_id=member.person_id)
        .select_related("activity", "member")
        .order_by("-activity__start_date")
    )


# ----- training ---------------------------------------------------------------------------------------


def training_get(*, user, pk: int) -> Activity:
    """A training activity the user may read; 404 for any other activity."""
    activity = activity_get(user=user, pk=pk)
    if activity.kind != Kind.TRAINING:
        from django.http import Http404

        raise Http404
    return activity


def class_list(*, user, activity: Activity) -> tuple[QuerySet, int]:
    """The class list rows the user may see, and how many more (members of other units) there are."""
    rows = TrainingAttendance.objects.filter(activity=activity).select_related(
        "member", "member__person", "member__unit", "member__area"
    )
    visible = rows if user is None else rows.filter(member__in=member_scope(user=user))
    return visible, rows.count() - visible.count()


def class_candidates(*, user, activity: Activity, q: str = "", role: str = "", unit=None, commune=None) -> QuerySet:
    """Members the user may put on the class list: in the team on the class date, not on it yet."""
    start, end = activity.start_date, activity.end_date or activity.start_date
    qs = member_list(user=user, q=q, role=role, unit=unit, commune=commune)
    qs = qs.exclude(valid_from__gt=end).exclude(valid_to__lt=start)
    return qs.exclude(pk__in=TrainingAttendance.objects.filter(activity=activity).values("member_id"))
