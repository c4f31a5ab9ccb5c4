"""Message fields that follow the law: the voluntary contribution rate is data with dates."""

import datetime as dt
import json
from decimal import Decimal

from lantoa.messaging import text


def test_rate_in_force_on_the_day():
    assert text.voluntary_rate(dt.date(2009, 6, 1)) == Decimal("0.16")
    assert text.voluntary_rate(dt.date(2013, 12, 31)) == Decimal("0.20")
    assert text.voluntary_rate(dt.date(2026, 12, 7)) == Decimal("0.22")
    # 1.500.000 đ declared, quarterly, due in 2026: 22% × 3 months.
    assert text.contribution(1_500_000, "3m", dt.date(2026, 12, 7)) == Decimal("990000")
    assert text.contribution(1_500_000, "", dt.date(2011, 3, 1)) == Decimal("270000")
    assert text.contribution(None, "3m") is None


def test_a_new_rate_is_a_new_dated_row(tmp_path, monkeypatch):
    rules = json.loads(text.RATES_FILE.read_text(encoding="utf-8"))
    rules["rules"].append({"from": "2030-01-01", "rate": "0.25", "source": "a future law"})
    changed = tmp_path / "rates.json"
    changed.write_text(json.dumps(rules), encoding="utf-8")
    monkeypatch.setattr(text, "RATES_FILE", changed)
    text._rates.cache_clear()
    try:
        assert text.voluntary_rate(dt.date(2029, 12, 31)) == Decimal("0.22")
        assert text.voluntary_rate(dt.date(2030, 1, 1)) == Decimal("0.25")
    finally:
        monkeypatch.undo()
        text._rates.cache_clear()
