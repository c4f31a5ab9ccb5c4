"""Fuzzed hamlet sheets: all hamlets added, or none with every wrong row named; never a crash."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import legacy_commune
from lantoa.geo.models import Area
from lantoa.geo.services import ImportRejected, hamlets_import

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "Xã Long Khánh A",
            "Long Khánh A",
            "Xã Thường Lạc",
            "Ấp 1",
            "Khóm 2",
            "ấp",
            "01/07/2025",
            "31/02/2024",
            "=A1",
            "Tổng cộng",
            "x" * 500,
        ]
    ),
    st.text(max_size=20),
)


def _csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([["Xã", "Tên ấp", "Loại", "Hiệu lực từ"], *rows])
    return buf.getvalue().encode("utf-8-sig")


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6))
def test_fuzzed_hamlet_sheet(default_data, coordinator, rows):
    before = Area.objects.count()
    try:
        added = hamlets_import(
            actor=coordinator, data=_csv(rows), filename="ap.csv", communes=[legacy_commune("Xã Long Khánh A")]
        )
    except ImportRejected as exc:
        assert exc.errors  # every refusal names its rows
        assert Area.objects.count() == before
        return
    assert Area.objects.count() == before + len(added)
    assert all(a.level == Area.Level.HAMLET for a in added)
