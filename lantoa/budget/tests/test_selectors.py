"""Budget against spending per unit, form and campaign, on the hand-counted world of conftest.py.

2023, Thường Lạc (A):
  estimates 20.000.000 (regular) + 5.000.000 (other)                      = 25.000.000
  lines     L1 2.100.000 (for activity a2) + L2 1.500.000 + L3 400.000     =  4.000.000
  activity costs counted directly: a1 3.000.000 (a2 is on L1; a3 planned; a4 no cost; a5 in 2022)
  spent 7.000.000 · balance 18.000.000 · used 28,0%
2023, district insurance office (B):
  estimate 50.000.000 · line L4 10.000.000 · activity a6 6.000.000 · spent 16.000.000 · used 32,0%
Per form: visual L1 2.100.000 (a2 is visual) + L4 10.000.000 = 12.100.000; press a6 6.000.000;
  conference a1 3.000.000; gift L2 1.500.000; not given L3 400.000            → total 23.000.000
Per campaign: May a1 3.000.000 + L2 1.500.000 + a6 6.000.000 = 10.500.000;
  none L1 2.100.000 + L3 400.000 + L4 10.000.000 = 12.500.000                 → total 23.000.000
"""

import datetime as dt

from lantoa.activities.kinds import Kind
from lantoa.budget import selectors, services
from lantoa.budget.models import CheckStatus, SpendingLine

from .conftest import activity, money, unit


def by_code(rows):
    return {r.unit.code: r for r in rows}


def test_per_unit(world):
    rows = by_code(selectors.unit_budgets(user=None, year=2023))
    assert set(rows) == {"hn-ubnd-thuong-lac", "hn-bhxh"}
    a, b = rows["hn-ubnd-thuong-lac"], rows["hn-bhxh"]
    assert (a.estimate, a.estimate_regular, a.estimate_other) == (
        money("25.000.000"),
        money("20.000.000"),
        money("5.000.000"),
    )
    assert (a.spent_lines, a.spent_activities, a.spent) == (money("4.000.000"), money("3.000.000"), money("7.000.000"))
    assert a.balance == money("18.000.000")
    assert str(a.percent_used) == "28.0"
    assert (b.estimate, b.spent_lines, b.spent_activities, b.spent) == (
        money("50.000.000"),
        money("10.000.000"),
        money("6.000.000"),
        money("16.000.000"),
    )
    assert str(b.percent_used) == "32.0"
    total = selectors.budget_totals(list(rows.values()), 2023)
    assert (total.estimate, total.spent) == (money("75.000.000"), money("23.000.000"))
    assert selectors.unit_budgets(user=None, year=2022)[0].spent_activities == money("4.000.000")  # a5 only


def test_per_kind(world):
    rows = {r.key: r for r in selectors.spending_by_kind(user=None, year=2023)}
    assert {k: r.total for k, r in rows.items()} == {
        Kind.VISUAL: money("12.100.000"),
        Kind.PRESS_PIECE: money("6.000.000"),
        Kind.CONFERENCE: money("3.000.000"),
        Kind.GIFT: money("1.500.000"),
        "": money("400.000"),
    }
    assert (rows[Kind.VISUAL].lines, rows[Kind.VISUAL].activities, rows[Kind.VISUAL].count) == (
        money("12.100.000"),
        0,
        2,
    )
    assert sum(r.total for r in rows.values()) == money("23.000.000")
    one = {r.key: r.total for r in selectors.spending_by_kind(user=None, year=2023, unit=unit("hn-bhxh"))}
    assert one == {Kind.VISUAL: money("10.000.000"), Kind.PRESS_PIECE: money("6.000.000")}


def test_line_takes_the_activity_form_and_campaign(world):
    """A line tied to an activity is read with the activity's current form and campaign."""
    a2 = world["a2"]
    a2.kind, a2.campaign = Kind.THEATRE, world["may"]
    a2.save()
    kinds = {r.key: r.total for r in selectors.spending_by_kind(user=None, year=2023)}
    assert kinds[Kind.THEATRE] == money("2.100.000") and kinds[Kind.VISUAL] == money("10.000.000")
    camps = {r.key: r.total for r in selectors.spending_by_campaign(user=None, year=2023)}
    assert camps[world["may"].pk] == money("12.600.000")


def test_per_campaign(world):
    rows = {r.key: r for r in selectors.spending_by_campaign(user=None, year=2023)}
    assert {k: r.total for k, r in rows.items()} == {world["may"].pk: money("10.500.000"), None: money("12.500.000")}
    assert rows[world["may"].pk].label == world["may"].name
    assert (rows[world["may"].pk].lines, rows[world["may"].pk].activities) == (money("1.500.000"), money("9.000.000"))


def test_spending_items_list_every_counted_item_once(world):
    items = selectors.spending_items(user=None, year=2023, unit=unit("hn-ubnd-thuong-lac"))
    assert sorted(i.amount for i in items) == [money(x) for x in ("400.000", "1.500.000", "2.100.000", "3.000.000")]
    assert [i.activity for i in items if i.from_activity_cost] == [world["a1"]]
    assert sum(i.amount for i in items) == money("7.000.000")


def test_no_double_count(world):
    """An activity counts through its cost until a line stands for it, then through the line only."""
    a = activity("hn-ubnd-thuong-lac", dt.date(2023, 11, 1), kind=Kind.TALK, cost="1.000.000")
    rows = by_code(selectors.unit_budgets(user=None, year=2023))
    assert rows["hn-ubnd-thuong-lac"].spent == money("8.000.000")  # 7.000.000 + the cost
    line = services.line_save(
        actor=None,
        line=SpendingLine(
            unit=a.organiser, year=2023, spent_on=dt.date(2023, 11, 2), amount=money("1.200.000"), activity=a
        ),
    )
    a_row = by_code(selectors.unit_budgets(user=None, year=2023))["hn-ubnd-thuong-lac"]
    assert a_row.spent == money("8.200.000")  # the line's 1.200.000 instead of the cost, not both
    assert (a_row.spent_lines, a_row.spent_activities) == (money("5.200.000"), money("3.000.000"))
    a.cost = money("9.000.000")  # the activity's own figure no longer moves the spending
    a.save()
    assert by_code(selectors.unit_budgets(user=None, year=2023))["hn-ubnd-thuong-lac"].spent == money("8.200.000")
    kinds = {r.key: r for r in selectors.spending_by_kind(user=None, year=2023)}
    assert kinds[Kind.TALK].total == money("1.200.000") and kinds[Kind.TALK].count == 1
    # Checking an activity's cost keeps the check on a line with the same amount: the figure stays.
    services.activity_cost_check(actor=None, activity=world["a1"], status=CheckStatus.ACCEPTED)
    assert by_code(selectors.unit_budgets(user=None, year=2023))["hn-ubnd-thuong-lac"].spent == money("8.200.000")
    assert SpendingLine.objects.filter(activity=world["a1"]).count() == 1
    # The line deleted: the activity's cost counts again.
    services.line_delete(actor=None, line=line)
    assert by_code(selectors.unit_budgets(user=None, year=2023))["hn-ubnd-thuong-lac"].spent == money("16.000.000")


def test_scope(world, officer_thuong_lac):
    rows = selectors.unit_budgets(user=officer_thuong_lac, year=2023)
    assert [r.unit.code for r in rows] == ["hn-ubnd-thuong-lac"]
    assert rows[0].spent == money("7.000.000")
    kinds = {r.key: r.total for r in selectors.spending_by_kind(user=officer_thuong_lac, year=2023)}
    assert Kind.PRESS_PIECE not in kinds and sum(kinds.values()) == money("7.000.000")
    assert selectors.check_queue(user=officer_thuong_lac, year=2023).lines.count() == 3


def test_check_status_of_a_unit(world, make_user):
    from lantoa.accounts.roles import Role

    finance = make_user(Role.FINANCE, "hn-tckh")
    rows = by_code(selectors.unit_budgets(user=None, year=2023))
    assert rows["hn-bhxh"].check_status == CheckStatus.PENDING
    assert rows["hn-bhxh"].counts[CheckStatus.PENDING] == 3  # estimate, L4, a6
    bhxh = unit("hn-bhxh")
    for e in selectors.estimate_list(user=None, year=2023, unit=bhxh):
        services.estimate_check(actor=finance, estimate=e, status=CheckStatus.ACCEPTED)
    services.line_check(actor=finance, line=world["l4"], status=CheckStatus.ACCEPTED)
    assert by_code(selectors.unit_budgets(user=None, year=2023))["hn-bhxh"].check_status == CheckStatus.PENDING
    services.activity_cost_check(actor=finance, activity=world["a6"], status=CheckStatus.QUERIED, note="Thiếu hóa đơn")
    row = by_code(selectors.unit_budgets(user=None, year=2023))["hn-bhxh"]
    assert row.check_status == CheckStatus.QUERIED and row.spent == money("16.000.000")
    assert [r.unit.code for r in selectors.unit_budgets(user=None, year=2023, check_status=CheckStatus.QUERIED)] == [
        "hn-bhxh"
    ]
    world["l4"].refresh_from_db()
    line = SpendingLine.objects.get(activity=world["a6"])
    services.line_check(actor=finance, line=line, status=CheckStatus.ACCEPTED)
    assert by_code(selectors.unit_budgets(user=None, year=2023))["hn-bhxh"].check_status == CheckStatus.ACCEPTED
