"""ECharts options for KPI charts (needed trajectory, actuals, forecast), with table rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kyoso.vision.models import Kpi


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def kpi_chart(kpi: Kpi, trajectory: list[tuple[int, float]], status: Any | None) -> dict[str, Any]:
    """Return the context for ``{% chart %}``: option, table header and rows of one KPI."""
    actual = {a.year: float(a.value) for a in getattr(kpi, "yearly", []) or []}
    needed = dict(trajectory)
    forecast: dict[int, float] = {}
    interval: dict[int, tuple[float, float]] = {}
    if status is not None:
        forecast = dict(getattr(status, "forecast", []))
        if status.interval is not None and status.target_year is not None:
            interval[status.target_year] = status.interval
    years = sorted(set(actual) | set(needed) | set(forecast))
    labels = [str(y) for y in years]
    series: list[dict[str, Any]] = [
        {
            "name": _("Needed path"),
            "type": "line",
            "data": [needed.get(y) for y in years],
            "lineStyle": {"type": "dashed"},
            "symbol": "none",
            "connectNulls": True,
        },
        {
            "name": _("Actual"),
            "type": "line",
            "data": [actual.get(y) for y in years],
            "symbol": "circle",
            "symbolSize": 7,
        },
    ]
    if forecast:
        series.append(
            {
                "name": _("Forecast"),
                "type": "line",
                "data": [forecast.get(y) for y in years],
                "lineStyle": {"type": "dotted"},
                "symbol": "triangle",
            }
        )
    for y, (low, high) in interval.items():
        series.append(
            {
                "name": _("Forecast range (95%)"),
                "type": "scatter",
                "symbol": "rect",
                "symbolSize": [14, 3],
                "data": [[str(y), low], [str(y), high]],
            }
        )
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "name": kpi.unit, "scale": True},
        "series": series,
    }
    header = [_("Year"), _("Needed path"), _("Actual"), _("Forecast"), _("Forecast range (95%)")]
    rows = [
        [
            y,
            _fmt(needed.get(y)),
            _fmt(actual.get(y)),
            _fmt(forecast.get(y)),
            f"{_fmt(interval[y][0])} – {_fmt(interval[y][1])}" if y in interval else "",
        ]
        for y in years
    ]
    return {
        "kpi": kpi,
        "chart_id": f"kpi-{kpi.code}",
        "caption": f"{kpi.name} ({kpi.unit})",
        "option": option,
        "header": header,
        "rows": rows,
        "status": status,
    }
