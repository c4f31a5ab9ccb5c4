from decimal import Decimal

from django import template

from lantoa.core.text import format_number

register = template.Library()


@register.filter
def pct(value):
    """0.22 → "22%", 0.4567 → "45,67%" (Vietnamese decimal comma)."""
    if value is None or value == "":
        return ""
    number = (Decimal(value) * 100).quantize(Decimal("0.01")).normalize()
    decimals = max(-number.as_tuple().exponent, 0)
    return f"{format_number(number, decimals)}%"


@register.filter
def age(months):
    """723 → "60 tuổi 3 tháng" style parts: (years, months)."""
    if months in (None, ""):
        return ("", "")
    months = int(months)
    return (months // 12, months % 12)
