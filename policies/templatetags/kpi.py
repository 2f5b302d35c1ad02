"""Template filters of the objectives area."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def kpi_number(value) -> str:
    """A KPI value as typed, without the stored trailing zeros: 99.2000 → 99.2, 12.0000 → 12."""
    if value is None or value == "":
        return "—"
    try:
        return format(Decimal(value).normalize(), "f")
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
