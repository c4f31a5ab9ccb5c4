"""Demo data: believable, marked, removable."""

import pytest
from django.apps import apps

from lantoa.activities.models import Activity, Campaign
from lantoa.demo.services import demo_load, demo_remove
from lantoa.plans.models import Plan
from lantoa.plans.selectors import dashboard_rows

pytestmark = pytest.mark.django_db


# A small registry keeps the tests fast; `load_demo` writes about 100,000 people.
PEOPLE = 300


def test_demo_fills_the_dashboard_with_met_and_missed_targets(default_data, coordinator):
    result = demo_load(actor=None, people=PEOPLE)
    assert result["activities"] > 500 and Activity.objects.filter(is_demo=False).count() == 0
    assert demo_load(actor=None, people=PEOPLE)["already"]
    rows = {r["indicator"].code: r for r in dashboard_rows(user=coordinator, plan=Plan.objects.get(is_default=True))}
    m4 = [c["status"] for c in rows["M4"]["cells"]]
    assert m4 == ["met", "met", "behind", "met"]
    # Every indicator of the plan shows a computed figure for at least one year of the demo.
    empty = [code for code, r in rows.items() if all(c["status"] == "no_data" for c in r["cells"])]
    assert empty == []
    statuses = {c["status"] for r in rows.values() for c in r["cells"]}
    assert {"met", "behind"} <= statuses and "no_data" not in statuses
    if apps.is_installed("lantoa.radio"):
        assert result["broadcasts"] > 1000
        assert [c["status"] for c in rows["M7"]["cells"]] == ["behind", "met", "behind", "met"]
    if apps.is_installed("lantoa.messaging"):
        assert result["message_broadcasts"] == 4  # 2023–2026
        assert [c["status"] for c in rows["M9"]["cells"]][1:] == ["met", "met", "met"]


def test_demo_is_removable(default_data):
    demo_load(actor=None, people=PEOPLE)
    counts = demo_remove(actor=None)
    assert counts["activities"] > 0
    assert not Activity.objects.exists() and not Campaign.objects.exists()
    if apps.is_installed("lantoa.messaging"):
        from lantoa.messaging.models import Broadcast, Message

        assert counts["messages"] > 0 and not Message.objects.exists() and not Broadcast.objects.exists()
