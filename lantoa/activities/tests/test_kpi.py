"""Indicators computed from activities, proved on hand-counted fixtures."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import current_commune, legacy_commune
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity, Audience, Campaign
from lantoa.orgs.models import Unit
from lantoa.plans.kpi import compute
from lantoa.plans.models import Plan
from lantoa.taxonomy.models import TargetGroup

pytestmark = pytest.mark.django_db


def indicator(code):
    return Plan.objects.get(is_default=True).indicators.get(code=code)


def make(
    day,
    area,
    kind=Kind.CONFERENCE,
    unit="hn-bhxh",
    groups=(),
    channel=Channel.DIRECT,
    status="done",
    campaign=None,
    title=None,
):
    a = Activity.objects.create(
        title=title or f"{kind} {day}",
        kind=kind,
        channel=channel,
        modern=channel in ("facebook", "zalo"),
        status=status,
        start_date=day,
        organiser=Unit.objects.get(code=unit),
        area=area,
        campaign=campaign,
    )
    for code, n in groups:
        Audience.objects.create(activity=a, group=TargetGroup.objects.get(code=code), headcount=n)
    return a


@pytest.fixture
def m4_records(default_data):
    lka, tl = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Thường Lạc")
    counted = [
        make(dt.date(2023, 3, 1), lka, groups=[("nld-nsdld", 50)]),
        make(dt.date(2023, 7, 9), tl, Kind.DIALOGUE, groups=[("nld-nsdld", 20), ("tn-4", 5)]),
        make(dt.date(2023, 12, 31), tl, Kind.SEMINAR, groups=[("nld-nsdld", 10)]),
    ]
    make(dt.date(2023, 4, 1), lka, groups=[("tn-1", 50)])  # other audience
    make(dt.date(2023, 4, 2), lka, Kind.VISUAL, groups=[("nld-nsdld", 50)])  # not a meeting
    make(dt.date(2023, 4, 3), lka, groups=[("nld-nsdld", 50)], status="planned")  # not held
    make(dt.date(2024, 1, 1), lka, groups=[("nld-nsdld", 50)])  # next year
    return counted


def test_m4_counts_meetings_with_workers_and_employers(m4_records):
    result = compute(indicator("M4"), 2023)
    assert result.actual == 3
    assert set(result.records) == set(m4_records)


def test_m4_is_scoped_to_the_user(m4_records, officer_long_khanh_a):
    result = compute(indicator("M4"), 2023, user=officer_long_khanh_a)
    assert result.actual == 1 and list(result.records) == [m4_records[0]]


def test_m10_counts_training_classes(default_data):
    lkb = legacy_commune("Xã Long Khánh B")
    trained = make(dt.date(2024, 9, 1), lkb, Kind.TRAINING)
    make(dt.date(2024, 9, 2), lkb, Kind.TRAINING, status="cancelled")
    result = compute(indicator("M10"), 2024)
    assert result.actual == 1 and list(result.records) == [trained]
    assert compute(indicator("M10"), 2023).actual == 0


def test_t7_share_in_campaigns(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    may = Campaign.objects.create(
        name="Tháng 5/2023",
        type="may",
        start_date=dt.date(2023, 5, 1),
        end_date=dt.date(2023, 5, 31),
        organiser=Unit.objects.get(code="hn-ldtbxh"),
    )
    inside = [make(dt.date(2023, 5, d), lka, campaign=may) for d in (2, 3, 4)]
    for d in range(1, 6):
        make(dt.date(2023, 6, d), lka)
    result = compute(indicator("T7"), 2023)
    assert (result.numerator, result.denominator, result.actual) == (3, 8, Decimal("37.5"))
    assert set(result.records) == set(inside)
    assert not compute(indicator("T7"), 2022).has_data


def test_m11_may_campaign_held(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    assert compute(indicator("M11"), 2023).actual is False
    may = Campaign.objects.create(
        name="Tháng 5/2023",
        type="may",
        start_date=dt.date(2023, 5, 1),
        end_date=dt.date(2023, 5, 31),
        organiser=Unit.objects.get(code="hn-ldtbxh"),
    )
    assert compute(indicator("M11"), 2023).actual is False  # declared but nothing held
    held = make(dt.date(2023, 5, 15), lka, campaign=may)
    result = compute(indicator("M11"), 2023)
    assert result.actual is True and list(result.records) == [held]


def test_t6_every_commune_uses_both_forms_and_merged_communes_roll_up(default_data):
    # 2025: communes read at the year's end are the five new ones; activities on the old communes
    # in the first half count under the commune that absorbed them.
    new = ["Xã Thường Phước", "Phường Thường Lạc", "Xã Long Khánh", "Xã Long Phú Thuận", "Xã Tân Long"]
    for name in new[:4]:
        make(dt.date(2025, 9, 1), current_commune(name), Kind.SOCIAL_POST, channel=Channel.ZALO)
        make(dt.date(2025, 9, 2), current_commune(name), Kind.HOUSEHOLD_VISIT)
    make(dt.date(2025, 3, 1), legacy_commune("Xã Phú Thuận B"), Kind.HOUSEHOLD_VISIT)  # → Long Phú Thuận
    result = compute(indicator("T6"), 2025)
    assert result.denominator == 5 and result.numerator == 4 and result.actual is False
    assert result.details["missing"] == ["Xã Tân Long"]
    make(dt.date(2025, 3, 2), legacy_commune("Xã Long Khánh A"), Kind.SOCIAL_POST, channel=Channel.FACEBOOK)
    make(dt.date(2025, 10, 1), current_commune("Xã Tân Long"), Kind.SOCIAL_POST, channel=Channel.ZALO)
    make(dt.date(2025, 10, 2), current_commune("Xã Tân Long"), Kind.TALK)
    result = compute(indicator("T6"), 2025)
    assert result.actual is True and result.numerator == 5
    assert result.records.count() == 12  # 4 × 2 + Phú Thuận B + Long Khánh A + Tân Long × 2


def test_m5_share_of_communes_with_a_meeting_by_target_group(default_data):
    lka, tl, lt = (legacy_commune(n) for n in ("Xã Long Khánh A", "Xã Thường Lạc", "Xã Long Thuận"))
    make(dt.date(2023, 2, 1), lka, Kind.TALK, unit="hn-ubnd-long-khanh-a", groups=[("tn-1", 30)])
    make(dt.date(2023, 2, 2), lka, Kind.TALK, unit="hn-ubnd-long-khanh-a", groups=[("tn-2", 30)])
    make(dt.date(2023, 3, 1), tl, Kind.CONFERENCE, unit="hn-ubnd-thuong-lac", groups=[("tn-3", 30)])
    make(dt.date(2023, 3, 2), lt, Kind.CONFERENCE, unit="hn-ubnd-long-thuan")  # no audience recorded
    make(dt.date(2023, 3, 3), lt, Kind.VISUAL, unit="hn-ubnd-long-thuan", groups=[("tn-3", 30)])  # not a meeting
    make(dt.date(2023, 3, 4), lt, Kind.CONFERENCE, groups=[("nld-nsdld", 30)])  # held by the district office
    result = compute(indicator("M5"), 2023)
    assert (result.numerator, result.denominator, result.actual) == (2, 10, Decimal("20.0"))


def test_m6_lowest_association_count(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    associations = list(Unit.objects.filter(kind=Unit.Kind.ASSOCIATION).values_list("code", flat=True))
    assert len(associations) == 5
    for code in associations:
        for d in (1, 2):
            make(dt.date(2023, 4, d), lka, Kind.CONFERENCE, unit=code, groups=[("ctv-uy-tin", 20)], title=f"{code} {d}")
    make(dt.date(2023, 4, 3), lka, Kind.CONFERENCE, unit="hn-hoinongdan", groups=[("ctv-uy-tin", 20)], title="x")
    result = compute(indicator("M6"), 2023)  # target 2023: 1–3 per association
    assert result.actual == 2 and result.numerator == 5 and result.denominator == 5
    assert result.details["per_association"]["Hội Nông dân huyện Hồng Ngự"] == 3


def test_drill_down_lists_exactly_the_counted_records(client, m4_records, coordinator, officer_long_khanh_a):
    from django.urls import reverse

    ind = indicator("M4")
    url = reverse("plans:records", args=[ind.plan_id, ind.pk, 2023])
    client.force_login(coordinator)
    page = client.get(url)
    assert {r.pk for r in page.context["page"]} == {a.pk for a in m4_records}
    client.force_login(officer_long_khanh_a)
    assert {r.pk for r in client.get(url).context["page"]} == {m4_records[0].pk}
    assert client.get(reverse("plans:records", args=[ind.plan_id, ind.pk, 2030])).status_code == 404


def test_dashboard_links_a_figure_to_its_records(client, m4_records, coordinator):
    from django.urls import reverse

    ind = indicator("M4")
    client.force_login(coordinator)
    html = client.get(reverse("plans:dashboard")).content.decode()
    assert reverse("plans:records", args=[ind.plan_id, ind.pk, 2023]) in html


def test_status_and_pace(default_data, monkeypatch):
    from lantoa.plans.kpi import KpiResult
    from lantoa.plans.targets import evaluate

    m4 = indicator("M4")
    target = m4.targets.get(year=2023)  # 5–7
    assert evaluate(target, KpiResult(actual=Decimal(6)), 2023, dt.date(2024, 1, 5))[0] == "met"
    assert evaluate(target, KpiResult(actual=Decimal(3)), 2023, dt.date(2024, 1, 5))[0] == "behind"
    # Mid-year with 3 held: the pace (≈ 6 by 31/12) reaches 5.
    status, forecast = evaluate(target, KpiResult(actual=Decimal(3)), 2023, dt.date(2023, 7, 2))
    assert status == "on_track" and Decimal(5) < forecast < Decimal(7)
    # In October with 2 held: about 2.4 by the year end, short of 5.
    assert evaluate(target, KpiResult(actual=Decimal(2)), 2023, dt.date(2023, 10, 1))[0] == "behind"
    assert evaluate(target, KpiResult(), 2023, dt.date(2023, 10, 1))[0] == "no_data"
    m11 = indicator("M11")
    assert evaluate(m11.targets.get(year=2023), KpiResult(actual=False), 2023, dt.date(2023, 3, 1))[0] == "on_track"


def test_m8_plan_then_live(default_data):
    lka = legacy_commune("Xã Long Khánh A")
    assert compute(indicator("M8"), 2022).actual is False
    make(dt.date(2022, 10, 1), lka, Kind.SOCIAL_POST, channel=Channel.ZALO, status="planned")
    assert compute(indicator("M8"), 2022).actual is True  # 2022: a plan is enough
    make(dt.date(2023, 10, 1), lka, Kind.SOCIAL_POST, channel=Channel.ZALO)  # held but no link
    assert compute(indicator("M8"), 2023).actual is False
    live = make(dt.date(2023, 10, 2), lka, Kind.SOCIAL_POST, channel=Channel.FACEBOOK, title="Bài có link")
    Activity.objects.filter(pk=live.pk).update(link="https://facebook.com/bhxh/posts/1")
    result = compute(indicator("M8"), 2023)
    assert result.actual is True and list(result.records) == [live]


def test_calendar_planned_against_done(client, coordinator):
    from django.urls import reverse

    lka = legacy_commune("Xã Long Khánh A")
    make(dt.date(2024, 3, 5), lka, unit="hn-bhxh")
    make(dt.date(2024, 3, 31), lka, unit="hn-bhxh", title="x")
    make(dt.date(2024, 4, 1), lka, unit="hn-bhxh", status="planned")
    make(dt.date(2024, 4, 2), lka, unit="hn-bhxh", status="cancelled")
    client.force_login(coordinator)
    rows = client.get(reverse("activities:calendar"), {"year": 2024}).context["rows"]
    (row,) = rows
    assert row["unit"].code == "hn-bhxh" and (row["done"], row["planned"]) == (2, 1)
    assert (row["months"][2]["done"], row["months"][3]["planned"], row["months"][3]["cancelled"]) == (2, 1, 1)
    assert row["months"][2]["last"] == dt.date(2024, 3, 31)
