import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from lantoa.activities.models import Activity, Campaign
from lantoa.core.text import search_key
from lantoa.geo.selectors import rollup_source_ids
from lantoa.orgs.access import scope_for


def _scope_condition(user) -> Q | None:
    """None when the user sees everything; else who organised it, co-organised it, or where."""
    scope = scope_for(user)
    if scope.sees_all:
        return None
    co = Activity.co_organisers.through.objects.filter(unit_id__in=scope.unit_ids).values("activity_id")
    return Q(organiser__in=scope.unit_ids) | Q(area__in=scope.area_ids) | Q(pk__in=co)


def activity_scope(*, user) -> QuerySet:
    """Every activity the user may read (all of them for `user=None`: system computations)."""
    qs = Activity.objects.all()
    if user is None:
        return qs
    condition = _scope_condition(user)
    return qs if condition is None else qs.filter(condition)


def activity_list(
    *,
    user,
    q: str = "",
    kind: str = "",
    status: str = "",
    area=None,
    organiser=None,
    campaign=None,
    topic=None,
    group=None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    modern: bool | None = None,
) -> QuerySet:
    qs = activity_scope(user=user).select_related("organiser", "area", "campaign")
    if q:
        qs = qs.filter(search_key__contains=search_key(q))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if area is not None:
        qs = qs.filter(area__in=rollup_source_ids(area))
    if organiser is not None:
        qs = qs.filter(Q(organiser=organiser) | Q(co_organisers=organiser)).distinct()
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if topic is not None:
        qs = qs.filter(topics=topic)
    if group is not None:
        qs = qs.filter(audiences__group=group)
    if date_from:
        qs = qs.filter(start_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    if modern is not None:
        qs = qs.filter(modern=modern)
    return qs


def activity_get(*, user, pk: int) -> Activity:
    activity = activity_scope(user=user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def campaign_list(*, user, year: int | None = None) -> QuerySet:
    """Campaigns are district-wide events: every member of a unit reads them."""
    if scope_for(user).is_empty:
        return Campaign.objects.none()
    qs = Campaign.objects.select_related("organiser")
    if year:
        qs = qs.filter(start_date__year=year)
    return qs


def campaign_get(*, user, pk: int) -> Campaign:
    campaign = campaign_list(user=user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign
