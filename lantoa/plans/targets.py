"""How a target reads, and how an actual value compares with it."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from lantoa.core.text import format_number


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_number(value, 0 if value == value.to_integral_value() else 1)


def wording_adds_to(label: str, display: str) -> bool:
    """True when the written target has words the figure lacks (units, "nội suy"…), not just "65%"."""
    if not label or label.strip().lower() == display.strip().lower():
        return False
    return bool(re.search(r"[^\W\d_]", label.replace("%", "")))


def value_display(value, measure: str) -> str:
    """An achieved value as the plan reads it: yes/no, 37,5%, 1.204."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return _num(Decimal(str(value))) + ("%" if measure == "percent" else "")


def target_display(target) -> str:
    direction = target.indicator.direction
    suffix = "%" if target.indicator.measure == "percent" else ""
    if direction == "yes_no":
        if target.expected is None:
            return "—"
        return _("yes") if target.expected else _("no")
    if direction == "report":
        return target.label or _("report")
    if direction == "range" and target.max_value is not None:
        return f"{_num(target.min_value)}–{_num(target.max_value)}{suffix}"
    if direction == "lte":
        return f"≤ {_num(target.max_value)}{suffix}"
    if target.min_value is not None:
        if suffix and target.min_value == 100:
            return "100%"  # "≥ 100%" reads oddly; the plan says "100%"
        return f"≥ {_num(target.min_value)}{suffix}"
    return target.label or "—"


def target_met(target, actual) -> bool | None:
    """True/False when the actual value meets the target; None when there is nothing to compare."""
    if actual is None or target is None:
        return None
    direction = target.indicator.direction
    if direction == "yes_no":
        return None if target.expected is None else bool(actual) == target.expected
    if direction == "report":
        return None
    value = Decimal(actual)
    if target.min_value is not None and value < target.min_value:
        return False
    return not (target.max_value is not None and direction in ("lte",) and value > target.max_value)


STATUS_MET, STATUS_ON_TRACK, STATUS_BEHIND, STATUS_NO_DATA, STATUS_REPORTED = (
    "met",
    "on_track",
    "behind",
    "no_data",
    "reported",
)


def year_elapsed(year: int, today) -> float:
    """Share of `year` gone by on `today` (0 before it starts, 1 after it ends)."""
    import datetime as dt

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today < start:
        return 0.0
    if today >= end:
        return 1.0
    return ((today - start).days + 1) / ((end - start).days + 1)


def evaluate(target, result, year: int, today) -> tuple[str, Decimal | None]:
    """(status, forecast to the year end). Met, on track (the pace so far reaches the target by 31/12),
    behind, no data, or reported (an indicator without a threshold)."""
    if not result.has_data:
        return STATUS_NO_DATA, None
    if target is None or target.indicator.direction == "report":
        return STATUS_REPORTED, None
    if target_met(target, result.actual):
        return STATUS_MET, None
    elapsed = year_elapsed(year, today)
    if elapsed >= 1:
        return STATUS_BEHIND, None
    indicator = target.indicator
    # Counts and reach shares grow through the year: project the pace so far to 31/12.
    if indicator.direction in ("gte", "range") and indicator.measure in ("count", "percent") and elapsed > 0:
        forecast = (Decimal(result.actual) / Decimal(str(elapsed))).quantize(Decimal("0.1"))
        return (
            STATUS_ON_TRACK if target.min_value is None or forecast >= target.min_value else STATUS_BEHIND
        ), forecast
    if indicator.direction == "yes_no":
        return STATUS_ON_TRACK, None  # still possible before the year ends
    return STATUS_BEHIND, None
