import datetime as dt
import itertools

import pytest

from lantoa.core.text import search_key
from lantoa.orgs.models import Unit
from lantoa.radio.models import Broadcast

_counter = itertools.count(1)


@pytest.fixture
def on_day(monkeypatch):
    """on_day(date): run the rest of the test as of that day."""

    def _set(day: dt.date) -> dt.date:
        monkeypatch.setattr("lantoa.core.clock.today", lambda: day)
        return day

    return _set


def add(area, *days, voluntary=True, unit_code="hn-bhxh", title=None):
    """Broadcasts written straight to the table (the service has its own tests): one per day given."""
    unit = Unit.objects.get(code=unit_code)
    rows = []
    for day in days:
        text = title or f"Phát thanh BHXH tự nguyện số {next(_counter)}"
        rows.append(
            Broadcast(
                commune=area,
                unit=unit,
                aired_on=day,
                duration_minutes=15,
                title=text,
                voluntary_bhxh=voluntary,
                search_key=search_key(f"{text} {area.name}"),
            )
        )
    return Broadcast.objects.bulk_create(rows)


def d(text: str) -> dt.date:
    """'02/01/2023' → date(2023, 1, 2)."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date()
