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
