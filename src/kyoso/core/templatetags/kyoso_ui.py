"""Template tags for shared components: charts with data tables, and form fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.inclusion_tag("core/_chart.html")
def chart(
    chart_id: str,
    caption: str,
    option: dict[str, Any],
    table_header: Sequence[str],
    table_rows: Sequence[Sequence[Any]],
) -> dict[str, Any]:
    """Render an ECharts chart from ``option`` with the same numbers as an accessible table."""
    return {
        "chart_id": chart_id,
        "option_id": f"{chart_id}-option",
        "caption": caption,
        "option": option,
        "table_header": table_header,
        "table_rows": table_rows,
    }


@register.inclusion_tag("core/_field.html")
def field(bound: BoundField) -> dict[str, Any]:
    """Render a form field with its label, help text and errors tied to it for screen readers."""
    return {"field": bound}
