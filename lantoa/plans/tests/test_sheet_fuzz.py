"""Fuzzed plan sheets: each is imported whole or refused with its rows named, never a crash, never half."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantoa.core.models import AuditLog
from lantoa.plans.models import Indicator, Plan, Target
from lantoa.plans.sheet import PlanSheetError, plan_sheet_import

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
HEADERS = ["Mã", "Chỉ tiêu", "Cách tính", "Đơn vị tính", "Cách đánh giá", "Năm", "Địa bàn", "Đơn vị"]
HEADERS += ["Tối thiểu", "Tối đa", "Có/Không", "Ghi như văn bản", "Ghi chú"]
CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "M4",
            "T2",
            "NEW1",
            "2024",
            "2031",
            "Toàn kế hoạch",
            "Xã Long Khánh A",
            "12",
            "-3",
            "1,5",
            "có",
            "=1+1",
            "@x",
            "Tổng cộng",
            "9" * 40,
            "x" * 3000,
        ]
    ),
    st.text(max_size=20),
)


def _csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADERS, *rows])
    return buf.getvalue().encode("utf-8-sig")


def _state(plan):
    targets = sorted(Target.objects.filter(indicator__plan=plan).values_list("id", "min_value", "max_value", "note"))
    return targets, Indicator.objects.filter(plan=plan).count(), AuditLog.objects.count()


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=2, max_size=13), min_size=1, max_size=5), dry_run=st.booleans())
def test_fuzzed_plan_sheet(default_data, coordinator, rows, dry_run):
    plan = Plan.objects.get(is_default=True)
    before = _state(plan)
    try:
        plan_sheet_import(actor=coordinator, plan=plan, data=_csv(rows), filename="kh.csv", dry_run=dry_run)
    except PlanSheetError as exc:
        assert exc.messages  # every refusal says why
        assert _state(plan) == before  # and nothing was written
        return
    if dry_run:
        assert _state(plan) == before
