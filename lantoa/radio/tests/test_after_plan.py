"""After the 2022–2025 plan: records go on, weeks no plan covers are "no plan in force", never failures."""

import datetime as dt

import pytest
from django.urls import reverse

from conftest import current_commune
from lantoa.accounts.roles import Role
from lantoa.orgs.models import Unit
from lantoa.plans.models import Indicator, Plan, Target
from lantoa.radio import services
from lantoa.radio.models import Broadcast
from lantoa.radio.selectors import MET, MISSED, NO_PLAN, week_grid, weekly_obligations, weekly_warnings
from lantoa.radio.tests.conftest import add, d

pytestmark = pytest.mark.django_db

LONG_KHANH = "dt-ubnd-long-khanh"


@pytest.fixture
def in_dec_2026(default_data, on_day, make_user):
    on_day(d("06/12/2026"))
    return make_user(Role.COMMUNE_OFFICER, LONG_KHANH)


def test_a_2026_broadcast_is_recorded(in_dec_2026):
    lk = current_commune("Xã Long Khánh")
    b = services.broadcast_save(
        actor=in_dec_2026,
        broadcast=Broadcast(
            commune=lk,
            unit=Unit.objects.get(code=LONG_KHANH),
            aired_on=d("05/12/2026"),
            duration_minutes=10,
            title="BHXH tự nguyện",
        ),
        topics=[],
    )
    assert b.pk and b.aired_on.year == 2026


def test_2026_weeks_are_no_plan_not_missed_and_nobody_is_warned(in_dec_2026, client):
    lk = current_commune("Xã Long Khánh")
    add(lk, d("02/12/2026"), unit_code=LONG_KHANH)
    assert weekly_obligations(2026, [lk.id]) == {lk.id: None}
    grid = week_grid(user=in_dec_2026, commune=lk, year=2026)
    assert {c.status for c in grid.cells} == {NO_PLAN} and not grid.minimum_set
    assert grid.missed == 0 and grid.finished == 0
    assert [c.count for c in grid.cells if c.week.number == 49] == [1]  # counted all the same
    assert weekly_warnings(user=in_dec_2026) == []
    client.force_login(in_dec_2026)
    page = client.get(reverse("radio:weeks"), {"year": 2026}).content.decode()
    assert "Không có kế hoạch nào đang có hiệu lực" in page
    warnings = client.get(reverse("radio:warnings")).content.decode()
    assert "không thuộc kế hoạch nào đang có hiệu lực" in warnings and "Xã Long Khánh" in warnings


def test_a_plan_for_2026_2030_brings_the_obligation_back(in_dec_2026):
    lk = current_commune("Xã Long Khánh")
    plan = Plan.objects.create(
        number="01/KH-UBND", title="Kế hoạch 2026–2030 xã Long Khánh", start_year=2026, end_year=2030
    )
    plan.areas.set([lk])
    m7 = Indicator.objects.create(
        plan=plan,
        code="M7",
        name="Phát thanh",
        measure="per_week",
        direction="gte",
        computation="radio_voluntary_per_week",
    )
    Target.objects.create(indicator=m7, year=2026, min_value=3)
    add(lk, d("24/11/2026"), d("26/11/2026"), unit_code=LONG_KHANH)  # week 48: 2 of 3
    add(lk, d("01/12/2026"), d("02/12/2026"), d("03/12/2026"), unit_code=LONG_KHANH)  # week 49: 3
    assert weekly_obligations(2026, [lk.id]) == {lk.id: 3}
    by_week = {c.week.number: c for c in week_grid(user=in_dec_2026, commune=lk, year=2026).cells}
    assert by_week[48].status == MISSED and by_week[49].status == MET
    # The old plan's communes are not asked anything by the new one, nor in 2026 by the old one.
    assert weekly_obligations(2026, [current_commune("Xã Tân Long").id]) == {current_commune("Xã Tân Long").id: None}
    on_week_48 = weekly_warnings(user=in_dec_2026, on_date=dt.date(2026, 12, 1))
    assert [(w.commune.name, w.count, w.minimum, w.week.dates) for w in on_week_48] == [
        ("Xã Long Khánh", 2, 3, "23/11–29/11/2026")
    ]
