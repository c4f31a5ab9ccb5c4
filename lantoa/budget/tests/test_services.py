import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.accounts.roles import Role
from lantoa.activities.kinds import Kind
from lantoa.budget import services
from lantoa.budget.models import BudgetEstimate, CheckStatus, SpendingLine
from lantoa.core.models import AuditLog

from .conftest import activity, money, unit


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def new_line(**kw):
    data = {"unit": unit("hn-bhxh"), "year": 2023, "spent_on": dt.date(2023, 4, 1), "description": "In tờ rơi"}
    data.update(kw)
    data.setdefault("amount", money("500.000"))
    return SpendingLine(**data)


def test_plan_years(default_data, monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2023, 6, 15))
    assert services.plan_years() == [2022, 2023, 2024, 2025]
    # After the plan: the running year can be budgeted before the next plan exists.
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2026, 12, 6))
    assert services.plan_years() == [2022, 2023, 2024, 2025, 2026]


# Each year with a unit in force in it: the district office in 2021, its regional successor in 2027.
@pytest.mark.parametrize(("year", "code"), [(2021, "hn-bhxh"), (2027, "dt-bhxh-kv")])
def test_estimate_year_outside_the_plan(default_data, coordinator, year, code, monkeypatch):
    monkeypatch.setattr("lantoa.core.clock.today", lambda: dt.date(2026, 12, 6))
    e = BudgetEstimate(unit=unit(code), year=year, amount=money("1.000.000"))
    errors = errors_of(lambda: services.estimate_save(actor=coordinator, estimate=e))
    assert errors == {"year": [f"The year {year} is outside the years a budget can be set for (2022–2026)."]}
    assert not BudgetEstimate.objects.exists()


def test_negative_amounts(default_data, coordinator):
    e = BudgetEstimate(unit=unit("hn-bhxh"), year=2023, amount=money("-1"))
    assert errors_of(lambda: services.estimate_save(actor=coordinator, estimate=e)) == {
        "amount": ["The amount cannot be negative."]
    }
    assert errors_of(lambda: services.line_save(actor=coordinator, line=new_line(amount=money("-5")))) == {
        "amount": ["The amount cannot be negative."]
    }
    assert not SpendingLine.objects.exists()


def test_line_dated_outside_its_year(default_data, coordinator):
    errors = errors_of(lambda: services.line_save(actor=coordinator, line=new_line(spent_on=dt.date(2024, 1, 2))))
    assert errors == {"spent_on": ["The date 02/01/2024 is not in 2023, the year of the line."]}


def test_line_for_an_activity_of_another_unit(default_data, coordinator):
    a = activity("hn-ubnd-thuong-lac", dt.date(2023, 3, 1), cost="1.000.000")
    errors = errors_of(lambda: services.line_save(actor=coordinator, line=new_line(activity=a)))
    assert errors == {"activity": [f"This activity was organised by {a.organiser.name}, not by this unit."]}


def test_line_for_an_activity_of_another_year_or_already_on_a_line(default_data, coordinator):
    a = activity("hn-bhxh", dt.date(2022, 3, 1), cost="1.000.000")
    errors = errors_of(lambda: services.line_save(actor=coordinator, line=new_line(activity=a)))
    assert errors == {"activity": ["This activity took place in 2022; record its spending in that year."]}
    b = activity("hn-bhxh", dt.date(2023, 3, 1), cost="1.000.000", kind=Kind.DIALOGUE)
    first = services.line_save(actor=coordinator, line=new_line(activity=b, description=""))
    assert first.description == b.title and first.kind == Kind.DIALOGUE
    errors = errors_of(lambda: services.line_save(actor=coordinator, line=new_line(activity=b)))
    assert errors == {"activity": ["This activity's cost is already on a spending line."]}


def test_unit_not_in_force_that_year(default_data, coordinator):
    e = BudgetEstimate(unit=unit("dt-ubnd-tan-long"), year=2024, amount=money("1.000.000"))
    errors = errors_of(lambda: services.estimate_save(actor=coordinator, estimate=e))
    assert list(errors) == ["unit"]


def test_duplicate_estimate(default_data, coordinator):
    services.estimate_save(
        actor=coordinator, estimate=BudgetEstimate(unit=unit("hn-bhxh"), year=2023, amount=money("1.000.000"))
    )
    again = BudgetEstimate(unit=unit("hn-bhxh"), year=2023, amount=money("2.000.000"))
    assert errors_of(lambda: services.estimate_save(actor=coordinator, estimate=again)) == {
        "source": ["This unit already has an estimate from this source for that year."]
    }
    other = BudgetEstimate(unit=unit("hn-bhxh"), year=2023, amount=money("2.000.000"), source="other")
    services.estimate_save(actor=coordinator, estimate=other)
    assert BudgetEstimate.objects.count() == 2


def test_writers(default_data, make_user, officer_thuong_lac):
    leader = make_user(Role.LEADER, "hn-ubnd-huyen")
    e = BudgetEstimate(unit=unit("hn-ubnd-thuong-lac"), year=2023, amount=money("1.000.000"))
    assert errors_of(lambda: services.estimate_save(actor=leader, estimate=e)) == {
        "__all__": ["Your account may only read the budget."]
    }
    other = BudgetEstimate(unit=unit("hn-ubnd-long-khanh-a"), year=2023, amount=money("1.000.000"))
    assert errors_of(lambda: services.estimate_save(actor=officer_thuong_lac, estimate=other)) == {
        "unit": ["You may only keep the budget of your own unit."]
    }
    saved = services.estimate_save(actor=officer_thuong_lac, estimate=e)
    log = AuditLog.objects.get(target_type="budget.budgetestimate", target_id=str(saved.pk))
    assert log.verb == "budget_estimate_save" and log.actor == officer_thuong_lac


def test_only_the_finance_office_checks(default_data, coordinator, make_user):
    finance = make_user(Role.FINANCE, "hn-tckh")
    line = services.line_save(actor=coordinator, line=new_line())
    assert errors_of(lambda: services.line_check(actor=coordinator, line=line, status=CheckStatus.ACCEPTED)) == {
        "check_status": ["Only the finance office may check spending."]
    }
    assert errors_of(lambda: services.line_check(actor=finance, line=line, status=CheckStatus.QUERIED, note=" ")) == {
        "check_note": ["Say what the unit must explain or correct."]
    }
    services.line_check(actor=finance, line=line, status=CheckStatus.QUERIED, note="Thiếu hóa đơn")
    line.refresh_from_db()
    assert (line.check_status, line.check_note, line.checked_by) == (CheckStatus.QUERIED, "Thiếu hóa đơn", finance)
    assert AuditLog.objects.filter(verb="budget_line_check", note="Thiếu hóa đơn").count() == 1
    admin = make_user(Role.ADMIN, "hn-ldtbxh")
    services.line_check(actor=admin, line=line, status=CheckStatus.ACCEPTED)
    line.refresh_from_db()
    assert line.check_status == CheckStatus.ACCEPTED
    assert errors_of(lambda: services.line_check(actor=finance, line=line, status=CheckStatus.ACCEPTED)) == {
        "check_status": ["This has already been checked with that result."]
    }


def test_check_is_conditional(default_data, coordinator, make_user):
    """A record changed after the checker opened it (another amount, or a colleague's check) is refused."""
    finance = make_user(Role.FINANCE, "hn-tckh")
    line = services.line_save(actor=coordinator, line=new_line())
    seen = line.amount
    stale = SpendingLine.objects.get(pk=line.pk)
    line.amount = money("900.000")
    services.line_save(actor=coordinator, line=line)
    assert errors_of(
        lambda: services.line_check(actor=finance, line=stale, status=CheckStatus.ACCEPTED, seen_amount=seen)
    ) == {"check_status": ["This record has changed meanwhile; reload the page."]}
    fresh = SpendingLine.objects.get(pk=line.pk)
    services.line_check(actor=finance, line=fresh, status=CheckStatus.ACCEPTED, seen_amount=fresh.amount)
    # A colleague's copy loaded before that check cannot query it blind.
    stale2 = SpendingLine.objects.get(pk=line.pk)
    stale2.check_status = CheckStatus.PENDING
    assert errors_of(lambda: services.line_check(actor=finance, line=stale2, status=CheckStatus.QUERIED, note="?")) == {
        "check_status": ["This record has changed meanwhile; reload the page."]
    }


def test_a_changed_amount_goes_back_to_the_queue(default_data, coordinator, make_user):
    finance = make_user(Role.FINANCE, "hn-tckh")
    e = services.estimate_save(
        actor=coordinator, estimate=BudgetEstimate(unit=unit("hn-bhxh"), year=2023, amount=money("1.000.000"))
    )
    services.estimate_check(actor=finance, estimate=e, status=CheckStatus.ACCEPTED)
    e.refresh_from_db()
    e.note = "Ghi chú"
    services.estimate_save(actor=coordinator, estimate=e)
    e.refresh_from_db()
    assert e.check_status == CheckStatus.ACCEPTED  # a note does not undo the check
    e.amount = money("1.500.000")
    services.estimate_save(actor=coordinator, estimate=e)
    e.refresh_from_db()
    assert (e.check_status, e.checked_by) == (CheckStatus.PENDING, None)


def test_accepted_line_cannot_be_deleted(default_data, coordinator, make_user):
    finance = make_user(Role.FINANCE, "hn-tckh")
    line = services.line_save(actor=coordinator, line=new_line())
    services.line_check(actor=finance, line=line, status=CheckStatus.ACCEPTED)
    line.refresh_from_db()
    assert list(errors_of(lambda: services.line_delete(actor=coordinator, line=line))) == ["__all__"]


def test_activity_cost_check(default_data, make_user):
    finance = make_user(Role.FINANCE, "hn-tckh")
    a = activity("hn-bhxh", dt.date(2023, 3, 1), cost="1.000.000")
    assert errors_of(
        lambda: services.activity_cost_check(actor=finance, activity=a, status=CheckStatus.ACCEPTED, seen_amount=5)
    ) == {"check_status": ["This record has changed meanwhile; reload the page."]}
    line = services.activity_cost_check(actor=finance, activity=a, status=CheckStatus.ACCEPTED, seen_amount=a.cost)
    assert (line.activity, line.amount, line.check_status, line.unit) == (a, a.cost, "accepted", a.organiser)
    assert errors_of(lambda: services.activity_cost_check(actor=finance, activity=a, status=CheckStatus.ACCEPTED))
    assert SpendingLine.objects.count() == 1
