"""After the 2022–2025 plan: today's work on the new communes is recorded, and a plan is a lens that
counts the records of its period and areas (issue 15)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.activities.services import activity_save
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import compute
from lantoa.plans.models import Indicator, Plan

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: TODAY)
    return TODAY


def training(unit_code, area, day, title="Tập huấn cộng tác viên"):
    return Activity(
        kind=Kind.TRAINING,
        channel=Channel.DIRECT,
        start_date=day,
        status=Activity.Status.DONE,
        organiser=Unit.objects.get(code=unit_code),
        area=area,
        title=title,
    )


def plan_with_m10(number, areas, start=2026, end=2030):
    plan = Plan.objects.create(number=number, title=f"Kế hoạch {number}", start_year=start, end_year=end)
    plan.areas.set(areas)
    m10 = Indicator.objects.create(
        plan=plan, code="M10", name="Lớp tập huấn", measure="count", direction="gte", computation="training_classes"
    )
    return plan, m10


def test_todays_visit_on_a_new_commune_is_recorded(default_data, make_user, today):
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    visit = Activity(
        kind=Kind.HOUSEHOLD_VISIT,
        channel=Channel.DIRECT,
        start_date=today,
        status=Activity.Status.DONE,
        organiser=Unit.objects.get(code="dt-ubnd-long-khanh"),
        area=current_commune("Xã Long Khánh"),
        title="Thăm hộ ông Ba",
    )
    assert activity_save(actor=officer, activity=visit, audiences=[]).pk
    # The future is only for planned work.
    old = training("dt-ubnd-long-khanh", current_commune("Xã Long Khánh"), today + dt.timedelta(days=3))
    with pytest.raises(ValidationError) as err:
        activity_save(actor=officer, activity=old, audiences=[])
    assert "start_date" in err.value.message_dict
    old.status = Activity.Status.PLANNED
    assert activity_save(actor=officer, activity=old, audiences=[]).pk


def test_a_date_no_plan_covers_is_history_not_an_error(default_data, coordinator, today):
    lka = legacy_commune("Xã Long Khánh A")
    assert activity_save(
        actor=coordinator, activity=training("hn-ubnd-long-khanh-a", lka, dt.date(2019, 5, 1)), audiences=[]
    )
    with pytest.raises(ValidationError) as err:
        activity_save(
            actor=coordinator, activity=training("hn-ubnd-long-khanh-a", lka, dt.date(1994, 5, 1)), audiences=[]
        )
    assert err.value.message_dict["start_date"] == ["Ngày 01/05/1994 trước năm 1995: vui lòng kiểm tra lại năm."]


def test_a_2026_activity_counts_for_the_plan_whose_areas_cover_it_only(default_data, coordinator, today):
    long_khanh, tan_long = current_commune("Xã Long Khánh"), current_commune("Xã Tân Long")
    lk_plan, lk_m10 = plan_with_m10("01/KH-UBND-LK", [long_khanh])
    tl_plan, tl_m10 = plan_with_m10("01/KH-UBND-TL", [tan_long])
    _, both_m10 = plan_with_m10("02/KH-UBND", [long_khanh, tan_long])
    activity_save(
        actor=coordinator, activity=training("dt-ubnd-long-khanh", long_khanh, dt.date(2026, 3, 5)), audiences=[]
    )
    assert compute(lk_m10, 2026, user=coordinator).actual == 1
    assert compute(tl_m10, 2026, user=coordinator).actual == 0
    assert compute(both_m10, 2026, user=coordinator).actual == 1  # the same activity counts for both plans
    old_m10 = Indicator.objects.get(plan__is_default=True, computation="training_classes")
    assert 2026 not in old_m10.plan.years  # the old plan's lens ends with 2025


def test_a_2023_activity_of_long_khanh_a_counts_for_the_old_plan_and_rolls_up(default_data, coordinator):
    lka = legacy_commune("Xã Long Khánh A")
    activity = training("hn-ubnd-long-khanh-a", lka, dt.date(2023, 4, 12))
    Activity.objects.bulk_create([activity])  # as recorded back then
    old_m10 = Indicator.objects.get(plan__is_default=True, computation="training_classes")
    assert compute(old_m10, 2023, user=coordinator).actual == 1
    assert compute(old_m10, 2023, user=coordinator, area=current_commune("Xã Long Khánh")).actual == 1
    assert compute(old_m10, 2023, user=coordinator, area=current_commune("Xã Tân Long")).actual == 0
    # A 2026–2030 plan of xã Long Khánh does not reach back into 2023.
    _, lk_m10 = plan_with_m10("01/KH-UBND-LK", [current_commune("Xã Long Khánh")])
    assert 2023 not in lk_m10.plan.years
