import datetime as dt
from decimal import Decimal

import pytest

from conftest import legacy_commune
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Campaign
from lantoa.budget.models import BudgetEstimate, SpendingLine
from lantoa.core.text import search_key
from lantoa.orgs.models import Unit


@pytest.fixture(autouse=True)
def english():
    """Messages are compared by their English msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield


def unit(code) -> Unit:
    return Unit.objects.get(code=code)


def money(text: str) -> Decimal:
    """'2.100.000' → Decimal(2100000)."""
    return Decimal(text.replace(".", ""))


def activity(unit_code, day, *, kind=Kind.CONFERENCE, cost=None, status="done", campaign=None, title=None):
    u = unit(unit_code)
    area = u.area if u.area.level >= 3 else legacy_commune("Xã Thường Lạc")
    title = title or f"{kind} {day}"
    return Activity.objects.create(
        title=title,
        kind=kind,
        channel=Channel.DIRECT,
        status=status,
        start_date=day,
        organiser=u,
        area=area,
        cost=None if cost is None else money(cost),
        campaign=campaign,
        search_key=search_key(title),
    )


def campaign(year=2023) -> Campaign:
    return Campaign.objects.create(
        name=f"Tháng vận động {year}",
        type=Campaign.Type.MAY,
        start_date=dt.date(year, 5, 1),
        end_date=dt.date(year, 5, 31),
        organiser=unit("hn-ldtbxh"),
        search_key=search_key(f"thang van dong {year}"),
    )


def estimate(unit_code, year, amount, source=BudgetEstimate.Source.REGULAR):
    return BudgetEstimate.objects.create(unit=unit(unit_code), year=year, amount=money(amount), source=source)


def line(unit_code, day, amount, *, activity=None, kind="", campaign=None, description="Chi"):
    return SpendingLine.objects.create(
        unit=unit(unit_code),
        year=day.year,
        spent_on=day,
        amount=money(amount),
        activity=activity,
        kind=kind,
        campaign=campaign,
        description=description,
    )


@pytest.fixture
def world(default_data):
    """The hand-counted 2023 world (the figures are worked out in test_selectors.py).

    Thường Lạc (A, hn-ubnd-thuong-lac) and the district insurance office (B, hn-bhxh)."""
    may = campaign(2023)
    a1 = activity("hn-ubnd-thuong-lac", dt.date(2023, 5, 10), kind=Kind.CONFERENCE, cost="3.000.000", campaign=may)
    a2 = activity("hn-ubnd-thuong-lac", dt.date(2023, 6, 2), kind=Kind.VISUAL, cost="2.000.000")
    activity("hn-ubnd-thuong-lac", dt.date(2023, 7, 1), kind=Kind.TALK, cost="1.000.000", status="planned")
    activity("hn-ubnd-thuong-lac", dt.date(2023, 8, 1), kind=Kind.TALK)  # no cost
    activity("hn-ubnd-thuong-lac", dt.date(2022, 9, 1), kind=Kind.TRAINING, cost="4.000.000")  # another year
    a6 = activity("hn-bhxh", dt.date(2023, 5, 20), kind=Kind.PRESS_PIECE, cost="6.000.000", campaign=may)
    estimate("hn-ubnd-thuong-lac", 2023, "20.000.000")
    estimate("hn-ubnd-thuong-lac", 2023, "5.000.000", BudgetEstimate.Source.OTHER)
    estimate("hn-bhxh", 2023, "50.000.000")
    l1 = line("hn-ubnd-thuong-lac", dt.date(2023, 6, 5), "2.100.000", activity=a2, kind=Kind.VISUAL)
    l2 = line("hn-ubnd-thuong-lac", dt.date(2023, 5, 15), "1.500.000", kind=Kind.GIFT, campaign=may)
    l3 = line("hn-ubnd-thuong-lac", dt.date(2023, 10, 1), "400.000")
    l4 = line("hn-bhxh", dt.date(2023, 3, 1), "10.000.000", kind=Kind.VISUAL)
    return {"may": may, "a1": a1, "a2": a2, "a6": a6, "l1": l1, "l2": l2, "l3": l3, "l4": l4}
