"""Demo data after the district: the 2026–2030 demo plan and 2026 records up to today on the new communes."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command

from lantoa.activities.models import Activity, Campaign
from lantoa.core import clock
from lantoa.demo.services import NEXT_PLAN, demo_load, demo_remove
from lantoa.geo.models import Area
from lantoa.plans.kpi import compute
from lantoa.plans.models import Plan
from lantoa.plans.selectors import dashboard_rows, default_plan

pytestmark = pytest.mark.django_db

PEOPLE = 300  # a small registry keeps the tests fast
NEW_CODES = {"29971", "29978", "29983", "29992", "30154"}


def _new_communes() -> set[int]:
    return set(Area.objects.filter(code__in=NEW_CODES, valid_from=dt.date(2025, 7, 1)).values_list("id", flat=True))


def _counts() -> dict:
    counts = {
        "activities": Activity.objects.filter(is_demo=True).count(),
        "campaigns": Campaign.objects.filter(is_demo=True).count(),
        "plans": Plan.objects.count(),
    }
    if apps.is_installed("lantoa.radio"):
        from lantoa.radio.models import Broadcast

        counts["broadcasts"] = Broadcast.objects.count()
    if apps.is_installed("lantoa.reports"):
        from lantoa.reports.models import Report

        counts["reports"] = Report.objects.count()
    if apps.is_installed("lantoa.audience"):
        from lantoa.audience.models import Reach

        counts["reach"] = Reach.objects.count()
    return counts


def test_2026_records_on_the_new_communes_count_for_the_next_plan_only(default_data, coordinator):
    today = clock.today()
    demo_load(actor=None, people=PEOPLE)
    old = Plan.objects.get(is_default=True)
    plan = Plan.objects.get(**NEXT_PLAN)
    assert (plan.start_year, plan.end_year, plan.copied_from) == (2026, 2030, old)
    assert set(plan.areas.values_list("code", flat=True)) == NEW_CODES and not plan.is_default
    # Not the default, yet the pages open on it: it is the plan in force this year.
    assert default_plan(user=coordinator) == plan

    new = _new_communes()
    year = Activity.objects.filter(is_demo=True, start_date__year=2026)
    assert year.count() > 50
    assert set(year.values_list("area_id", flat=True)) <= new
    assert {a.code for a in Area.objects.filter(id__in=year.values("area_id"))} == NEW_CODES
    assert year.filter(organiser__code__startswith="dt-ubnd-").exists()
    assert set(year.values_list("kind", flat=True)) >= {"conference", "training", "household_visit", "social_post"}
    assert not Activity.objects.filter(start_date__gt=today).exists()
    assert Campaign.objects.filter(is_demo=True, start_date__year=2026).count() == 2

    ind = {i.code: i for i in plan.indicators.all()}
    m4 = compute(ind["M4"], 2026)
    assert m4.actual == 6 and {a.start_date.year for a in m4.records} == {2026}
    assert compute(ind["M10"], 2026).actual >= 1
    # The old plan's figures hold none of the 2026 records, and it has no 2026 column.
    old_ind = {i.code: i for i in old.indicators.all()}
    assert old.years == [2022, 2023, 2024, 2025]
    for code in ("M4", "M10", "T7"):
        for y in old.years:
            records = compute(old_ind[code], y).records
            assert not records.filter(start_date__year=2026).exists(), (code, y)

    if apps.is_installed("lantoa.radio"):
        from lantoa.radio.models import Broadcast

        aired = Broadcast.objects.filter(aired_on__year=2026)
        assert not Broadcast.objects.filter(aired_on__gt=today).exists()
        assert set(aired.values_list("commune_id", flat=True)) == new
        weeks = [(b.commune_id, b.aired_on.isocalendar()[:2]) for b in aired]
        per_week = Counter(w for w in weeks if w[1][0] == 2026)
        short = [k for k, n in per_week.items() if n < 2 and k[1] != today.isocalendar()[:2]]
        assert short and len(short) < 0.1 * len(per_week)  # mostly two or more a week, a few short weeks
        m7 = compute(ind["M7"], 2026)
        assert m7.denominator > 200 and m7.denominator - 20 < m7.numerator < m7.denominator

    if apps.is_installed("lantoa.audience"):
        from lantoa.audience.models import Reach, Statistic

        assert Reach.objects.filter(date__year=2026).exists() and not Reach.objects.filter(date__gt=today).exists()
        assert set(Statistic.objects.filter(year=2026, kind="labour_force").values_list("area_id", flat=True)) == new
        assert compute(ind["T3"], 2026).has_data and compute(ind["T4"], 2026).has_data

    # Nothing after today, whatever the record.
    for app, model, field in (
        ("budget", "SpendingLine", "spent_on"),
        ("coordination", "Briefing", "date"),
        ("coordination", "Inspection", "date"),
        ("coordination", "AgreementReview", "date"),
        ("coordination", "UnitPlan", "filed_on"),
        ("messaging", "Message", "sent_at__date"),
    ):
        if apps.is_installed(f"lantoa.{app}"):
            records = apps.get_model(app, model).objects.filter(is_demo=True)
            assert records.filter(**{f"{field}__year": 2026}).exists(), model
            assert not records.filter(**{f"{field}__gt": today}).exists(), model

    if apps.is_installed("lantoa.reports"):
        from lantoa.reports.models import Report

        reports = Report.objects.filter(plan=plan, year=2026)
        assert reports.count() == 4 and all(r.unit.code.startswith("dt-ubnd-") for r in reports)

    # A believable current year: some targets met, some missed or behind.
    statuses = {r["indicator"].code: r["cells"][0]["status"] for r in dashboard_rows(user=coordinator, plan=plan)}
    assert "met" in statuses.values() and "behind" in statuses.values()
    assert statuses["M4"] == "met" and statuses["M7"] == "behind"


def test_remove_deletes_the_next_plan_and_the_2026_records(default_data):
    demo_load(actor=None, people=PEOPLE)
    old = Plan.objects.get(is_default=True)
    indicators = old.indicators.count()
    counts = demo_remove(actor=None)
    assert counts["next_plan"] == 1
    assert not Plan.objects.filter(**NEXT_PLAN).exists()
    assert not Activity.objects.exists() and not Campaign.objects.exists()
    if apps.is_installed("lantoa.radio"):
        from lantoa.radio.models import Broadcast

        assert not Broadcast.objects.exists()
    if apps.is_installed("lantoa.reports"):
        from lantoa.reports.models import Report

        assert not Report.objects.exists()
    # The Hồng Ngự plan is left as it was, and still the default.
    assert Plan.objects.get(pk=old.pk).is_default and old.indicators.count() == indicators


def test_loading_twice_adds_nothing(default_data):
    demo_load(actor=None, people=PEOPLE)
    before = _counts()
    again = demo_load(actor=None, people=PEOPLE)
    assert again["already"] and not again["stale"]
    assert _counts() == before
    # A demo loaded before the 2026–2030 plan existed is not topped up twice over: the command says to reload.
    plan = Plan.objects.get(**NEXT_PLAN)
    if apps.is_installed("lantoa.reports"):
        plan.reports.all().delete()
    plan.delete()
    out = io.StringIO()
    call_command("load_demo", "--people", str(PEOPLE), stdout=out)
    assert "load_demo --remove, then load_demo" in out.getvalue()
    assert not Plan.objects.filter(**NEXT_PLAN).exists()
