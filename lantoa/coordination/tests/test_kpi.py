"""M1, M2, M3 on hand-counted fixtures."""

from decimal import Decimal

import pytest
from django.core import mail

from lantoa.accounts.roles import Role
from lantoa.coordination import services
from lantoa.coordination.models import Agreement, AgreementReview, Briefing, LeaderContact, UnitPlan
from lantoa.coordination.tests.conftest import d, indicator, leader
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import compute

pytestmark = pytest.mark.django_db


def unit(code):
    return Unit.objects.get(code=code)


def briefing(day, *people, kind=Briefing.Kind.CONFERENCE, giver="hn-bhxh"):
    b = Briefing.objects.create(date=d(day), kind=kind, title=f"Hội nghị {day}", unit=unit(giver))
    b.leaders.set(people)
    return b


# ----- M1 -----------------------------------------------------------------------------------------------


@pytest.fixture
def leaders(default_data):
    return {
        "a": leader("Lê Văn An", "hn-bhxh"),  # in post all along
        "b": leader("Trần Thị Bình", "hn-ldtbxh", end=d("01/03/2023")),  # left in March 2023
        "c": leader("Phạm Văn Cường", "hn-ubnd-thuong-lac"),  # a commune's leader
        "x": leader("Võ Văn Xuân", "hn-bhxh", is_leader=False),  # staff, not a leader
        "e": leader("Đỗ Văn Em", "hn-ldtbxh", end=d("31/12/2022")),  # left before 2023
    }


def test_m1_share_of_leaders_informed(leaders, coordinator):
    briefing("15/02/2023", leaders["a"], leaders["b"], leaders["x"])
    briefing("10/05/2022", leaders["c"])  # the year before: does not count for 2023
    briefing("10/05/2023", leaders["a"])  # informed twice: counted once
    # 2023 leaders: a, b, c (x is not a leader, e left in 2022) = 3; informed in 2023: a, b = 2 → 66.7%.
    r = compute(indicator("M1"), 2023, user=coordinator)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(2), Decimal(3), Decimal("66.7"))
    assert set(r.records) == {leaders["a"], leaders["b"]}
    assert r.details["units_with_leaders_not_informed"] == {unit("hn-ubnd-thuong-lac").name: 1}
    # 2022: a, b, c, e = 4 leaders; informed c = 1 → 25.0%.
    r = compute(indicator("M1"), 2022, user=coordinator)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(1), Decimal(4), Decimal("25.0"))


def test_m1_scoped_to_the_users_units(leaders, make_user, in_2023):
    briefing("15/02/2023", leaders["a"])
    officer = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-thuong-lac")
    # The commune officer sees one leader (c), not informed in 2023 → 0 of 1.
    r = compute(indicator("M1"), 2023, user=officer)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(0), Decimal(1), Decimal("0.0"))


def test_m1_future_year_has_no_data(leaders, coordinator):
    assert not compute(indicator("M1"), 2099, user=coordinator).has_data


def test_an_email_from_the_system_counts(leaders, coordinator, monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: d("20/02/2023"))
    LeaderContact.objects.create(person=leaders["a"], email="an@bhxh.example")
    LeaderContact.objects.create(person=leaders["x"], email="xuan@bhxh.example")  # not a leader: not written to
    b = services.briefing_email_send(
        actor=coordinator,
        unit=unit("hn-ldtbxh"),
        units=[unit("hn-bhxh"), unit("hn-ldtbxh")],
        subject="Chính sách BHXH mới",
        body="Kính gửi lãnh đạo…",
    )
    # b is a leader of hn-ldtbxh on 20/02/2023 but has no address: not written to, not counted.
    assert [m.to for m in mail.outbox] == [["an@bhxh.example"]]
    assert mail.outbox[0].subject == "Chính sách BHXH mới"
    assert b.kind == Briefing.Kind.EMAIL and list(b.leaders.all()) == [leaders["a"]]
    r = compute(indicator("M1"), 2023, user=coordinator)
    assert (r.numerator, r.denominator) == (Decimal(1), Decimal(3))


def test_briefing_of_all_leaders_of_units(leaders, coordinator):
    b = services.briefing_save(
        actor=coordinator,
        briefing=Briefing(date=d("15/04/2023"), kind=Briefing.Kind.DOCUMENT, title="Công văn 12", unit=unit("hn-bhxh")),
        informed_units=[unit("hn-ldtbxh"), unit("hn-bhxh")],
    )
    # On 15/04/2023 hn-bhxh has leader a; b left hn-ldtbxh on 01/03/2023, e in 2022; x is not a leader.
    assert set(b.leaders.all()) == {leaders["a"]}


# ----- M2 -----------------------------------------------------------------------------------------------


def plan(code, year, status=UnitPlan.Status.ACCEPTED):
    return UnitPlan.objects.create(unit=unit(code), year=year, title=f"Kế hoạch {year}", status=status)


LEGACY = [
    "hn-ubnd-thuong-thoi-tien",
    "hn-ubnd-thuong-phuoc-1",
    "hn-ubnd-thuong-thoi-hau-a",
    "hn-ubnd-thuong-phuoc-2",
    "hn-ubnd-thuong-lac",
    "hn-ubnd-long-khanh-a",
    "hn-ubnd-long-khanh-b",
    "hn-ubnd-long-thuan",
    "hn-ubnd-phu-thuan-b",
    "hn-ubnd-phu-thuan-a",
]


def test_m2_share_of_communes_with_an_accepted_plan(coordinator):
    for code in LEGACY[:7]:
        plan(code, 2023)
    plan(LEGACY[7], 2023, UnitPlan.Status.FILED)  # filed, not accepted: not counted
    plan(LEGACY[8], 2022)  # another year
    plan("hn-bhxh", 2023)
    plan("hn-ldtbxh", 2023)
    plan("hn-vhtt", 2023, UnitPlan.Status.DRAFT)
    plan("hn-ubnd-huyen", 2023)  # the district People's Committee is not among the units counted
    # 10 communes in 2023, 7 accepted → 70.0%. District units: 20 offices and organisations, 2 accepted → 10.0%.
    r = compute(indicator("M2"), 2023, user=coordinator)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(7), Decimal(10), Decimal("70.0"))
    assert r.records.count() == 7
    assert len(r.details["communes_without_plan"]) == 3
    assert (r.details["units"], r.details["units_with_plan"], r.details["units_share"]) == (20, 2, Decimal("10.0"))


def test_m2_plans_of_merged_communes_roll_up_in_2025(coordinator):
    # 2025 is read on 31/12/2025: the five communes formed on 01/07/2025. Long Thuận's plan (filed in
    # January, before the merger) counts for Xã Long Phú Thuận; Long Khánh A's for Xã Long Khánh; the new
    # Xã Thường Phước filed its own → 3 of 5 = 60.0%.
    plan("hn-ubnd-long-thuan", 2025)
    plan("hn-ubnd-long-khanh-a", 2025)
    plan("hn-ubnd-long-khanh-b", 2025)  # the same commune as Long Khánh A in 2025: still one
    plan("dt-ubnd-thuong-phuoc", 2025)
    r = compute(indicator("M2"), 2025, user=coordinator)
    assert (r.numerator, r.denominator, r.actual) == (Decimal(3), Decimal(5), Decimal("60.0"))


# ----- M3 -----------------------------------------------------------------------------------------------


@pytest.fixture
def agreements(default_data):
    first = Agreement.objects.create(
        title="Quy chế phối hợp 2019",
        signed_on=d("12/03/2019"),
        period_start=d("12/03/2019"),
        period_end=d("31/12/2022"),
    )
    first.parties.set([unit("hn-bhxh"), unit("hn-ldtbxh")])
    second = Agreement.objects.create(
        title="Chương trình phối hợp 2023–2025",
        signed_on=d("20/12/2022"),
        period_start=d("01/01/2023"),
        period_end=d("31/12/2025"),
    )
    second.parties.set([unit("hn-bhxh"), unit("hn-mttq")])
    reviews = {
        2022: AgreementReview.objects.create(
            agreement=first, date=d("15/12/2022"), kind="final", outcome="Tổng kết", re_signed=True
        ),
        2023: AgreementReview.objects.create(agreement=second, date=d("20/06/2023"), kind="interim", outcome="Sơ kết"),
        2025: AgreementReview.objects.create(
            agreement=second, date=d("18/12/2025"), kind="final", outcome="Tổng kết", next_agreement=first
        ),
    }
    return first, second, reviews


def test_m3_reviewed_and_signed_again(agreements, coordinator):
    _first, _second, reviews = agreements
    r = compute(indicator("M3"), 2022, user=coordinator)
    assert r.actual is True and r.numerator == 1 and list(r.records) == [reviews[2022]]
    # 2023: reviewed (sơ kết) but neither signed again nor followed → no; 2024: no review at all.
    r = compute(indicator("M3"), 2023, user=coordinator)
    assert r.actual is False and r.numerator == 0 and list(r.records) == [reviews[2023]]
    assert compute(indicator("M3"), 2024, user=coordinator).actual is False
    # 2025: a next agreement named counts as "considered".
    assert compute(indicator("M3"), 2025, user=coordinator).actual is True


def test_m3_scoped(agreements, make_user, in_2023):
    officer = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-thuong-lac")
    # Not a party to any agreement: nothing reviewed in the commune's scope.
    assert compute(indicator("M3"), 2022, user=officer).actual is False
