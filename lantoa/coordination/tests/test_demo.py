import pytest

from lantoa.coordination.demo import coordination_demo_load, coordination_demo_remove
from lantoa.coordination.models import Agreement, AgreementReview, Briefing, UnitPlan
from lantoa.coordination.tests.conftest import indicator
from lantoa.plans.kpi import compute

pytestmark = pytest.mark.django_db


def test_demo_load_and_remove(coordinator):
    from lantoa.audience.demo import audience_demo_load

    audience_demo_load(seed=2022, people=400)
    counts = coordination_demo_load(seed=2022)
    assert counts["briefings"] > 0 and counts["plans"] > 0
    assert coordination_demo_load(seed=2022) == {"already": True}
    m1 = {y: compute(indicator("M1"), y, user=coordinator).actual for y in (2022, 2023, 2024, 2025)}
    assert m1[2022] == 100
    assert all(v is not None and 80 <= v <= 100 for v in m1.values())
    m2 = {y: compute(indicator("M2"), y, user=coordinator).actual for y in (2022, 2023, 2024, 2025)}
    assert m2[2022] == 100 and m2[2023] == 90 and m2[2025] == 80
    assert compute(indicator("M3"), 2022, user=coordinator).actual is True
    assert compute(indicator("M3"), 2025, user=coordinator).actual is True
    removed = coordination_demo_remove()
    assert removed["briefings"] == counts["briefings"]
    assert not (Briefing.objects.exists() or UnitPlan.objects.exists() or Agreement.objects.exists())
    assert not AgreementReview.objects.exists()
