"""The demo team: T1 shows the intended mix of met and missed years."""

from decimal import Decimal

from lantoa.demo.services import demo_load
from lantoa.plans.kpi import compute
from lantoa.plans.models import Indicator
from lantoa.team.demo import team_demo_load, team_demo_remove
from lantoa.team.models import TeamMember, TrainingAttendance


def test_demo_t1_figures_and_removal(default_data, coordinator):
    result = demo_load(actor=None, people=600)  # the demo loads the team after the registry
    assert result["team_members"] > 50 and result["training_attendance"] > 50
    assert team_demo_load(seed=2022)["already"]
    assert not TeamMember.objects.filter(is_demo=False).exists()
    indicator = Indicator.objects.get(computation="team_trained_share", plan__is_default=True)
    shares = {y: compute(indicator, y, user=coordinator).actual for y in (2022, 2023, 2024, 2025)}
    # Targets 70 / 80 / 90 / 100: met, missed, met, missed.
    assert Decimal(70) <= shares[2022] < Decimal(75)
    assert Decimal(73) <= shares[2023] < Decimal(80)
    assert Decimal(90) <= shares[2024] < Decimal(94)
    assert Decimal(95) <= shares[2025] < Decimal(100)
    counts = team_demo_remove()
    assert counts["team_members"] == result["team_members"]
    assert not TrainingAttendance.objects.exists()
