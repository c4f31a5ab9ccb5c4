import datetime as dt

import pytest
from django.urls import reverse

from lantoa.accounts.roles import Role
from lantoa.budget.models import BudgetEstimate, CheckStatus, SpendingLine
from lantoa.core import clock

from .conftest import activity, estimate, line, money, unit

MY = "dt-ubnd-thuong-lac-moi"  # a commune in force today, with its 2025 budget
OTHER = "dt-ubnd-tan-long"


@pytest.fixture
def budget_2025(default_data):
    e = estimate(MY, 2025, "12.000.000")
    a = activity(MY, dt.date(2025, 8, 1), cost="2.000.000", title="Hội nghị BHXH tự nguyện xã")
    ln = line(MY, dt.date(2025, 9, 1), "1.000.000", description="In tờ rơi Thường Lạc")
    other = line(OTHER, dt.date(2025, 9, 1), "3.000.000", description="Băng rôn Tân Long")
    return {"estimate": e, "activity": a, "line": ln, "other": other}


@pytest.fixture
def officer(make_user, default_data):
    return make_user(Role.COMMUNE_OFFICER, MY)


@pytest.fixture
def outsider(make_user, default_data):
    return make_user(Role.COMMUNE_OFFICER, OTHER)


def login(client, user):
    client.force_login(user)
    return client


def unit_url(code=MY, year=2025):
    return reverse("budget:unit", args=[unit(code).pk, year])


def test_list_per_unit(client, coordinator, budget_2025):
    response = login(client, coordinator).get(reverse("budget:list"), {"year": 2025})
    assert response.status_code == 200
    body = response.content.decode()
    assert "In tờ rơi" not in body and unit(MY).name in body and unit(OTHER).name in body
    rows = {r.unit.code: r for r in response.context["rows"]}
    assert rows[MY].spent == money("3.000.000") and str(rows[MY].percent_used) == "25.0"
    for fmt, kind in (("xlsx", "spreadsheetml"), ("csv", "text/csv")):
        export = client.get(reverse("budget:list"), {"year": 2025, "export": fmt})
        assert export.status_code == 200 and kind in export["Content-Type"]
    csv = client.get(reverse("budget:list"), {"year": 2025, "export": "csv"}).content.decode("utf-8-sig")
    assert unit(MY).name in csv and "3000000" in csv


def test_filters(client, coordinator, budget_2025):
    login(client, coordinator)
    response = client.get(reverse("budget:list"), {"year": 2025, "unit": unit(OTHER).pk})
    assert [r.unit.code for r in response.context["rows"]] == [OTHER]
    response = client.get(reverse("budget:list"), {"year": 2025, "check_status": "accepted"})
    assert response.context["rows"] == []


def test_officer_sees_only_their_unit(client, officer, budget_2025):
    response = login(client, officer).get(reverse("budget:list"), {"year": 2025})
    assert [r.unit.code for r in response.context["rows"]] == [MY]
    response = client.get(unit_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "In tờ rơi Thường Lạc" in body and "Hội nghị BHXH tự nguyện xã" in body
    assert client.get(unit_url(), {"export": "csv"}).status_code == 200


def test_outsider_gets_404(client, outsider, budget_2025):
    login(client, outsider)
    assert client.get(unit_url()).status_code == 404
    assert client.get(reverse("budget:line_edit", args=[budget_2025["line"].pk])).status_code == 404
    assert client.get(reverse("budget:estimate_edit", args=[budget_2025["estimate"].pk])).status_code == 404
    assert client.get(reverse("budget:line_delete", args=[budget_2025["line"].pk])).status_code == 404
    response = client.get(reverse("budget:kinds"), {"year": 2025})
    assert response.status_code == 200 and sum(r.total for r in response.context["rows"]) == money("3.000.000")
    # A unit outside the scope is not offered as a filter, and its figures are not read.
    response = client.get(reverse("budget:list"), {"year": 2025, "unit": unit(MY).pk})
    assert [r.unit.code for r in response.context["rows"]] == [OTHER]


def test_leader_reads_only(client, make_user, budget_2025):
    leader = make_user(Role.LEADER, "hn-ldtbxh")
    login(client, leader)
    response = client.get(reverse("budget:list"), {"year": 2025})
    assert response.status_code == 200 and reverse("budget:estimate_new") not in response.content.decode()
    assert client.get(unit_url()).status_code == 200
    assert client.get(reverse("budget:estimate_new")).status_code == 404
    assert client.post(reverse("budget:line_new"), {"unit": unit(MY).pk}).status_code == 404
    assert client.post(reverse("budget:line_delete", args=[budget_2025["line"].pk])).status_code == 404
    check = reverse("budget:check", args=["line", budget_2025["line"].pk])
    assert client.post(check, {"status": "accepted"}).status_code == 404
    assert SpendingLine.objects.filter(pk=budget_2025["line"].pk, check_status=CheckStatus.PENDING).exists()


def test_officer_records_an_estimate_and_a_line(client, officer, budget_2025):
    login(client, officer)
    url = reverse("budget:estimate_new")
    response = client.post(url, {"unit": unit(MY).pk, "year": 2025, "source": "other", "amount": "-5", "note": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["amount"]  # named under the field (in Vietnamese)
    response = client.post(url, {"unit": unit(MY).pk, "year": 2025, "source": "other", "amount": "3000000"})
    assert response.status_code == 302 and response["Location"] == unit_url()
    assert BudgetEstimate.objects.filter(unit__code=MY).count() == 2
    # Another unit is not among the choices.
    response = client.post(url, {"unit": unit(OTHER).pk, "year": 2025, "source": "other", "amount": "1"})
    assert "unit" in response.context["form"].errors
    a = budget_2025["activity"]
    line_url = reverse("budget:line_new") + f"?unit={unit(MY).pk}&year=2025"
    data = {"unit": unit(MY).pk, "year": 2025, "spent_on": "02/01/2024", "description": "", "amount": "2100000"}
    response = client.post(line_url, {**data, "activity": a.pk})
    # The interface is Vietnamese: the message names the date and the year under the field.
    assert response.context["form"].errors == {"spent_on": ["Ngày 02/01/2024 không thuộc năm 2025 của khoản chi."]}
    response = client.post(line_url, {**data, "spent_on": "05/08/2025", "activity": a.pk, "evidence": "PC-12/2025"})
    assert response.status_code == 302
    saved = SpendingLine.objects.get(activity=a)
    assert (saved.description, saved.amount, saved.evidence) == (a.title, money("2.100.000"), "PC-12/2025")


def test_finance_checks(client, make_user, coordinator, budget_2025):
    finance = make_user(Role.FINANCE, "hn-tckh")
    login(client, finance)
    response = client.get(reverse("budget:queue"), {"year": 2025})
    assert response.status_code == 200 and response.context["queue"].total == 4
    assert client.get(reverse("budget:queue"), {"year": 2025, "export": "xlsx"}).status_code == 200
    ln = budget_2025["line"]
    url = reverse("budget:check", args=["line", ln.pk])
    client.post(url, {"status": "queried", "note": "", "seen_amount": "1000000"})
    ln.refresh_from_db()
    assert ln.check_status == CheckStatus.PENDING  # a query needs its note
    client.post(url, {"status": "queried", "note": "Thiếu hóa đơn", "seen_amount": "1000000"})
    ln.refresh_from_db()
    assert (ln.check_status, ln.check_note) == (CheckStatus.QUERIED, "Thiếu hóa đơn")
    a = budget_2025["activity"]
    client.post(reverse("budget:check", args=["activity", a.pk]), {"status": "accepted", "seen_amount": "2000000"})
    assert SpendingLine.objects.get(activity=a).check_status == CheckStatus.ACCEPTED
    # The coordinator reads the queue but may not check.
    login(client, coordinator)
    assert client.post(url, {"status": "accepted"}).status_code == 404


def test_breakdowns(client, coordinator, budget_2025):
    login(client, coordinator)
    for name in ("budget:kinds", "budget:campaigns"):
        response = client.get(reverse(name), {"year": 2025})
        assert response.status_code == 200
        assert sum(r.total for r in response.context["rows"]) == money("6.000.000")
        for fmt in ("xlsx", "csv"):
            assert client.get(reverse(name), {"year": 2025, "export": fmt}).status_code == 200


def test_year_outside_the_plan_is_404(client, coordinator, budget_2025):
    login(client, coordinator)
    # Every plan's years and the running year can be budgeted; others are not pages.
    assert client.get(unit_url(year=2021)).status_code == 404
    assert client.get(unit_url(year=clock.today().year)).status_code == 200
    # The list falls back to the default year (the running one) rather than reading a year outside.
    assert client.get(reverse("budget:list"), {"year": 2040}).context["year"] == clock.today().year


def test_activity_page_links_to_the_budget(client, coordinator, outsider, budget_2025):
    a = budget_2025["activity"]
    body = login(client, coordinator).get(reverse("activities:detail", args=[a.pk])).content.decode()
    assert unit_url() in body
    assert client.get(unit_url()).status_code == 200


def test_a_plan_picked_narrows_the_years_to_its_period(client, coordinator, budget_2025):
    from lantoa.plans.models import Plan
    from lantoa.plans.services import plan_copy

    old = Plan.objects.get(is_default=True)
    new = plan_copy(
        actor=None,
        plan=old,
        number="7/KH",
        title="KH 2026",
        start_year=2026,
        end_year=2030,
        issuer=None,
        issuer_name="UBND tỉnh",
    )
    client.force_login(coordinator)
    page = client.get(reverse("budget:list"), {"plan": new.pk, "year": 2025})
    years = [int(v) for v, _label in page.context["form"].fields["year"].choices]
    assert sorted(years) == [2026, 2027, 2028, 2029, 2030] and page.context["year"] in years
    old_page = client.get(reverse("budget:list"), {"plan": old.pk, "year": 2025})
    assert old_page.context["year"] == 2025 and 2026 not in [
        int(v) for v, _label in old_page.context["form"].fields["year"].choices
    ]
