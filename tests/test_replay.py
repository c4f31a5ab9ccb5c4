"""The replayed default data is what the real loaders write, table by table."""

import pytest
from django.db import models

from conftest import load_default_data
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.plans.models import Indicator, Plan
from tests import replay


def _comparable(label: str, table: dict) -> dict:
    """A table without its time stamps (when a row was written is not part of the data)."""
    from django.apps import apps

    model = apps.get_model(label)
    cols = replay._columns(model)
    stamps = {i for i, f in enumerate(model._meta.concrete_fields) if isinstance(f, models.DateTimeField)}
    assert len(cols) == len(model._meta.concrete_fields)
    return {pk: tuple(v for i, v in enumerate(row) if i not in stamps) for pk, row in table.items()}


@pytest.mark.django_db
def test_a_replay_writes_every_table_as_the_real_loaders_do(default_data_rows):
    # The real load writes the plan's document under the same name only if the name is free.
    for storage, name, _ in default_data_rows.files:
        storage.delete(name)
    real = replay.capture(lambda: (load_default_data(), replay.snapshot())[1]).result
    assert Area.objects.count() == 0  # the real load was rolled back
    replay.replay(default_data_rows)
    replayed = replay.snapshot()
    assert set(real) == set(replayed)
    filled = 0
    for label in real:
        assert _comparable(label, replayed[label]) == _comparable(label, real[label]), label
        filled += bool(real[label])
    assert filled >= 10
    assert Area.objects.filter(name="Xã Long Khánh A").exists()
    assert Plan.objects.filter(is_default=True, start_year=2022, end_year=2025).exists()
    assert Indicator.objects.count() >= 18
    plan = Plan.objects.get(is_default=True)
    assert plan.document and plan.document.read()


@pytest.mark.django_db(transaction=True)
def test_the_default_data_is_there_after_a_flushing_test_and_keys_go_on(default_data):
    """A transactional test gets the rows too, and new rows get keys after the replayed ones."""
    top = Unit.objects.order_by("-pk").first()
    assert Plan.objects.filter(is_default=True).count() == 1
    unit = Unit.objects.create(code="test-unit", name="Đơn vị thử", kind=top.kind, area=top.area)
    assert unit.pk > top.pk
    area = Area.objects.order_by("-pk").first()
    new = Area.objects.create(code="99999", name="Ấp thử", level=Area.Level.HAMLET, parent=area)
    assert new.pk > area.pk
