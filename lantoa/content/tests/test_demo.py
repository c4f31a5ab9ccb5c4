"""The demo library: approved items linked to the demo activities, radio log and SMS template; T5 shows
real figures for 2022–2025, not always 100 %; removable."""

import pytest

from lantoa.activities.models import Activity
from lantoa.content.demo import content_demo_load, content_demo_remove
from lantoa.content.models import ContentItem, ContentReview
from lantoa.demo.services import demo_load
from lantoa.messaging.models import Template
from lantoa.plans.kpi import compute
from lantoa.plans.models import Indicator
from lantoa.radio.models import Broadcast

pytestmark = pytest.mark.django_db


def test_demo_library_gives_t5_figures_and_is_removable(default_data, coordinator):
    result = demo_load(actor=None, people=300)  # the demo loads the library after radio and messaging
    assert result["content_items"] == 13 and result["content_links"] > 500
    assert content_demo_load(seed=2022)["content_items"] == 0  # once only
    assert ContentItem.objects.filter(is_demo=True, status="approved").count() == 13
    assert ContentReview.objects.filter(decision="rejected").count() == 2
    assert Template.objects.filter(is_demo=True, content__isnull=False).exists()
    t5 = Indicator.objects.get(code="T5", plan__is_default=True)
    figures = {year: compute(t5, year, user=coordinator).actual for year in (2022, 2023, 2024, 2025)}
    assert all(v is not None for v in figures.values()), figures
    assert figures[2025] == 100
    assert any(v < 100 for v in figures.values()), figures

    removed = content_demo_remove()
    assert removed["content_items"] == 13 and not ContentItem.objects.exists()
    assert Activity.objects.filter(is_demo=True).exists() and Broadcast.objects.exists()
    assert not Activity.content_used.through.objects.exists()
