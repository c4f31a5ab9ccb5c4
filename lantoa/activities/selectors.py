import datetime as dt
from calendar import monthrange

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


def calendar(*, user, year: int, organiser=None) -> list[dict]:
    """Planned against done, per unit and month of `year` (R2.4)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractMonth

    from lantoa.orgs.models import Unit

    qs = activity_scope(user=user).filter(start_date__year=year)
    if organiser is not None:
        qs = qs.filter(organiser=organiser)
    counts = (
        qs.annotate(month=ExtractMonth("start_date"))
        .values("organiser_id", "month", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[int, dict] = {}
    for row in counts:
        months = table.setdefault(
            row["organiser_id"], {m: {"planned": 0, "done": 0, "cancelled": 0} for m in range(1, 13)}
        )
        months[row["month"]][row["status"]] += row["n"]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=table)}
    rows = []
    for unit_id, months in table.items():
        cells = [
            {"month": m, "first": dt.date(year, m, 1), "last": dt.date(year, m, monthrange(year, m)[1]), **months[m]}
            for m in range(1, 13)
        ]
        rows.append(
            {
                "unit": units[unit_id],
                "months": cells,
                "planned": sum(c["planned"] for c in cells),
                "done": sum(c["done"] for c in cells),
            }
        )
    return sorted(rows, key=lambda r: r["unit"].search_key)
