"""Distinct reach counting, its breakdowns, the people behind each number (scoped, masked, exported with an
audit row) and the statistics pages."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, include, path, reverse
from openpyxl import load_workbook

import config.urls
from conftest import current_commune, legacy_commune
from lantoa.accounts.roles import Role
from lantoa.audience import reach, urls_reach
from lantoa.audience import urls as audience_urls
from lantoa.audience.models import Person, Statistic
from lantoa.audience.reach import ReachFilter
from lantoa.audience.statistics import statistic_save
from lantoa.audience.tests.test_kpi import CCCD, activity, person, reached
from lantoa.core.models import AuditLog
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup, Topic

pytestmark = pytest.mark.django_db

# Until `lantoa/audience/urls.py` includes the reach pages, the tests mount them the way it will.
urlpatterns = [
    path("people/", include(([*audience_urls.urlpatterns, path("reach/", include(urls_reach))], "audience")))
    if getattr(p, "namespace", None) == "audience"
    else p
    for p in config.urls.urlpatterns
]


@pytest.fixture(autouse=True)
def reach_urls(settings):
    try:
        reverse("audience:reach")
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def records(default_data):
    """2023: three people in Long Khánh A (one reached three times), one in Thường Lạc; a merged duplicate."""
    lka, tl = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Thường Lạc")
    march = activity(dt.date(2023, 3, 10), lka, topics=("loi-ich",))
    june = activity(dt.date(2023, 6, 10), lka, topics=("bhxh-tu-nguyen",))
    sept = activity(dt.date(2023, 9, 10), tl, topics=("loi-ich", "vssid"))
    cancelled = activity(dt.date(2023, 9, 11), tl, status="cancelled")
    farmers = TargetGroup.objects.get(code="tn-1")
    often = person(lka, "Trần Thị Thường Xuyên", sex="f", cccd=CCCD, phone="+84912345678")
    often.groups.add(farmers)
    for a in (march, june, sept):
        reached(a, often)
    once = person(lka, "Lê Văn Một Lần", unit="hn-ubnd-long-khanh-a")
    reached(march, once)
    in_tl = person(tl, "Ngô Văn Thường Lạc", unit="hn-ubnd-thuong-lac")
    reached(sept, in_tl)
    duplicate = person(tl, "Ngo Van Thuong Lac", unit="hn-ubnd-thuong-lac")
    reached(sept, duplicate)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=in_tl)
    reached(cancelled, person(tl, "Không Đến"))
    reached(activity(dt.date(2024, 1, 5), lka), once)  # another year
    return {"lka": lka, "tl": tl, "often": often, "once": once, "in_tl": in_tl, "farmers": farmers}


def test_reach_counts_distinct_people(records):
    assert reach.reach_counts(user=None, year=2023) == 3
    assert reach.reach_counts(user=None, year=2023, area=records["lka"]) == 2
    assert reach.reach_counts(user=None, year=2023, voluntary=True) == 1
    assert reach.reach_counts(user=None, year=2023, topic=Topic.objects.get(code="vssid")) == 2
    assert reach.reach_counts(user=None, year=2023, group=records["farmers"]) == 1
    assert reach.reach_counts(user=None, date_from=dt.date(2023, 6, 1), date_to=dt.date(2023, 6, 30)) == 1
    assert reach.reach_counts(user=None) == 3  # 2024 adds nobody new


def test_breakdowns(records):
    f = ReachFilter(year=2023)
    communes = {r["area"].name: r["n"] for r in reach.reach_by_commune(user=None, f=f)}
    assert communes == {"Xã Long Khánh A": 2, "Xã Thường Lạc": 1}
    topics = {r["topic"].code if r["topic"] else None: r["n"] for r in reach.reach_by_topic(user=None, f=f)}
    assert topics == {"loi-ich": 3, "bhxh-tu-nguyen": 1, "vssid": 2}
    groups = {r["group"].code if r["group"] else None: r["n"] for r in reach.reach_by_group(user=None, f=f)}
    assert groups == {"tn-1": 1, None: 2}
    months = {r["month"].month: r["n"] for r in reach.reach_by_month(user=None, f=f)}
    assert months == {3: 2, 6: 1, 9: 2}


def test_breakdown_by_commune_follows_the_2025_merger(default_data):
    lka, lkb = legacy_commune("Xã Long Khánh A"), legacy_commune("Xã Long Khánh B")
    a = activity(dt.date(2025, 8, 1), current_commune("Xã Long Khánh"))
    reached(a, person(lka, "Một"), person(lkb, "Hai"), person(current_commune("Xã Long Khánh"), "Ba"))
    rows = reach.reach_by_commune(user=None, f=ReachFilter(year=2025))
    assert [(r["area"].name, r["n"]) for r in rows] == [("Xã Long Khánh", 3)]
    assert reach.reach_counts(user=None, year=2025, area=current_commune("Xã Long Khánh")) == 3


def test_estimated_reach_is_apart(records):
    activity(dt.date(2023, 4, 1), records["lka"], groups=[("nld-nsdld", 40)], estimated=200)
    est = reach.reach_estimated(user=None, f=ReachFilter(year=2023))
    assert est == {"headcounts": 40, "estimated_reach": 200, "total": 240}
    assert reach.reach_counts(user=None, year=2023) == 3


def test_reach_is_scoped_to_the_user(records, officer_thuong_lac):
    assert reach.reach_counts(user=officer_thuong_lac, year=2023) == 1
    people = reach.reach_people(user=officer_thuong_lac, f=ReachFilter(year=2023))
    assert list(people) == [records["in_tl"]]


def test_reach_page_links_each_number_to_its_people(client, records, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("audience:reach"), {"year": 2023})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xã Long Khánh A" in html and "month=2023-09" in html
    people = client.get(reverse("audience:reach_people"), {"year": 2023, "month": "2023-09"}).content.decode()
    assert "Trần Thị Thường Xuyên" in people and "Ngô Văn Thường Lạc" in people and "Lê Văn Một Lần" not in people


def test_reach_page_of_another_commune_shows_nobody(client, records, officer_thuong_lac):
    client.force_login(officer_thuong_lac)
    html = client.get(reverse("audience:reach_people"), {"year": 2023}).content.decode()
    assert "Ngô Văn Thường Lạc" in html and "Trần Thị Thường Xuyên" not in html
    # A commune outside the scope cannot even be chosen.
    response = client.get(reverse("audience:reach_people"), {"year": 2023, "area": records["lka"].pk})
    assert response.status_code == 404
    assert client.get(reverse("audience:reach"), {"area": records["lka"].pk}).status_code == 404


def test_people_list_and_export_are_masked_and_the_export_is_audited(client, records, make_user):
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    client.force_login(leader)
    html = client.get(reverse("audience:reach_people"), {"year": 2023}).content.decode()
    assert "Trần Thị Thường Xuyên" in html and CCCD not in html and "0871******89" in html
    response = client.get(reverse("audience:reach_people"), {"year": 2023, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4  # header + 3 people
    cells = [str(c) for row in rows for c in row if c]
    assert CCCD not in cells and "0871******89" in cells and "0912345678" not in cells
    audit = AuditLog.objects.get(verb="export_personal_data")
    assert audit.actor == leader and audit.changes["rows"][1] == 3
    assert audit.changes["filters"][1] == {"year": 2023}

    coordinator = make_user(Role.COORDINATOR, "hn-ldtbxh")
    client.force_login(coordinator)
    response = client.get(reverse("audience:reach_people"), {"year": 2023, "export": "xlsx"})
    cells = [
        str(c) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert CCCD in cells and "0912345678" in cells
    assert AuditLog.objects.filter(verb="export_personal_data").count() == 2


# ----- statistics -------------------------------------------------------------------------------------


def test_coordinator_records_a_figure_through_the_page(client, coordinator):
    client.force_login(coordinator)
    lka = legacy_commune("Xã Long Khánh A")
    data = {"kind": "labour_force", "year": 2023, "area": lka.pk, "value": 5230, "source": "Chi cục Thống kê"}
    response = client.post(reverse("audience:statistic_new"), data)
    assert response.status_code == 302
    stat = Statistic.objects.get()
    assert (stat.area, stat.value) == (lka, 5230)
    assert AuditLog.objects.filter(verb="statistic_save", target_id=str(stat.pk)).exists()
    response = client.post(reverse("audience:statistic_new"), data)  # the same figure twice
    assert response.status_code == 200 and Statistic.objects.count() == 1
    html = client.get(reverse("audience:statistic_list"), {"year": 2023}).content.decode()
    assert "5.230" in html


def test_commune_officer_keeps_only_their_commune(client, officer_thuong_lac):
    tl, lka = legacy_commune("Xã Thường Lạc"), legacy_commune("Xã Long Khánh A")
    own = Statistic(kind="labour_force", year=2023, area=tl, value=10, source="UBND xã")
    statistic_save(actor=officer_thuong_lac, statistic=own)
    with pytest.raises(ValidationError):
        statistic_save(
            actor=officer_thuong_lac,
            statistic=Statistic(kind="labour_force", year=2023, area=lka, value=10, source="x"),
        )
    other = Statistic.objects.create(kind="labour_force", year=2023, area=lka, value=99, source="TK")
    client.force_login(officer_thuong_lac)
    assert client.get(reverse("audience:statistic_edit", args=[other.pk])).status_code == 404
    html = client.get(reverse("audience:statistic_list")).content.decode()
    assert "UBND xã" in html and ">99<" not in html


def test_statistic_needs_its_owner_and_source(default_data):
    with pytest.raises(ValidationError) as err:
        statistic_save(actor=None, statistic=Statistic(kind="officials", year=2023, value=5, source=""))
    assert set(err.value.message_dict) == {"unit", "source"}
    stat = statistic_save(
        actor=None,
        statistic=Statistic(kind="officials", year=2023, value=5, source="Nội vụ", unit=Unit.objects.first()),
    )
    assert stat.pk and stat.area is None


def test_unit_officer_may_not_write_statistics(client, default_data, make_user):
    client.force_login(make_user(Role.UNIT_OFFICER, "hn-vhtt"))
    assert client.get(reverse("audience:statistic_new")).status_code == 404
    assert client.get(reverse("audience:statistic_list")).status_code == 200
