"""Vietnamese formats for templates: {{ d|vn_date }}, {{ amount|vnd }}, {{ n|vn_number }}."""

from django import template

from lantoa.core import text

register = template.Library()


@register.filter
def vn_date(value):
    return text.format_date(value)


@register.filter
def vn_datetime(value):
    return text.format_datetime(value) if value else ""


@register.filter
def vnd(value):
    return text.format_vnd(value)


@register.filter
def vn_number(value, decimals=0):
    """1234567 → 1.234.567; with decimals, a whole number still shows without them (37,5 but 3)."""
    if value is None or value == "":
        return ""
    from decimal import Decimal

    number = Decimal(str(value))
    places = int(decimals) if number != number.to_integral_value() else 0
    return text.format_number(number, places)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
