"""The figures of a report are the dashboard's and the records': the same computation for the same unit and
year, frozen at submission, and what changed since shown side by side."""

import copy
import datetime as dt
from types import SimpleNamespace

from django.db.models import Sum
from django.test import override_settings

from conftest import legacy_commune
from lantoa.activities.kinds import Channel, Kind
from lantoa.activities.models import Activity
from lantoa.activities.services import AudienceRow, activity_save
from lantoa.budget.selectors import budget_totals, unit_budget_get, unit_budgets
from lantoa.plans.kpi import compute
from lantoa.plans.selectors import dashboard_rows, indicators_with_targets
from lantoa.reports import services
from lantoa.reports.figures import TOTAL_KEYS, differences, due_day, flatten, sum_unit_reports
from lantoa.reports.labels import total_label
from lantoa.reports.models import Report
from lantoa.taxonomy.models import TargetGroup
from lantoa.team.models import TrainingAttendance

from .conftest import UNIT_NAME, YEAR, activity


def as_json(value):
    """A computed value as the report stores it (Decimals as strings, booleans and None kept)."""
    return value if value is None or isinstance(value, bool) else str(value)


# ----------------------------------------------------------------------------- equal to the dashboard


def test_unit_report_figures_equal_the_dashboard_and_the_records(submitted, plan, unit, officer):
    figures = submitted.figures
    assert figures["scope"] == "unit" and figures["unit"] == UNIT_NAME and figures["year"] == YEAR

    # Indicators: the dashboard's computation for this unit and year, row for row.
    expected = {}
    for indicator in indicators_with_targets(plan):
        result = compute(indicator, YEAR, user=officer, unit=unit)
        if result.has_data:
            expected[indicator.code] = (as_json(result.actual), as_json(result.numerator), as_json(result.denominator))
    frozen = {r["code"]: (r["actual"], r["numerator"], r["denominator"]) for r in figures["indicators"]}
    assert frozen == expected
    # … and by hand: 1 of the 3 collaborators completed the class; 1 of 3 activities in the May campaign.
    assert frozen["T1"] == ("33.3", "1", "3")
    assert frozen["T7"] == ("33.3", "1", "3")
    assert frozen["M10"][0] == "1"
    rows = {r["code"]: r for r in figures["indicators"]}
    assert rows["T1"]["display"] == "33,3%" and rows["T1"]["status"] == "behind" and rows["T1"]["met"] is False
    assert rows["M11"]["actual"] is True

    # Totals: counted from the records.
    done = Activity.objects.filter(organiser=unit, status=Activity.Status.DONE, start_date__year=YEAR)
    sums = done.aggregate(p=Sum("participants"), r=Sum("estimated_reach"))
    attendance = TrainingAttendance.objects.filter(activity__in=done.filter(kind=Kind.TRAINING))
    totals = figures["totals"]
    assert set(totals) == set(TOTAL_KEYS)  # a set: PostgreSQL's jsonb does not keep the keys' order
    assert totals["activities"] == done.count() == 3
    assert totals["participants"] == sums["p"] == 1203
    assert totals["estimated_reach"] == sums["r"] == 1234
    assert totals["trainings"] == 1
    assert totals["trainees"] == attendance.filter(attended=True).count() == 2
    assert totals["trainees_completed"] == attendance.filter(completed=True).count() == 1
    assert totals["messages_sent"] == totals["people_reached"] == 0
    by_form = {
        (r["kind"], r["channel"]): (r["count"], r["participants"], r["estimated_reach"], r["cost"])
        for r in figures["activities"]
    }
    assert by_form == {
        ("conference", "direct"): (1, "1200", "0", "3000000"),
        ("training", "direct"): (1, "3", "0", "1000000"),
        ("visual", "visual"): (1, "0", "1234", "2500000"),
    }

    # Budget: the budget page's figure for the unit and year.
    budget = unit_budget_get(user=officer, unit_id=unit.pk, year=YEAR)
    assert figures["budget"]["estimate"] == str(budget.estimate) == "20000000"
    assert figures["budget"]["spent"] == str(budget.spent) == "8000000"  # 1.500.000 line + 6.500.000 activities
    assert figures["budget"]["balance"] == str(budget.balance)
    assert figures["budget"]["percent_used"] == str(budget.percent_used) == "40.0"
    assert sum(int(b["total"]) for b in figures["budget"]["by_kind"]) == 8000000


def test_district_report_figures_equal_the_dashboard(district, plan, coordinator, accepted):
    report = services.report_submit(actor=coordinator, report=district)
    figures = report.figures
    assert figures["scope"] == "district" and figures["year"] == YEAR

    cells = {}
    for row in dashboard_rows(user=coordinator, plan=plan):
        cell = next(c for c in row["cells"] if c["year"] == YEAR)
        cells[row["indicator"].code] = (as_json(cell["result"].actual), cell["status"])
    assert {r["code"]: (r["actual"], r["status"]) for r in figures["indicators"]} == cells
    # Plan-wide: the Farmers' Union's conference counts too (1 of 4 activities in the campaign).
    assert cells["T7"][0] == "25.0" and cells["T1"][0] == "33.3"

    # The accepted unit report's frozen totals, added up; the units that have not reported named.
    assert figures["totals"] == accepted.figures["totals"]
    assert figures["units"] == [
        {"unit": UNIT_NAME, "report": accepted.pk, "submissions": 1, **accepted.figures["totals"]}
    ]
    assert "Hội Nông dân huyện Hồng Ngự" in figures["missing_units"]
    assert UNIT_NAME not in figures["missing_units"]
    assert "Ủy ban nhân dân huyện Hồng Ngự" not in figures["missing_units"]  # the reports go to it

    total = budget_totals(unit_budgets(user=coordinator, year=YEAR), YEAR)
    assert figures["budget"]["estimate"] == str(total.estimate)
    assert figures["budget"]["spent"] == str(total.spent)
    assert [u["unit"] for u in figures["budget"]["units"]] == [UNIT_NAME]


def test_final_figures_equal_the_dashboard_every_year(small_plan, world, coordinator):
    figures = services.live_figures(final_report(small_plan, coordinator), user=coordinator)
    assert figures["years"] == [2022, 2023, 2024, 2025]
    expected = {
        row["indicator"].code: [(c["year"], as_json(c["result"].actual), c["status"]) for c in row["cells"]]
        for row in dashboard_rows(user=coordinator, plan=small_plan)
    }
    got = {r["code"]: [(c["year"], c["actual"], c["status"]) for c in r["years"]] for r in figures["indicators"]}
    assert got == expected
    statuses = [c for r in figures["indicators"] for c in r["years"]]
    assert figures["met"] == sum(c["met"] is True for c in statuses)
    assert figures["missed"] == sum(c["met"] is False for c in statuses)
    t1 = next(r for r in figures["indicators"] if r["code"] == "T1")
    thuong_lac = next(c for c in t1["communes"] if c["commune"] == "Xã Thường Lạc")
    assert thuong_lac["years"]["2024"] == {"display": "33,3%", "status": "behind"}


def final_report(plan, coordinator):
    from lantoa.documents.models import ReportKind
    from lantoa.orgs.models import Unit

    return services.report_create(
        actor=coordinator,
        plan=plan,
        unit=Unit.objects.get(code="hn-ldtbxh"),
        year=YEAR,  # ignored: the final evaluation is of the plan's last year
        kind=ReportKind.FINAL_EVALUATION,
    )


# ----------------------------------------------------------------------------- frozen at submission


def test_figures_are_frozen_at_submission(submitted, officer, unit, world):
    frozen = copy.deepcopy(submitted.figures)
    frozen_at = submitted.frozen_at
    assert submitted.status == Report.Status.SUBMITTED and submitted.submissions == 1
    assert differences(frozen, services.live_figures(submitted, user=officer)) == []

    # The unit records one more talk and corrects the leaflets' reach after submitting.
    talk = Activity(
        title="Nói chuyện chuyên đề BHXH tự nguyện",
        kind=Kind.TALK,
        channel=Channel.DIRECT,
        status=Activity.Status.DONE,
        start_date=dt.date(YEAR, 11, 5),
        organiser=unit,
        area=legacy_commune("Xã Thường Lạc"),
    )
    activity_save(actor=officer, activity=talk, audiences=[AudienceRow(TargetGroup.objects.get(code="tn-1"), 30)])
    leaflets = world["leaflets"]
    leaflets.estimated_reach = 1500
    activity_save(actor=officer, activity=leaflets, audiences=[])

    submitted.refresh_from_db()
    assert submitted.figures == frozen and submitted.frozen_at == frozen_at

    rows = differences(submitted.figures, services.live_figures(submitted, user=officer))
    changed = {r["key"]: (r["frozen"], r["now"]) for r in rows}
    assert changed["tot:activities"] == ("3", "4")
    assert changed["tot:participants"] == ("1203", "1233")
    assert changed["tot:estimated_reach"] == ("1234", "1500")
    assert changed["ind:T7"] == ("33,3%", "25%")  # 1 of 4 activities in the campaign now
    assert next(r["label"] for r in rows if r["key"] == "tot:activities") == total_label("activities")
    for unchanged in ("tot:trainings", "tot:trainees", "ind:T1", "bud:estimate", "bud:spent"):
        assert unchanged not in changed


def test_resubmission_after_return_freezes_the_new_figures(submitted, officer, coordinator):
    first = copy.deepcopy(submitted.figures)
    first_frozen_at = submitted.frozen_at
    activity(dt.date(YEAR, 11, 5), kind=Kind.TALK, participants=30)

    returned = services.report_return(
        actor=coordinator, report=submitted, comments={"figures": "Bổ sung buổi nói chuyện tháng 11."}
    )
    assert returned.figures == first  # what was submitted stays until the next submission

    again = services.report_submit(actor=officer, report=returned)
    assert again.status == Report.Status.SUBMITTED and again.submissions == 2
    assert again.frozen_at > first_frozen_at
    assert again.figures["totals"]["activities"] == 4 and again.figures["totals"]["participants"] == 1233
    assert differences(again.figures, services.live_figures(again, user=officer)) == []


# ----------------------------------------------------------------------------- pure functions


def test_differences_name_figures_that_appeared_or_went():
    frozen = {
        "indicators": [{"code": "T1", "name": "Tập huấn", "display": "33,3%"}],
        "totals": {"activities": 3, "trainings": 1},
        "budget": {"estimate": "100"},
    }
    live = {
        "indicators": [],
        "totals": {"activities": 3, "trainings": 2, "signups": 5},
        "budget": {"estimate": "100", "spent": "40"},
    }
    rows = {r["key"]: (r["label"], r["frozen"], r["now"]) for r in differences(frozen, live)}
    assert rows == {
        "ind:T1": ("T1 · Tập huấn", "33,3%", "—"),
        "tot:trainings": (total_label("trainings"), "1", "2"),
        "tot:signups": (total_label("signups"), "—", "5"),
        "bud:spent": (rows["bud:spent"][0], "—", "40"),
    }
    assert differences(frozen, copy.deepcopy(frozen)) == []
    assert differences(None, None) == []


def test_flatten_reads_every_year_of_the_final_evaluation():
    figures = {
        "indicators": [{"code": "M10", "years": [{"year": 2022, "display": "2"}, {"year": 2023, "display": "—"}]}]
    }
    assert flatten(figures) == {"ind:M10:2022": ("M10 (2022)", "2"), "ind:M10:2023": ("M10 (2023)", "—")}


def test_sum_unit_reports_adds_totals_and_merges_forms():
    def report(pk, name, figures):
        return SimpleNamespace(pk=pk, submissions=1, unit=SimpleNamespace(name=name), figures=figures)

    row = {"kind": "conference", "kind_label": "Hội nghị", "channel": "direct", "channel_label": "Trực tiếp"}
    summed = sum_unit_reports(
        [
            report(
                1,
                "Hội Nông dân",
                {
                    "totals": {"activities": 2, "participants": 100},
                    "activities": [{**row, "count": 2, "participants": "100", "cost": "5"}],
                },
            ),
            report(
                2,
                "Hội LHPN",
                {
                    "totals": {"activities": 1, "participants": 1203},
                    "activities": [{**row, "count": 1, "participants": "1203"}],
                },
            ),
            report(3, "Huyện Đoàn", None),  # no figures: counts for nothing
        ]
    )
    assert summed["totals"]["activities"] == 3 and summed["totals"]["participants"] == 1303
    assert summed["totals"]["trainings"] == 0
    merged = summed["activities"]
    assert (
        len(merged) == 1
        and merged[0]["count"] == 3
        and merged[0]["participants"] == "1303"
        and merged[0]["cost"] == "5"
    )
    assert [u["unit"] for u in summed["units"]] == ["Hội Nông dân", "Hội LHPN", "Huyện Đoàn"]


def test_due_day_follows_the_setting():
    assert due_day(2024) == dt.date(2024, 12, 15)
    with override_settings(REPORTS_DUE="31/01"):
        assert due_day(2025) == dt.date(2025, 1, 31)
