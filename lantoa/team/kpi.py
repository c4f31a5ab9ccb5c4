"""Indicator T1 `team_trained_share` (imported by TeamConfig.ready).

For the plan year, within the user's scope (the members' units and areas through the access gate),
narrowed to an area (the members recorded on it, its hamlets and the communes merged into it) or a unit:

- denominator = distinct people holding a team role on at least one day of the year (a person with two
  roles counts once);
- numerator = those of them who completed (completed=True) at least one DONE training activity dated in
  the year — on the list under any of their roles; a cancelled or planned class counts for nothing, and
  attending without completing is not trained;
- records = one member row per person counted in the denominator, annotated `trained` for the drill-down.

M10 (`training_classes`, the number of classes) stays with the activities app.
"""

from decimal import Decimal

from django.db.models import Min
from django.utils.translation import gettext as _

from lantoa.core import clock
from lantoa.geo.selectors import rollup_source_ids
from lantoa.plans.kpi import KpiContext, KpiResult, registry
from lantoa.team.models import TeamMember
from lantoa.team.selectors import active_in_year_q, completed_in_year, member_scope, trained_person_exists

COMPUTATION = "team_trained_share"


def members_in_year(ctx: KpiContext):
    qs = member_scope(user=ctx.user).filter(active_in_year_q(ctx.year))
    if ctx.area is not None:
        qs = qs.filter(area_id__in=rollup_source_ids(ctx.area))
    if ctx.unit is not None:
        qs = qs.filter(unit=ctx.unit)
    return qs


@registry.implement(COMPUTATION)
def team_trained_share(ctx: KpiContext) -> KpiResult:
    if ctx.year > clock.today().year:
        return KpiResult(no_data_reason=_("the year has not started"))
    first_rows = dict(
        members_in_year(ctx).values("person_id").annotate(first=Min("pk")).values_list("person_id", "first")
    )
    if not first_rows:
        # The same words as while the computation waited for this app: what the figure needs. With no team
        # list entered anywhere yet the dashboard says so (it shows the needs of "waiting" figures only).
        return KpiResult(
            no_data_reason=_("the communication team and training attendance"),
            waiting=not TeamMember.objects.exists(),
        )
    trained = set(
        completed_in_year(ctx.year)
        .filter(member__person_id__in=list(first_rows))
        .values_list("member__person_id", flat=True)
        .distinct()
    )
    total, done = len(first_rows), len(trained)
    records = (
        TeamMember.objects.filter(pk__in=list(first_rows.values()))
        .select_related("person", "unit", "area", "area__parent")
        .annotate(trained=trained_person_exists(ctx.year))
        .order_by("-trained", "person__name_key", "pk")
    )
    return KpiResult(
        actual=(Decimal(done) * 100 / Decimal(total)).quantize(Decimal("0.1")),
        numerator=Decimal(done),
        denominator=Decimal(total),
        records=records,
        details={"members": total, "trained": done, "not_trained": total - done},
    )


def _register_drilldown() -> None:
    from lantoa.plans.views import record_renderers

    record_renderers["team.teammember"] = ("team/member_table.html", lambda user, rows: rows)


_register_drilldown()
