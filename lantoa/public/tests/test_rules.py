"""The calculator against worked examples of both regimes, read from the dated rules table."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from lantoa.messaging import text as messaging_text
from lantoa.public import rules
from lantoa.public.models import Rule

pytestmark = pytest.mark.usefixtures("voluntary_rules")
D = Decimal
AFTER = dt.date(2025, 7, 1)
BEFORE = dt.date(2025, 6, 30)


def test_floor_after_the_2025_law_330000_and_the_support_of_each_category():
    base = rules.calculate(day=AFTER, income=D(1_500_000))
    assert base.contribution == D(330_000)
    assert (base.support, base.pays) == (D(66_000), D(264_000))  # everyone else: 20%
    for category, support, pays in (
        ("poor", 165_000, 165_000),
        ("island", 165_000, 165_000),
        ("near_poor", 132_000, 198_000),
        ("ethnic_minority", 99_000, 231_000),
    ):
        r = rules.calculate(day=dt.date(2026, 12, 7), income=D(1_500_000), categories=[category])
        assert (r.support, r.pays) == (D(support), D(pays)), category


def test_the_highest_applicable_category_counts():
    r = rules.calculate(day=AFTER, income=D(1_500_000), categories=["ethnic_minority", "near_poor"])
    assert r.support == D(132_000) and r.support_share == D("0.40")


def test_before_the_2025_law_the_old_shares():
    for category, support in (("poor", 99_000), ("near_poor", 82_500), ("ethnic_minority", 33_000), ("", 33_000)):
        r = rules.calculate(day=BEFORE, income=D(1_500_000), categories=[category] if category else [])
        assert r.contribution == D(330_000)
        assert r.support == D(support), category
    # No support before Decree 134/2015 applied (01/01/2018); the floor was the 700.000 đ line.
    r = rules.calculate(day=dt.date(2017, 3, 1), income=D(700_000), categories=["poor"])
    assert (r.contribution, r.support, r.floor) == (D(154_000), D(0), D(700_000))


def test_support_is_on_the_floor_whatever_the_income():
    r = rules.calculate(day=AFTER, income=D(5_000_000), categories=["poor"])
    assert (r.contribution, r.support, r.pays) == (D(1_100_000), D(165_000), D(935_000))


def test_the_ceiling_changes_on_01_07_2026():
    assert rules.limits(dt.date(2026, 6, 30))[:2] == (D(1_500_000), D(46_800_000))
    assert rules.limits(dt.date(2026, 7, 1))[:2] == (D(1_500_000), D(50_600_000))
    assert rules.calculate(day=dt.date(2026, 7, 1), income=D(50_000_000)).contribution == D(11_000_000)
    with pytest.raises(rules.RuleError) as exc:
        rules.calculate(day=dt.date(2026, 6, 30), income=D(50_000_000))
    assert "1.500.000 đ" in str(exc.value) and "46.800.000 đ" in str(exc.value)
    with pytest.raises(rules.RuleError):
        rules.calculate(day=AFTER, income=D(1_499_999))


def test_the_2027_poverty_line_raises_floor_and_support():
    r = rules.calculate(day=dt.date(2027, 1, 1), income=D(2_200_000), categories=["poor"])
    assert (r.floor, r.contribution, r.support) == (D(2_200_000), D(484_000), D(242_000))


def test_payment_modes_each_with_its_total():
    r = rules.calculate(day=AFTER, income=D(1_500_000), categories=["poor"], years_ahead=2, missing_years=1)
    by_months = {m.months: m for m in r.modes[:4]}
    assert [m.months for m in r.modes[:4]] == [1, 3, 6, 12]
    assert (by_months[3].contribution, by_months[3].support, by_months[3].pays) == (D(990_000), D(495_000), D(495_000))
    assert by_months[12].pays == D(165_000 * 12)
    ahead, back = r.modes[4], r.modes[5]
    assert ahead.months == 24 and ahead.pays < D(165_000 * 24)  # discounted
    assert back.months == 12 and back.support == 0 and back.pays > D(330_000 * 12)  # with interest


def test_support_stops_after_the_months_allowed():
    r = rules.calculate(day=AFTER, income=D(1_500_000), categories=["poor"], support_used=117)
    assert r.support_months_left == 3
    twelve = next(m for m in r.modes if m.months == 12)
    assert twelve.support == D(165_000 * 3) and twelve.note
    done = rules.calculate(day=AFTER, income=D(1_500_000), categories=["poor"], support_used=120)
    assert done.support == 0 and done.pays == D(330_000)


def test_pension_rates_of_the_2024_law():
    rate = lambda sex, years: rules.pension_rate(sex=sex, years=years, day=AFTER)[0]  # noqa: E731
    assert rate("women", 15) == D("0.45")
    assert rate("women", 20) == D("0.55")
    assert rate("women", 30) == D("0.75") and rate("women", 40) == D("0.75")
    assert rate("men", 15) == D("0.40")
    assert rate("men", 17) == D("0.42")
    assert rate("men", 20) == D("0.45")
    assert rate("men", 25) == D("0.55")
    assert rate("men", 35) == D("0.75") and rate("men", 38) == D("0.75")
    assert rate("men", 14) is None and rate("women", 14) is None


def test_pension_before_the_2024_law_needed_20_years():
    rate = lambda sex, years: rules.pension_rate(sex=sex, years=years, day=BEFORE)[0]  # noqa: E731
    assert rate("men", 15) is None and rate("women", 19) is None
    assert rate("men", 20) == D("0.45") and rate("women", 20) == D("0.55")
    r = rules.calculate(day=AFTER, income=D(2_000_000), sex="women", years=20, birth_year=1980)
    assert r.pension["monthly"] == D(1_100_000)
    assert r.retirement["months"] == 680  # women retiring in 2025: 56 years 8 months


def test_retirement_age_roadmap():
    assert rules.retirement_age(sex="men", day=dt.date(2028, 5, 1))["months"] == 62 * 12
    assert rules.retirement_age(sex="women", day=dt.date(2035, 5, 1))["months"] == 60 * 12
    assert rules.retirement_age(sex="men", day=dt.date(2026, 5, 1))["months"] == 61 * 12 + 6
    # A man born in 1970 reaches 62 in 2032.
    assert rules.retirement_age(sex="men", day=dt.date(2026, 1, 1), birth_year=1970)["reach"] == dt.date(2032, 1, 1)


def test_a_changed_rule_row_changes_the_answer_only_from_its_date():
    Rule.objects.create(
        kind=Rule.Kind.SUPPORT, category="other", value=D("0.25"), valid_from=dt.date(2027, 1, 1), source="test decree"
    )
    before = rules.calculate(day=dt.date(2026, 12, 31), income=D(1_500_000))
    after = rules.calculate(day=dt.date(2027, 1, 1), income=D(2_200_000))
    assert before.support == D(66_000)
    assert after.support == D(121_000)  # 25% × 22% × 2.200.000
    assert any(r.source == "test decree" for r in after.used)
    assert not any(r.source == "test decree" for r in before.used)


def test_a_province_adds_its_own_support():
    from lantoa.geo.models import Area

    province = Area.objects.create(
        name="Tỉnh Thử", level=Area.Level.PROVINCE, code="99", valid_from=dt.date(2025, 7, 1)
    )
    Rule.objects.create(
        kind=Rule.Kind.LOCAL_SUPPORT,
        category="other",
        area=province,
        value=D("0.10"),
        valid_from=dt.date(2026, 1, 1),
        source="Nghị quyết HĐND tỉnh (thử)",
    )
    with_local = rules.calculate(day=dt.date(2026, 3, 1), income=D(1_500_000), province=province)
    assert with_local.support == D(66_000 + 33_000) and with_local.local_share == D("0.10")
    before = rules.calculate(day=dt.date(2025, 12, 31), income=D(1_500_000), province=province)
    assert before.support == D(66_000)


def test_dates_outside_the_rules_are_refused():
    with pytest.raises(rules.RuleError) as exc:
        rules.calculate(day=dt.date(2015, 12, 31), income=D(1_500_000))
    assert "01/01/2016" in str(exc.value) and "31/12/2030" in str(exc.value)
    with pytest.raises(rules.RuleError):
        rules.calculate(day=dt.date(2031, 1, 1), income=D(2_200_000))
    with pytest.raises(rules.RuleError):
        rules.calculate(day=AFTER, income=D(1_500_000), categories=["veteran"])


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000 đ", 1_500_000),
        ("1,5 triệu", 1_500_000),
        ("1.5tr", 1_500_000),
        ("2 triệu", 2_000_000),
        ("1500k", 1_500_000),
        ("1.500.000 VNĐ", 1_500_000),
    ],
)
def test_income_as_people_write_it(typed, value):
    assert rules.parse_income(typed) == D(value)


@pytest.mark.parametrize("typed", ["", "abc", "1,5", "1.5.0", "1,500.000", "-2000000", "1,2345 triệu x"])
def test_income_that_is_not_an_amount(typed):
    with pytest.raises(rules.RuleError) as exc:
        rules.parse_income(typed)
    assert "1.500.000" in str(exc.value)


def test_the_rate_rows_are_those_messaging_uses():
    """Messaging's SMS amounts read their own file; the shipped table must say the same on every date."""
    shipped = json.loads(messaging_text.RATES_FILE.read_text(encoding="utf-8"))["rules"]
    for row in shipped:
        day = dt.date.fromisoformat(row["from"])
        assert rules.rule_on(Rule.Kind.RATE, day).value == messaging_text.voluntary_rate(day)
