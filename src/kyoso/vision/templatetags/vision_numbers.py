"""Number formatting for KPI values: thousands separators, no exponent, no trailing zeros."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def num(value: object) -> str:
    """Return 3,100 / 1.1 / 12.35 for a Decimal or float; '' for None."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not d.is_finite():
        return str(value)
    if abs(d) < 1000 and d != d.to_integral_value():
        d = round(d, 2 if abs(d) >= 10 else 3)
    else:
        d = d.quantize(Decimal(1)) if abs(d) >= 1000 else d
    text = f"{d:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
