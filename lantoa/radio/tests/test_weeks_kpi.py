"""Indicator M7 and the week grid, on hand-counted broadcasts.

Reminders for counting by hand: ISO weeks run Monday–Sunday and belong to the year of their Thursday.
2023-W01 is 02/01–08/01/2023 (1 January 2023 is a Sunday, in 2022-W52); on 15/06/2023 (the `in_2023`
day, a Thursday) weeks 1–23 of 2023 are finished (W23 = 05/06–11/06). 2025-W27 is 30/06–06/07/2025:
the old communes end on Monday 30/06, the new ones start on Tuesday 01/07 and hold that week.
"""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.geo.models import Area
from lantoa.geo.selectors import rollup_source_ids
from lantoa.geo.services import hamlet_create
from lantoa.plans.kpi import compute, registry
from lantoa.plans.models import Plan, Target
from lantoa.plans.selectors import dashboard_rows
from lantoa.radio import kpi
from lantoa.radio.selectors import (
    MET,
    MISSED,
    NOT_IN_FORCE,
    PENDING,
    iso_weeks,
    last_finished_week,
    sources_by_commune,
    week_grid,
    week_of,
    weekly_warnings,
)
from lantoa.radio.tests.conftest import add, d

pytestmark = pytest.mark.django_db

OLD_COMMUNES = [
    "Thị trấn Thường Thới Tiền",
    "Xã Long Khánh A",
    "Xã Long Khánh B",
    "Xã Long Thuận",
    "Xã Phú Thuận A",
    "Xã Phú Thuận B",
    "Xã Thường Lạc",
    "Xã Thường Phước 1",
    "Xã Thường Phước 2",
    "Xã Thường Thới Hậu A",
]


def m7():
    return Plan.objects.get(is_default=True).indicators.get(code="M7")


def week_monday(year, week):
    return dt.date.fromisocalendar(year, week, 1)


# --- weeks -------------------------------------------------------------------------------------------


def test_iso_weeks_belong_to_one_year():
    assert week_of(d("01/01/2023")).key == (2022, 52)
    assert week_of(d("31/12/2022")).key == (2022, 52)
    assert week_of(d("02/01/2023")).key == (2023, 1)
    assert week_of(d("03/01/2021")).key == (2020, 53)
    assert week_of(d("29/12/2025")).key == (2026, 1)
    w23 = iso_weeks(2023)
    assert len(w23) == 52 and w23[0].monday == d("02/01/2023") and w23[-1].sunday == d("31/12/2023")
    assert len(iso_weeks(2026)) == 53 and len(iso_weeks(2022)) == 52
    assert iso_weeks(2025)[0].monday == d("30/12/2024")
    assert iso_weeks(2025)[26].label == "2025-W27" and iso_weeks(2025)[26].monday == d("30/06/2025")
    assert last_finished_week(d("15/06/2023")).key == (2023, 23)
    assert last_finished_week(d("12/06/2023")).key == (2023, 23)  # on a Monday: the week just ended
    assert last_finished_week(d("11/06/2023")).key == (2023, 22)  # on a Sunday the week is not over


def test_sources_by_commune_equal_rollup_source_ids(default_data):
    hamlet_create(actor=None, commune=legacy_commune("Xã Long Khánh A"), name="Ấp Long Hòa")
    hamlet_create(
        actor=None, commune=current_commune("Xã Long Khánh"), name="Ấp Long Thạnh", valid_from=d("01/07/2025")
    )
    communes = list(Area.objects.filter(level=Area.Level.COMMUNE))
    batched = sources_by_commune(communes)
    assert batched == {c.id: rollup_source_ids(c) for c in communes}


# --- M7 for one commune, 2023 ------------------------------------------------------------------------


@pytest.fixture
def lka_2023(officer_long_khanh_a):
    """Long Khánh A in weeks 1–23 of 2023: two voluntary broadcasts a week (Tuesday, Thursday), except
    week 10 with one, and week 5 with a third one on a hamlet. Around them, broadcasts that must not
    count: not voluntary, another commune, 2022-W52, and week 24 (not finished on 15/06/2023)."""
    lka = legacy_commune("Xã Long Khánh A")
    hamlet = hamlet_create(actor=None, commune=lka, name="Ấp Long Hòa")
    officer_long_khanh_a.__dict__.pop("_lantoa_scope", None)  # the hamlet joins the cached scope
    counted = []
    for week in range(1, 24):
        monday = week_monday(2023, week)
        days = (
            [monday + dt.timedelta(days=1)]
            if week == 10
            else [monday + dt.timedelta(days=1), monday + dt.timedelta(days=3)]
        )
        counted += add(lka, *days)
    counted += add(hamlet, d("02/02/2023"))  # W05
    add(lka, d("08/03/2023"), voluntary=False)  # W10, other topic
    add(legacy_commune("Xã Thường Lạc"), d("08/03/2023"), unit_code="hn-ubnd-thuong-lac")
    add(lka, d("01/01/2023"))  # 2022-W52
    add(lka, d("13/06/2023"), d("14/06/2023"))  # W24, not finished
    return {"officer": officer_long_khanh_a, "commune": lka, "counted": counted}


def test_m7_2023_one_commune_missing_one_week(lka_2023):
    result = compute(m7(), 2023, user=lka_2023["officer"])
    assert result.has_data
    assert result.actual == Decimal(1)  # the lowest week: W10
    assert result.denominator == Decimal(23)  # Long Khánh A × weeks 1–23
    assert result.numerator == Decimal(22)
    assert result.details["average"] == Decimal("2.00")  # 46 / 23
    assert result.details["weeks_met_share"] == Decimal("95.7")  # 22 / 23
    assert result.details["finished_weeks"] == 23 and result.details["communes"] == 1
    assert len(lka_2023["counted"]) == 46
    assert set(result.records) == set(lka_2023["counted"])
    assert result.records.count() == 46


def test_m7_target_compares_on_the_dashboard(lka_2023):
    rows = dashboard_rows(user=lka_2023["officer"], plan=Plan.objects.get(is_default=True))
    row = next(r for r in rows if r["indicator"].code == "M7")
    cell = next(c for c in row["cells"] if c["year"] == 2023)
    assert cell["result"].actual == 1 and cell["status"] == "behind"  # 1 < "≥ 2"
    later = next(c for c in row["cells"] if c["year"] == 2024)
    assert later["status"] == "no_data" and "2024" in later["result"].no_data_reason


def test_m7_every_week_met_reads_as_met(lka_2023, on_day):
    add(lka_2023["commune"], d("10/03/2023"))  # W10 now has 2
    result = compute(m7(), 2023, user=lka_2023["officer"])
    assert result.actual == 2 and result.numerator == result.denominator == 23
    rows = dashboard_rows(user=lka_2023["officer"], plan=Plan.objects.get(is_default=True))
    cell = next(c for r in rows if r["indicator"].code == "M7" for c in r["cells"] if c["year"] == 2023)
    assert cell["status"] == "met"


def test_a_commune_target_raises_the_weekly_minimum(lka_2023):
    Target.objects.create(indicator=m7(), year=2023, area=lka_2023["commune"], min_value=3)
    result = compute(m7(), 2023, user=lka_2023["officer"])
    assert result.numerator == 1  # only week 5 has 3
    grid = week_grid(user=lka_2023["officer"], commune=lka_2023["commune"], year=2023)
    assert grid.minimum == 3 and grid.cells[4].status == MET and grid.cells[0].status == MISSED


def test_week_grid_2023(lka_2023):
    grid = week_grid(user=lka_2023["officer"], commune=lka_2023["commune"], year=2023)
    assert len(grid.cells) == 52 and grid.minimum == 2
    by_week = {c.week.number: c for c in grid.cells}
    assert by_week[1].count == 2 and by_week[1].status == MET
    assert by_week[5].count == 3 and by_week[5].status == MET
    assert by_week[10].count == 1 and by_week[10].status == MISSED
    assert by_week[24].count == 2 and by_week[24].status == MET  # already met before the week ends
    assert by_week[25].count == 0 and by_week[25].status == PENDING
    assert grid.finished == 23 and grid.met_finished == 22


# --- the whole plan, two weeks of 2023 ---------------------------------------------------------------


def test_m7_plan_wide_for_the_coordinator(coordinator, on_day):
    on_day(d("20/01/2023"))  # a Friday: W01 (02–08/01) and W02 (09–15/01) are finished
    counted = []
    for name in OLD_COMMUNES:
        area = legacy_commune(name)
        w1 = [d("03/01/2023"), d("05/01/2023")] + ([d("07/01/2023")] if name == "Xã Long Thuận" else [])
        w2 = [] if name == "Xã Thường Lạc" else [d("10/01/2023"), d("15/01/2023")]
        counted += add(area, *w1, *w2)
    add(legacy_commune("Xã Long Khánh A"), d("17/01/2023"))  # W03, not finished
    result = compute(m7(), 2023, user=coordinator)
    assert result.denominator == 20  # ten communes × two weeks
    assert result.numerator == 19  # Thường Lạc missed W02
    assert result.actual == 0
    assert result.details["average"] == Decimal("1.95")  # 39 / 20
    assert result.details["weeks_met_share"] == Decimal("95.0")
    assert len(counted) == 39 and set(result.records) == set(counted)
    # Narrowed to one commune.
    one = compute(m7(), 2023, user=coordinator, area=legacy_commune("Xã Long Thuận"))
    assert (one.actual, one.numerator, one.denominator) == (2, 2, 2)
    assert one.records.count() == 5


# --- a week over the new year ------------------------------------------------------------------------


def test_week_over_new_year_counts_in_one_year_only(coordinator, on_day):
    on_day(d("15/06/2023"))
    lka = legacy_commune("Xã Long Khánh A")
    w52 = add(lka, d("30/12/2022"), d("01/01/2023"))  # 2022-W52
    w01 = add(lka, d("02/01/2023"), d("08/01/2023"))  # 2023-W01
    grid_2022 = week_grid(user=coordinator, commune=lka, year=2022)
    grid_2023 = week_grid(user=coordinator, commune=lka, year=2023)
    assert grid_2022.cells[-1].week.number == 52 and grid_2022.cells[-1].count == 2
    assert grid_2022.cells[-1].status == MET
    assert grid_2023.cells[0].count == 2 and grid_2023.cells[0].week.monday == d("02/01/2023")
    r2022 = compute(m7(), 2022, user=coordinator, area=lka)
    r2023 = compute(m7(), 2023, user=coordinator, area=lka)
    assert set(r2022.records) == set(w52)
    assert set(r2023.records) == set(w01)


# --- the merger of July 2025 -------------------------------------------------------------------------


@pytest.fixture
def merger(default_data, make_user, on_day):
    on_day(d("01/09/2025"))  # a Monday: weeks 1–35 of 2025 are finished
    lka, lkb, lk = (
        legacy_commune("Xã Long Khánh A"),
        legacy_commune("Xã Long Khánh B"),
        current_commune("Xã Long Khánh"),
    )
    hamlet = hamlet_create(actor=None, commune=lk, name="Ấp Long Hòa", valid_from=d("01/07/2025"))
    officer = make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")
    counted = [
        *add(lka, d("17/06/2025"), d("19/06/2025")),  # W25: 2 on Long Khánh A
        *add(lka, d("24/06/2025")),  # W26: 1 on Long Khánh A
        *add(lka, d("30/06/2025")),  # W27, Monday, Long Khánh A's last day: counts under Long Khánh
        *add(lk, d("03/07/2025"), unit_code="dt-ubnd-long-khanh"),  # W27: Long Khánh has 2
        *add(lk, d("05/08/2025"), unit_code="dt-ubnd-long-khanh"),  # W32
        *add(hamlet, d("07/08/2025"), unit_code="dt-ubnd-long-khanh"),  # W32 on a hamlet: 2
        *add(lk, d("12/08/2025"), unit_code="dt-ubnd-long-khanh"),  # W33: 1
    ]
    add(lk, d("13/08/2025"), voluntary=False, unit_code="dt-ubnd-long-khanh")
    add(current_commune("Phường Thường Lạc"), d("05/08/2025"), d("06/08/2025"), unit_code="dt-ubnd-thuong-lac-moi")
    add(lk, d("02/09/2025"), unit_code="dt-ubnd-long-khanh")  # W36, not finished
    return {"officer": officer, "lka": lka, "lkb": lkb, "lk": lk, "counted": counted}


def test_grid_of_the_new_commune_shows_the_merger(merger):
    grid = week_grid(user=merger["officer"], commune=merger["lk"], year=2025)
    by_week = {c.week.number: c for c in grid.cells}
    assert all(by_week[n].status == NOT_IN_FORCE and by_week[n].count is None for n in range(1, 27))
    assert by_week[27].count == 2 and by_week[27].status == MET  # 30/06 on Long Khánh A + 03/07
    assert by_week[28].count == 0 and by_week[28].status == MISSED
    assert by_week[32].count == 2 and by_week[32].status == MET
    assert by_week[33].count == 1 and by_week[33].status == MISSED
    assert by_week[36].count == 1 and by_week[36].status == PENDING
    assert {a.name for a in grid.merged_from} == {"Xã Long Khánh A", "Xã Long Khánh B"}
    assert grid.finished == 9 and grid.met_finished == 2


def test_grid_of_the_old_commune_stops_at_the_merger(merger):
    grid = week_grid(user=merger["officer"], commune=merger["lka"], year=2025)
    by_week = {c.week.number: c for c in grid.cells}
    assert by_week[25].count == 2 and by_week[25].status == MET
    assert by_week[26].count == 1 and by_week[26].status == MISSED
    assert all(by_week[n].status == NOT_IN_FORCE for n in range(27, 53))
    assert [a.name for a in grid.succeeded_by] == ["Xã Long Khánh"]


def test_m7_2025_across_the_merger(merger, coordinator):
    result = compute(m7(), 2025, user=merger["officer"])
    # Long Khánh A and B hold weeks 1–26, Long Khánh weeks 27–35.
    assert result.denominator == 26 + 26 + 9
    assert result.numerator == 3  # Long Khánh A W25, Long Khánh W27 and W32
    assert result.actual == 0
    assert set(result.records) == set(merger["counted"])
    narrowed = compute(m7(), 2025, user=coordinator, area=merger["lk"])
    assert (narrowed.numerator, narrowed.denominator) == (3, 61)
    assert set(narrowed.records) == set(merger["counted"])
    # Plan-wide: the ten old communes until W26, the five new ones from W27.
    everything = compute(m7(), 2025, user=coordinator)
    assert everything.denominator == 10 * 26 + 5 * 9
    assert everything.details["communes"] == 15
    # A system computation (no user) counts the whole plan too.
    system = compute(m7(), 2025)
    assert (system.numerator, system.denominator) == (everything.numerator, everything.denominator)
    assert set(system.records) == set(everything.records)


# --- no data -----------------------------------------------------------------------------------------


def test_no_finished_week_yet(coordinator, on_day):
    on_day(d("05/01/2023"))  # 2023-W01 runs until Sunday 08/01
    add(legacy_commune("Xã Long Khánh A"), d("03/01/2023"))
    result = compute(m7(), 2023, user=coordinator)
    assert not result.has_data and "2023" in result.no_data_reason


def test_no_log_for_the_year_is_no_data(coordinator, on_day):
    on_day(d("15/06/2023"))
    result = compute(m7(), 2022, user=coordinator)
    assert not result.has_data and "2022" in result.no_data_reason


def test_no_commune_in_scope_is_no_data(default_data, make_user, in_2023):
    officer = make_user(Role.UNIT_OFFICER, "hn-hoinongdan")
    result = compute(m7(), 2023, user=officer)
    assert not result.has_data and result.no_data_reason


def test_the_computation_is_registered():
    assert registry["radio_voluntary_per_week"].func is kpi.radio_voluntary_per_week


# --- early warnings ----------------------------------------------------------------------------------


def test_weekly_warnings(coordinator, default_data, make_user, on_day):
    on_day(d("16/01/2023"))  # last finished week: 2023-W02 (09–15/01)
    lka, tl = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Thường Lạc")
    add(lka, d("10/01/2023"), d("12/01/2023"))
    add(tl, d("11/01/2023"))
    add(tl, d("16/01/2023"), d("17/01/2023"))  # this week: not yet checked
    warnings = weekly_warnings(user=coordinator)
    assert len(warnings) == 9  # every old commune but Long Khánh A
    assert warnings[-1].commune == tl and warnings[-1].count == 1 and warnings[-1].minimum == 2
    assert {w.count for w in warnings[:-1]} == {0}
    assert all(w.week.key == (2023, 2) for w in warnings)
    lka_officer = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-long-khanh-a")
    tl_officer = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-thuong-lac")
    assert weekly_warnings(user=lka_officer) == []
    assert [(w.commune, w.count) for w in weekly_warnings(user=tl_officer)] == [(tl, 1)]
    assert len(weekly_warnings(user=None)) == 9  # a system job sees every commune
    # Asked for another day: in W03 Thường Lạc had its two, nobody else any.
    later = weekly_warnings(user=coordinator, on_date=d("24/01/2023"))
    assert len(later) == 9 and tl not in {w.commune for w in later}


def test_warnings_in_the_week_of_the_merger_name_the_old_communes(coordinator, on_day):
    on_day(d("01/07/2025"))
    names = {w.commune.name for w in weekly_warnings(user=coordinator)}
    assert names == set(OLD_COMMUNES)
    on_day(d("07/07/2025"))
    names = {w.commune.name for w in weekly_warnings(user=coordinator)}
    assert names == {"Phường Thường Lạc", "Xã Long Khánh", "Xã Long Phú Thuận", "Xã Thường Phước", "Xã Tân Long"}
