"""Reading the budget, always through the access gate. The read side the reports build on.

Spending of a unit in a year = its spending lines dated in the year + the cost of its DONE activities
(organiser = the unit, started in the year, cost > 0) that no line points to. A line pointing to an
activity stands for that activity (see models.py), so no activity is counted twice.

Everything takes `user` (None = a system computation: every unit) and a year; `unit` narrows to one unit.

- `unit_budgets(user=, year=, unit=None, check_status="")` → [UnitBudget]: estimate, spent (lines /
  activities), balance, % used, the finance check status, per unit.
- `budget_totals(rows)` → UnitBudget-like totals of those rows.
- `unit_budget_get(user=, unit_id=, year=)` → UnitBudget of one unit (404 outside the scope).
- `spending_items(user=, year=, unit=None, …)` → [SpendingItem]: every counted item, lines and activity
  costs alike, with form, campaign and check status.
- `spending_by_kind(...)` / `spending_by_campaign(...)` → [Breakdown]: spent per form of communication
  (`activities.kinds.Kind`) / per campaign, split into lines and activity costs.
- `estimate_list`, `line_list`, `activity_cost_list`: the querysets behind those figures.
- `check_queue(user=, year=None, unit=None)` → what the finance office has still to check.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, IntegerField, QuerySet, Sum, When
from django.http import Http404
from django.utils.translation import gettext as _

from lantoa.activities.kinds import Kind
from lantoa.activities.models import Activity, Campaign
from lantoa.orgs.access import scope_for, scope_queryset
from lantoa.orgs.models import Unit

from .models import BudgetEstimate, CheckStatus, SpendingLine

ZERO = Decimal(0)
NO_RECORDS = ""  # check status of a unit-year with nothing to check


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- the querysets -----------------------------------------------------------------------------------------


def estimate_list(*, user, year: int | None = None, unit: Unit | None = None, check_status: str = "") -> QuerySet:
    qs = BudgetEstimate.objects.select_related("unit", "checked_by")
    if user is not None:
        qs = scope_queryset(qs, user, unit_field="unit")
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if check_status:
        qs = qs.filter(check_status=check_status)
    return qs


def _line_kind():
    """A line's form: its activity's when tied to one (the activity may have been re-classified)."""
    return Case(When(activity__isnull=False, then=F("activity__kind")), default=F("kind"), output_field=CharField())


def _line_campaign():
    return Case(
        When(activity__isnull=False, then=F("activity__campaign_id")),
        default=F("campaign_id"),
        output_field=IntegerField(),
    )


def line_list(
    *,
    user,
    year: int | None = None,
    unit: Unit | None = None,
    check_status: str = "",
    kind: str | None = None,
    campaign: Campaign | None | bool = False,
) -> QuerySet:
    """Spending lines, each annotated with `form` and `campaign_key` (activity's first). `kind=""` means
    lines without a form; `campaign=None` lines without a campaign; False (default) does not filter."""
    qs = SpendingLine.objects.select_related("unit", "activity", "activity__campaign", "campaign", "checked_by")
    if user is not None:
        qs = scope_queryset(qs, user, unit_field="unit")
    qs = qs.annotate(form=_line_kind(), campaign_key=_line_campaign())
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if check_status:
        qs = qs.filter(check_status=check_status)
    if kind is not None:
        qs = qs.filter(form=kind)
    if campaign is None:
        qs = qs.filter(campaign_key__isnull=True)
    elif campaign is not False:
        qs = qs.filter(campaign_key=campaign.pk)
    return qs


def activity_cost_list(
    *,
    user,
    year: int | None = None,
    unit: Unit | None = None,
    kind: str | None = None,
    campaign: Campaign | None | bool = False,
) -> QuerySet:
    """Done activities whose cost counts directly: a cost above 0 and no spending line standing for them.
    Their money is the organiser's, so the gate reads them by organiser."""
    qs = (
        Activity.objects.filter(status=Activity.Status.DONE, cost__gt=0)
        .exclude(pk__in=SpendingLine.objects.filter(activity__isnull=False).values("activity_id"))
        .select_related("organiser", "campaign")
    )
    if user is not None:
        qs = scope_queryset(qs, user, unit_field="organiser")
    if year:
        qs = qs.filter(start_date__range=_year_range(year))
    if unit is not None:
        qs = qs.filter(organiser=unit)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if campaign is None:
        qs = qs.filter(campaign__isnull=True)
    elif campaign is not False:
        qs = qs.filter(campaign=campaign)
    return qs


# --- per unit ------------------------------------------------------------------------------------------------


def combined_status(statuses) -> str:
    """One status for many checked items: queried if any is, else to check if any is, else accepted."""
    statuses = set(statuses)
    if not statuses:
        return NO_RECORDS
    for status in (CheckStatus.QUERIED, CheckStatus.PENDING):
        if status in statuses:
            return status
    return CheckStatus.ACCEPTED


@dataclass
class UnitBudget:
    unit: Unit | None
    year: int
    estimate: Decimal = ZERO
    estimate_regular: Decimal = ZERO
    estimate_other: Decimal = ZERO
    spent_lines: Decimal = ZERO
    spent_activities: Decimal = ZERO
    # How many items are in each check status (activity costs not on a line count as "to check").
    counts: dict = field(default_factory=lambda: defaultdict(int))
    estimate_statuses: set = field(default_factory=set)

    @property
    def spent(self) -> Decimal:
        return self.spent_lines + self.spent_activities

    @property
    def balance(self) -> Decimal:
        return self.estimate - self.spent

    @property
    def percent_used(self) -> Decimal | None:
        if not self.estimate:
            return None
        return (self.spent * 100 / self.estimate).quantize(Decimal("0.1"))

    @property
    def over_budget(self) -> bool:
        return self.spent > self.estimate

    @property
    def check_status(self) -> str:
        return combined_status(s for s, n in self.counts.items() if n)

    @property
    def estimate_status(self) -> str:
        return combined_status(self.estimate_statuses)

    def get_check_status_display(self) -> str:
        return status_label(self.check_status)


def status_label(status: str) -> str:
    return str(CheckStatus(status).label) if status else _("Nothing to check")


def unit_budgets(*, user, year: int, unit: Unit | None = None, check_status: str = "") -> list[UnitBudget]:
    """Per unit of the scope with an estimate or spending in `year` (or `unit` alone, even when empty):
    estimate, spending and check status, by unit name. `check_status` keeps the units whose combined
    status is that one. Four grouped queries whatever the number of units."""
    rows: dict[int, UnitBudget] = {}

    def row(unit_id: int) -> UnitBudget:
        return rows.setdefault(unit_id, UnitBudget(None, year))

    if unit is not None:
        row(unit.pk)
    for r in (
        estimate_list(user=user, year=year, unit=unit)
        .order_by()
        .values("unit_id", "source", "check_status")
        .annotate(total=Sum("amount"), n=Count("id"))
    ):
        b = row(r["unit_id"])
        b.estimate += r["total"] or ZERO
        if r["source"] == BudgetEstimate.Source.REGULAR:
            b.estimate_regular += r["total"] or ZERO
        else:
            b.estimate_other += r["total"] or ZERO
        b.counts[r["check_status"]] += r["n"]
        b.estimate_statuses.add(r["check_status"])
    for r in (
        line_list(user=user, year=year, unit=unit)
        .order_by()
        .values("unit_id", "check_status")
        .annotate(total=Sum("amount"), n=Count("id"))
    ):
        b = row(r["unit_id"])
        b.spent_lines += r["total"] or ZERO
        b.counts[r["check_status"]] += r["n"]
    for r in (
        activity_cost_list(user=user, year=year, unit=unit)
        .order_by()
        .values("organiser_id")
        .annotate(total=Sum("cost"), n=Count("id"))
    ):
        b = row(r["organiser_id"])
        b.spent_activities += r["total"] or ZERO
        b.counts[CheckStatus.PENDING] += r["n"]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=rows)}
    for unit_id, b in rows.items():
        b.unit = units[unit_id]
    result = [b for b in rows.values() if not check_status or b.check_status == check_status]
    return sorted(result, key=lambda b: (b.unit.search_key, b.unit.pk))


def budget_totals(rows: list[UnitBudget], year: int) -> UnitBudget:
    total = UnitBudget(None, year)
    for b in rows:
        total.estimate += b.estimate
        total.estimate_regular += b.estimate_regular
        total.estimate_other += b.estimate_other
        total.spent_lines += b.spent_lines
        total.spent_activities += b.spent_activities
        for status, n in b.counts.items():
            total.counts[status] += n
        total.estimate_statuses |= b.estimate_statuses
    return total


def unit_get(*, user, pk: int) -> Unit:
    """A unit whose budget the user may read (404 otherwise)."""
    scope = scope_for(user)
    if scope.is_empty or (not scope.sees_all and pk not in scope.unit_ids):
        raise Http404
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_budget_get(*, user, unit_id: int, year: int) -> UnitBudget:
    unit = unit_get(user=user, pk=unit_id)
    return unit_budgets(user=user, year=year, unit=unit)[0]


# --- items and breakdowns --------------------------------------------------------------------------------------


@dataclass
class SpendingItem:
    """One counted item of spending: a line, or a done activity's cost not on a line."""

    date: dt.date
    description: str
    amount: Decimal
    unit: Unit
    kind: str
    campaign: Campaign | None
    activity: Activity | None = None
    line: SpendingLine | None = None
    check_status: str = CheckStatus.PENDING
    check_note: str = ""
    evidence: str = ""

    @property
    def from_activity_cost(self) -> bool:
        return self.line is None

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label) if self.kind in Kind.values else ""

    def get_check_status_display(self) -> str:
        return status_label(self.check_status)


def spending_items(
    *,
    user,
    year: int,
    unit: Unit | None = None,
    check_status: str = "",
    kind: str | None = None,
    campaign: Campaign | None | bool = False,
) -> list[SpendingItem]:
    """Every counted item of the year, newest first. Activity costs not on a line are "to check"."""
    items = []
    for line in line_list(user=user, year=year, unit=unit, check_status=check_status, kind=kind, campaign=campaign):
        camp = line.activity.campaign if line.activity_id else line.campaign
        items.append(
            SpendingItem(
                line.spent_on,
                line.description,
                line.amount,
                line.unit,
                line.form or "",
                camp,
                line.activity,
                line,
                line.check_status,
                line.check_note,
                line.evidence,
            )
        )
    if check_status in ("", CheckStatus.PENDING):
        for a in activity_cost_list(user=user, year=year, unit=unit, kind=kind, campaign=campaign):
            items.append(SpendingItem(a.start_date, a.title, a.cost, a.organiser, a.kind, a.campaign, a))
    return sorted(items, key=lambda i: (i.date, i.description), reverse=True)


@dataclass
class Breakdown:
    key: str | int | None  # a Kind value ("" = no form given) or a campaign id (None = no campaign)
    label: str
    campaign: Campaign | None = None
    lines: Decimal = ZERO
    activities: Decimal = ZERO
    count: int = 0

    @property
    def total(self) -> Decimal:
        return self.lines + self.activities

    share: Decimal | None = None  # % of all spending shown


def _with_shares(rows: list[Breakdown]) -> list[Breakdown]:
    grand = sum((r.total for r in rows), ZERO)
    for r in rows:
        r.share = (r.total * 100 / grand).quantize(Decimal("0.1")) if grand else None
    return sorted(rows, key=lambda r: (-r.total, r.label))


def spending_by_kind(*, user, year: int, unit: Unit | None = None, check_status: str = "") -> list[Breakdown]:
    """Spending per form of communication; lines without a form under "" (not given)."""
    rows: dict[str, Breakdown] = {}

    def row(kind):
        kind = kind or ""
        label = str(Kind(kind).label) if kind in Kind.values else _("Form not given")
        return rows.setdefault(kind, Breakdown(kind, label))

    for r in (
        line_list(user=user, year=year, unit=unit, check_status=check_status)
        .order_by()
        .values("form")
        .annotate(total=Sum("amount"), n=Count("id"))
    ):
        b = row(r["form"])
        b.lines += r["total"] or ZERO
        b.count += r["n"]
    if check_status in ("", CheckStatus.PENDING):
        for r in (
            activity_cost_list(user=user, year=year, unit=unit)
            .order_by()
            .values("kind")
            .annotate(total=Sum("cost"), n=Count("id"))
        ):
            b = row(r["kind"])
            b.activities += r["total"] or ZERO
            b.count += r["n"]
    return _with_shares(list(rows.values()))


def spending_by_campaign(*, user, year: int, unit: Unit | None = None, check_status: str = "") -> list[Breakdown]:
    """Spending per campaign; spending outside any campaign under None."""
    rows: dict[int | None, Breakdown] = {}

    def row(campaign_id):
        return rows.setdefault(campaign_id, Breakdown(campaign_id, ""))

    for r in (
        line_list(user=user, year=year, unit=unit, check_status=check_status)
        .order_by()
        .values("campaign_key")
        .annotate(total=Sum("amount"), n=Count("id"))
    ):
        b = row(r["campaign_key"])
        b.lines += r["total"] or ZERO
        b.count += r["n"]
    if check_status in ("", CheckStatus.PENDING):
        for r in (
            activity_cost_list(user=user, year=year, unit=unit)
            .order_by()
            .values("campaign_id")
            .annotate(total=Sum("cost"), n=Count("id"))
        ):
            b = row(r["campaign_id"])
            b.activities += r["total"] or ZERO
            b.count += r["n"]
    campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in=[k for k in rows if k is not None])}
    for key, b in rows.items():
        b.campaign = campaigns.get(key)
        b.label = b.campaign.name if b.campaign else _("No campaign")
    return _with_shares(list(rows.values()))


# --- the finance office's queue ------------------------------------------------------------------------------


@dataclass
class CheckQueue:
    estimates: QuerySet
    lines: QuerySet
    activities: QuerySet

    @property
    def total(self) -> int:
        return self.estimates.count() + self.lines.count() + self.activities.count()


def check_queue(*, user, year: int | None = None, unit: Unit | None = None) -> CheckQueue:
    """Estimates and lines to check (pending first, then queried ones waiting for the unit's answer are not
    listed), and activity costs not yet on a line."""
    return CheckQueue(
        estimate_list(user=user, year=year, unit=unit, check_status=CheckStatus.PENDING).order_by("year", "unit__name"),
        line_list(user=user, year=year, unit=unit, check_status=CheckStatus.PENDING).order_by("spent_on", "id"),
        activity_cost_list(user=user, year=year, unit=unit).order_by("start_date", "id"),
    )


def writable_units(*, user, year: int | None = None) -> QuerySet:
    """Units the user may keep the budget of (those in force at some time of `year` when given)."""
    from .services import may_write

    if not may_write(user):
        return Unit.objects.none()
    scope = scope_for(user)
    qs = Unit.objects.all() if scope.sees_all else Unit.objects.filter(pk__in=scope.unit_ids)
    if year:
        first, last = _year_range(year)
        qs = qs.exclude(valid_from__gt=last).exclude(valid_to__lt=first)
    return qs.order_by("search_key")


def readable_units(*, user) -> QuerySet:
    scope = scope_for(user)
    qs = Unit.objects.all() if scope.sees_all else Unit.objects.filter(pk__in=scope.unit_ids)
    return qs.order_by("search_key")


def writable_activities(*, user, unit: Unit | None = None, year: int | None = None) -> QuerySet:
    """Activities a line may point to: of the units the user keeps, not yet on another line."""
    qs = Activity.objects.filter(organiser__in=writable_units(user=user)).select_related("organiser")
    if unit is not None:
        qs = qs.filter(organiser=unit)
    if year:
        qs = qs.filter(start_date__range=_year_range(year))
    return qs.order_by("-start_date")


__all__ = [
    "Breakdown",
    "CheckQueue",
    "SpendingItem",
    "UnitBudget",
    "activity_cost_list",
    "budget_totals",
    "check_queue",
    "estimate_list",
    "line_list",
    "spending_by_campaign",
    "spending_by_kind",
    "spending_items",
    "unit_budget_get",
    "unit_budgets",
]
