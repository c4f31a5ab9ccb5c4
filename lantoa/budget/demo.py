"""Demo budget for 2022–2025 and 2026 up to today, built on the demo activities (`Activity.is_demo`):

- estimates (regular budget) for the district offices and associations that run the plan and every commune
  committee in force
  during the year, a few with a second estimate from another source;
- a cost on the demo activities that spend money (conferences, talks, trainings, banners, press pieces);
  household visits and Zalo posts cost nothing;
- about half of those costs settled on a spending line with a voucher number (the line then stands for
  the activity), plus a few other lines per unit (leaflets, gift books, collaborators' allowances);
- per unit and year the finance office has accepted everything (most units), queried one item, or left part of
  the year to check (more of these in 2025 and 2026); its check of an activity cost is kept on a line (models.py).
Some units end a year above their estimate. Load after the activities; remove before them.
"""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantoa.activities.kinds import Kind
from lantoa.activities.models import Activity, Campaign
from lantoa.core import clock
from lantoa.demo.units import in_force
from lantoa.orgs.models import Unit

from .models import BudgetEstimate, CheckStatus, SpendingLine

YEARS = (2022, 2023, 2024, 2025, 2026)
LAST_CHECKED = 2024  # the finance office has checked the years up to this one most
OFFICES = ("hn-ldtbxh", "hn-bhxh", "hn-vhtt", "hn-ttvhtt")  # and every association (mass organisation)
# Cost ranges (thousand VND) of the demo activities that spend money.
COSTS = {
    Kind.CONFERENCE: (3000, 8000),
    Kind.DIALOGUE: (2500, 6000),
    Kind.TALK: (1500, 4000),
    Kind.TRAINING: (5000, 12000),
    Kind.VISUAL: (2000, 5000),
    Kind.PRESS_PIECE: (3000, 6000),
}
OTHER_LINES = (
    ("In tờ rơi tuyên truyền BHXH tự nguyện", Kind.VISUAL, (1500, 4000)),
    ("Mua sổ BHXH tặng hộ nghèo, cận nghèo", Kind.GIFT, (2000, 6000)),
    ("Bồi dưỡng cộng tác viên tuyên truyền", Kind.HOUSEHOLD_VISIT, (1000, 3000)),
    ("Họp tổ, nhóm tuyên truyền tại ấp", Kind.SMALL_GROUP, (1500, 5000)),
    ("Văn phòng phẩm, tài liệu hội nghị", "", (300, 1200)),
)
# Households visited with a small allowance for the collaborator (thousand VND), one visit in two.
VISIT_COST = (100, 300)
# The insurance office runs most of the district's conferences and trainings: a larger estimate.
BIG_OFFICES = {"hn-bhxh": (70_000, 130_000)}


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount in thousands, rounded to 10.000 đ."""
    return Decimal(rng.randint(low // 10, high // 10) * 10_000)


def _units_in(year: int) -> list[Unit]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_force_in_year = (Q(valid_from__isnull=True) | Q(valid_from__lte=last)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    # The offices, or those they were merged into when the district closed (2025).
    offices = {u.pk for o in Unit.objects.filter(code__in=OFFICES) for u in (o, in_force(o, last)) if u is not None}
    qs = Unit.objects.filter(in_force_in_year).filter(
        Q(pk__in=offices) | Q(kind__in=[Unit.Kind.COMMUNE_COMMITTEE, Unit.Kind.ASSOCIATION])
    )
    return list(qs.order_by("code"))


QUERIES = (
    "Bổ sung chứng từ thanh toán (hóa đơn, bảng kê).",
    "Số tiền chưa khớp với dự toán được giao; đề nghị giải trình.",
    "Khoản chi chưa đúng nội dung tuyên truyền BHXH; đề nghị làm rõ.",
)
# Per unit and year, what the finance office has done: everything accepted, one item queried, or part of
# the year still to check. The last plan year is checked least.
OUTCOMES = {"finished": (0.78, 0.10), "last": (0.45, 0.10)}


def _checked(obj, status: str, year: int, today: dt.date, note: str = "") -> None:
    obj.check_status, obj.check_note = status, note
    obj.checked_at = timezone.make_aware(dt.datetime(min(year + 1, today.year), 1, 20, 9, 0))


def _apply_checks(rng: random.Random, records: list, activities: list, year: int, today: dt.date) -> list:
    """Check one unit's year; returns the lines that record checks of activity costs (those not settled
    on a line: the finance office's check of one is kept on a new line of the same amount)."""
    accepted, queried = OUTCOMES["last" if year > LAST_CHECKED else "finished"]
    roll = rng.random()
    outcome = "accepted" if roll < accepted else ("queried" if roll < accepted + queried else "pending")
    check_lines = []
    for a in activities:
        if outcome != "pending" or rng.random() < 0.5:
            line = SpendingLine(
                unit_id=a.organiser_id,
                year=year,
                spent_on=a.start_date,
                description=a.title[:300],
                amount=a.cost,
                activity=a,
                kind=a.kind,
                campaign_id=a.campaign_id,
                is_demo=True,
            )
            check_lines.append(line)
    everything = records + check_lines
    rng.shuffle(everything)
    if outcome == "pending":
        everything = everything[: len(everything) // 2]  # the other half still to check
    for obj in everything:
        _checked(obj, CheckStatus.ACCEPTED, year, today)
    if outcome == "queried" and everything:
        _checked(everything[0], CheckStatus.QUERIED, year, today, rng.choice(QUERIES))
    return check_lines


@transaction.atomic
def budget_demo_load(*, seed: int = 2022) -> dict:
    """Refuses to run twice (remove first)."""
    if BudgetEstimate.objects.filter(is_demo=True).exists() or SpendingLine.objects.filter(is_demo=True).exists():
        return {"budget_estimates": 0, "spending_lines": 0, "already": True}
    rng = random.Random(seed)
    today = clock.today()

    costed = []
    for a in Activity.objects.filter(is_demo=True, cost__isnull=True).order_by("id"):
        if a.kind in COSTS:
            a.cost = _money(rng, *COSTS[a.kind])
        elif a.kind == Kind.HOUSEHOLD_VISIT and rng.random() < 0.5:
            a.cost = _money(rng, *VISIT_COST)
        else:
            continue
        costed.append(a)
    Activity.objects.bulk_update(costed, ["cost"], batch_size=500)

    records: dict[tuple[int, int], list] = defaultdict(list)  # (unit, year) → its estimates and lines
    direct: dict[tuple[int, int], list] = defaultdict(list)  # (unit, year) → activity costs counted as such
    for n, a in enumerate(costed, start=1):
        key = (a.organiser_id, a.start_date.year)
        if a.status != Activity.Status.DONE:
            continue
        if rng.random() < 0.5:
            direct[key].append(a)
            continue
        records[key].append(
            SpendingLine(
                unit_id=a.organiser_id,
                year=a.start_date.year,
                spent_on=a.start_date,
                description=a.title[:300],
                amount=a.cost + rng.choice((0, 0, 0, 50_000, -50_000)),  # the settled amount may differ a little
                activity=a,
                kind=a.kind,
                campaign_id=a.campaign_id,
                evidence=f"PC-{n:04d}/{a.start_date.year}",
                is_demo=True,
            )
        )

    may = {c.start_date.year: c for c in Campaign.objects.filter(is_demo=True, type=Campaign.Type.MAY)}
    for year in YEARS:
        if year > today.year:
            break
        for unit in _units_in(year):
            key = (unit.pk, year)
            commune = unit.kind == Unit.Kind.COMMUNE_COMMITTEE
            half = year == 2025 and commune  # old communes to 30/06, new ones from 01/07
            low, high = BIG_OFFICES.get(unit.code, (15_000, 30_000) if commune else (30_000, 80_000))
            amount = _money(rng, low, high) / (2 if half else 1)
            records[key].append(
                BudgetEstimate(
                    unit=unit,
                    year=year,
                    amount=amount.quantize(Decimal(10_000)),
                    note=f"Dự toán chi thường xuyên năm {year} (Quyết định giao dự toán của UBND)",
                    is_demo=True,
                )
            )
            if not commune and rng.random() < 0.3:
                records[key].append(
                    BudgetEstimate(
                        unit=unit,
                        year=year,
                        source=BudgetEstimate.Source.OTHER,
                        amount=_money(rng, 5_000, 15_000),
                        note="Kinh phí hỗ trợ từ BHXH tỉnh",
                        is_demo=True,
                    )
                )
            first = max(dt.date(year, 1, 1), unit.valid_from or dt.date(year, 1, 1))
            last = min(dt.date(year, 12, 31), unit.valid_to or dt.date(year, 12, 31), today)
            if last < first:
                continue
            n_lines = rng.randint(2, 4) if commune else rng.randint(1, 3)
            for description, kind, (low, high) in rng.sample(OTHER_LINES, n_lines):
                day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                records[key].append(
                    SpendingLine(
                        unit=unit,
                        year=year,
                        spent_on=day,
                        description=description,
                        amount=_money(rng, low, high),
                        kind=kind,
                        campaign=may.get(year) if day.month == 5 else None,
                        evidence=f"PC-{rng.randint(100, 999)}/{year}",
                        is_demo=True,
                    )
                )
    estimates, lines = [], []
    for key in sorted(set(records) | set(direct)):
        check_lines = _apply_checks(rng, records[key], direct[key], key[1], today)
        for obj in records[key] + check_lines:
            (estimates if isinstance(obj, BudgetEstimate) else lines).append(obj)
    BudgetEstimate.objects.bulk_create(estimates, batch_size=500)
    SpendingLine.objects.bulk_create(lines, batch_size=500)
    return {"budget_estimates": len(estimates), "spending_lines": len(lines), "activity_costs": len(costed)}


@transaction.atomic
def budget_demo_remove() -> dict:
    """The demo estimates and lines, and the costs put on demo activities (the demo loader of activities
    gives them none, so every demo activity's cost goes back to empty)."""
    lines = SpendingLine.objects.filter(is_demo=True).delete()[0]
    estimates = BudgetEstimate.objects.filter(is_demo=True).delete()[0]
    costs = Activity.objects.filter(is_demo=True, cost__isnull=False).update(cost=None)
    return {"budget_estimates": estimates, "spending_lines": lines, "activity_costs": costs}
