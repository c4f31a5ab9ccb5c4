"""T2, T3 and T4 over the registry and reach, proved on hand-counted fixtures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Audience
from lantoa.audience.models import Person, StaffPosting, Statistic
from lantoa.audience.services import person_anonymise, reach_add_for_activity
from lantoa.audience.working_age import bounds, is_working_age, retirement_month, working_age_q
from lantoa.core.text import search_key
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import compute
from lantoa.plans.models import Plan
from lantoa.taxonomy.models import TargetGroup, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons are compared by their English msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield


CCCD = "087123456789"


def indicator(code):
    return Plan.objects.get(is_default=True).indicators.get(code=code)


def person(area, name="Nguyễn Văn A", sex="m", birth_year=1980, birth_date=None, unit="hn-ldtbxh", **extra):
    return Person.objects.create(
        full_name=name,
        name_key=search_key(name),
        sex=sex,
        birth_year=birth_date.year if birth_date else birth_year,
        birth_date=birth_date,
        area=area,
        unit=Unit.objects.get(code=unit),
        **extra,
    )


def activity(day, area, *, status="done", topics=("loi-ich",), groups=(), estimated=None, unit="hn-bhxh"):
    a = Activity.objects.create(
        title=f"Hội nghị {day}",
        kind=Kind.CONFERENCE,
        channel=Channel.DIRECT,
        status=status,
        start_date=day,
        organiser=Unit.objects.get(code=unit),
        area=area,
        estimated_reach=estimated,
    )
    a.topics.set(Topic.objects.filter(code__in=topics))
    for code, n in groups:
        Audience.objects.create(activity=a, group=TargetGroup.objects.get(code=code), headcount=n)
    return a


def reached(a, *people):
    reach_add_for_activity(actor=None, activity=a, person_ids=[p.pk for p in people])


def labour_force(year, communes, value=100):
    for c in communes:
        Statistic.objects.create(kind="labour_force", year=year, area=c, value=value, source="Chi cục Thống kê")


def old_communes():
    return list(Area.objects.filter(level=Area.Level.COMMUNE, valid_from__isnull=True, parent__code="870"))


@pytest.fixture
def year_2023(default_data):
    """Hand count for 2023 in Xã Long Khánh A and Xã Thường Lạc (each commune's labour force: 100)."""
    lka, tl = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Thường Lạc")
    meetings = [activity(dt.date(2023, m, 10), lka) for m in (3, 6, 9)]
    voluntary = activity(dt.date(2023, 4, 2), tl, topics=("bhxh-tu-nguyen",))
    cancelled = activity(dt.date(2023, 5, 1), tl, status="cancelled")
    thrice = person(lka, "Trần Thị Ba Lần", sex="f", birth_year=1985, cccd=CCCD, phone="+84912345678")
    for a in meetings:
        reached(a, thrice)  # 1: three activities, one person
    kept, duplicate = person(tl, "Lê Văn Trùng"), person(tl, "Le Van Trung")
    reached(meetings[0], duplicate)
    reached(voluntary, kept)  # 2 (and T4: 1)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=kept)  # merged by hand: never counted
    gone = person(lka, "Phạm Văn Xóa", birth_date=dt.date(1979, 2, 3))
    reached(meetings[1], gone)
    person_anonymise(actor=None, person=gone)  # 3: anonymised people still count
    only_cancelled = person(tl, "Võ Văn Hủy")
    reached(cancelled, only_cancelled)  # not counted: the activity did not happen
    unknown_age = person(lka, "Đỗ Văn Không Tuổi", birth_year=None)
    reached(meetings[2], unknown_age)  # not counted, shown as "age unknown"
    too_old = person(lka, "Bà Cụ", sex="f", birth_year=1950)
    child = person(lka, "Em Nhỏ", birth_year=2010)
    reached(meetings[2], too_old, child)  # not of working age
    labour_force(2023, old_communes())
    return {"thrice": thrice, "kept": kept, "gone": gone, "lka": lka, "tl": tl}


def test_t3_counts_distinct_working_age_people(year_2023):
    result = compute(indicator("T3"), 2023)
    assert result.numerator == 3
    assert result.denominator == 1000
    assert result.actual == Decimal("0.3")
    assert result.details["age_unknown"] == 1
    assert set(result.records) == {year_2023["thrice"], year_2023["kept"], Person.objects.get(pk=year_2023["gone"].pk)}


def test_t4_counts_only_voluntary_reach(year_2023):
    result = compute(indicator("T4"), 2023)
    assert result.numerator == 1 and list(result.records) == [year_2023["kept"]]


def test_t3_without_statistics_names_the_communes(year_2023):
    Statistic.objects.filter(area=year_2023["tl"]).delete()
    result = compute(indicator("T3"), 2023)
    assert result.actual is None and "Xã Thường Lạc" in result.no_data_reason
    assert result.details["counted"] == 3  # the counted people are still behind the figure


def test_t3_per_commune_and_scope(year_2023, officer_long_khanh_a):
    lka = year_2023["lka"]
    by_area = compute(indicator("T3"), 2023, area=lka)
    assert by_area.numerator == 2 and by_area.denominator == 100
    # A commune officer sees the figure of their commune only.
    scoped = compute(indicator("T3"), 2023, user=officer_long_khanh_a)
    assert scoped.numerator == 2 and scoped.denominator == 100


def test_people_on_a_pre_2025_commune_count_under_the_merged_one(default_data):
    lka, lkb = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Long Khánh B")
    long_khanh = current_commune("Xã Long Khánh")
    old_record = person(lka, "Người Ở Xã Cũ")
    new_record = person(long_khanh, "Người Ở Xã Mới")
    reached(activity(dt.date(2025, 3, 1), lka), old_record)
    reached(activity(dt.date(2025, 9, 1), long_khanh), new_record)
    # Labour force recorded on the old communes for Long Khánh, on the new ones elsewhere.
    Statistic.objects.create(kind="labour_force", year=2025, area=lka, value=300, source="TK")
    Statistic.objects.create(kind="labour_force", year=2025, area=lkb, value=200, source="TK")
    others = Area.objects.filter(level=Area.Level.COMMUNE, valid_from__isnull=False).exclude(pk=long_khanh.pk)
    labour_force(2025, others, value=1000)
    result = compute(indicator("T3"), 2025, area=long_khanh)
    assert result.numerator == 2 and result.denominator == 500 and result.actual == Decimal("0.4")
    whole = compute(indicator("T3"), 2025)
    assert whole.numerator == 2 and whole.denominator == 500 + 1000 * others.count()


def test_estimated_reach_is_kept_apart(year_2023):
    lka = year_2023["lka"]
    before = compute(indicator("T3"), 2023)
    # Named nobody: its workers' head-count and its estimated reach are the estimate.
    activity(dt.date(2023, 8, 1), lka, groups=[("nld-nsdld", 40), ("can-bo", 7)], estimated=500)
    # Named people: its head-count is not an estimate (the people are counted).
    named = activity(dt.date(2023, 8, 2), lka, groups=[("nld-nsdld", 30)])
    reached(named, year_2023["thrice"])
    activity(dt.date(2023, 8, 3), lka, groups=[("nld-nsdld", 25)], status="planned")  # not held
    after = compute(indicator("T3"), 2023)
    assert after.actual == before.actual and after.numerator == 3
    assert after.details["estimated"] == 540
    assert after.details["estimated_headcounts"] == 40 and after.details["estimated_reach"] == 500
    assert after.details["estimated_share"] == Decimal("54.0")
    # T4 estimates only from activities about voluntary BHXH.
    assert compute(indicator("T4"), 2023).details["estimated"] == 0


def test_working_age_bounds_at_the_edges(default_data):
    # Women: 56y4m in 2024, 56y8m in 2025 (Decree 135/2020).
    assert retirement_month("f", 1968, 8) == (2024, 12)
    assert retirement_month("f", 1968, 9) == (2025, 5)
    assert is_working_age(sex="f", birth_year=1968, birth_date=dt.date(1968, 9, 1), year=2025)
    assert not is_working_age(sex="f", birth_year=1968, birth_date=dt.date(1968, 8, 31), year=2025)
    # She reaches the retirement age in 2025: still of working age that year, not the next.
    assert not is_working_age(sex="f", birth_year=1968, birth_date=dt.date(1968, 9, 1), year=2026)
    # Turning 15 during the year counts; 14 all year does not.
    assert is_working_age(sex="m", birth_year=2010, birth_date=dt.date(2010, 12, 31), year=2025)
    assert not is_working_age(sex="m", birth_year=2011, birth_date=dt.date(2011, 1, 1), year=2025)
    # Unknown sex: the men's bound. Unknown birth year: never counted.
    assert is_working_age(sex="", birth_year=1964, birth_date=None, year=2025)
    assert not is_working_age(sex="f", birth_year=1964, birth_date=None, year=2025)
    assert is_working_age(sex="m", birth_year=None, birth_date=None, year=2025) is None
    assert bounds("m", 2020)[0] == dt.date(1960, 1, 1)  # before 2021: 60 for men

    # The SQL condition agrees with the rule, person by person.
    area = legacy_commune("Xã Long Khánh A")
    cases = [
        ("f", dt.date(1968, 9, 1), None),
        ("f", dt.date(1968, 8, 31), None),
        ("m", dt.date(2010, 12, 31), None),
        ("m", dt.date(2011, 1, 1), None),
        ("", None, 1964),
        ("f", None, 1964),
        ("f", None, 1969),
        ("m", None, None),
    ]
    people = [person(area, f"P{i}", sex=sex, birth_date=bd, birth_year=by) for i, (sex, bd, by) in enumerate(cases)]
    in_sql = set(Person.objects.filter(working_age_q(2025)).values_list("pk", flat=True))
    expected = {
        p.pk for p in people if is_working_age(sex=p.sex, birth_year=p.birth_year, birth_date=p.birth_date, year=2025)
    }
    assert in_sql == expected and len(expected) == 4


# ----- T2 ---------------------------------------------------------------------------------------------


def test_t2_with_staff_lists(default_data):
    tl = legacy_commune("Xã Thường Lạc")
    reform = activity(dt.date(2023, 5, 5), tl, topics=("cai-cach-2",))
    other = activity(dt.date(2023, 5, 6), tl, topics=("vssid",))
    a, b, c, not_official = (person(tl, n, unit="hn-noivu") for n in ("Cán Bộ A", "Cán Bộ B", "Cán Bộ C", "Hợp Đồng"))
    left_2022 = person(tl, "Đã Nghỉ", unit="hn-noivu")
    unit = Unit.objects.get(code="hn-noivu")
    for p in (a, b, c):
        StaffPosting.objects.create(person=p, unit=unit, valid_from=dt.date(2020, 1, 1))
    StaffPosting.objects.create(person=not_official, unit=unit, is_official=False, valid_from=dt.date(2020, 1, 1))
    StaffPosting.objects.create(
        person=left_2022, unit=unit, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2022, 6, 30)
    )
    reached(reform, a, not_official, left_2022)
    reached(other, b)
    result = compute(indicator("T2"), 2023)
    assert (result.numerator, result.denominator, result.actual) == (1, 3, Decimal("33.3"))
    assert list(result.records) == [a]
    assert "staff lists of 1 units" in result.details["denominator_source"]


def test_t2_falls_back_on_the_officials_statistic(default_data):
    tl = legacy_commune("Xã Thường Lạc")
    reform = activity(dt.date(2023, 5, 5), tl, topics=("cai-cach-7",))
    official = person(tl, "Công Chức Xã", unit="hn-ubnd-thuong-lac")
    official.groups.add(TargetGroup.objects.get(code="can-bo"))
    citizen = person(tl, "Người Dân", unit="hn-ubnd-thuong-lac")
    reached(reform, official, citizen)
    Statistic.objects.create(
        kind="officials", year=2023, unit=Unit.objects.get(code="hn-ubnd-thuong-lac"), value=10, source="Nội vụ"
    )
    result = compute(indicator("T2"), 2023)
    assert (result.numerator, result.denominator, result.actual) == (1, 10, Decimal("10.0"))
    assert "statistic" in result.details["denominator_source"]
    missing = result.details["units_without_data"]
    assert Unit.objects.get(code="hn-ubnd-long-khanh-a").name in missing
    assert Unit.objects.get(code="hn-ubnd-thuong-lac").name not in missing


def test_t2_without_any_list_or_statistic_says_what_it_needs(default_data):
    result = compute(indicator("T2"), 2023)
    assert result.actual is None and "staff lists" in result.no_data_reason


# ----- the drill-down: people, scoped and masked ------------------------------------------------------


def records_url(code, year, area=None):
    ind = indicator(code)
    url = reverse("plans:records", args=[ind.plan_id, ind.pk, year])
    return f"{url}?area={area.pk}" if area else url


def test_drill_down_lists_people_masked_for_roles_without_identifiers(client, year_2023, make_user):
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    client.force_login(leader)
    html = client.get(records_url("T3", 2023)).content.decode()
    assert "Trần Thị Ba Lần" in html and CCCD not in html and "0871******89" in html
    assert "0912345678" not in html
    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    client.force_login(coordinator)
    html = client.get(records_url("T3", 2023)).content.decode()
    assert CCCD in html and "0912345678" in html


def test_drill_down_is_scoped(client, year_2023, officer_thuong_lac, officer_long_khanh_a):
    client.force_login(officer_thuong_lac)
    assert client.get(records_url("T3", 2023, year_2023["lka"])).status_code == 404
    html = client.get(records_url("T3", 2023)).content.decode()
    assert "Trần Thị Ba Lần" not in html and "Lê Văn Trùng" in html
    client.force_login(officer_long_khanh_a)
    html = client.get(records_url("T3", 2023)).content.decode()
    assert "Trần Thị Ba Lần" in html and "Lê Văn Trùng" not in html


def test_dashboard_shows_the_estimate_apart(client, year_2023, coordinator):
    activity(dt.date(2023, 8, 1), year_2023["lka"], groups=[("nld-nsdld", 40)], estimated=500)
    client.force_login(coordinator)
    html = client.get(reverse("plans:dashboard")).content.decode()
    assert "540" in html
    ind = indicator("T3")
    html = client.get(reverse("plans:indicator", args=[ind.plan_id, ind.pk]) + "?year=2023").content.decode()
    assert "540" in html
