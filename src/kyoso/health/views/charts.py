"""ECharts options for a person's measurements, with the target range shaded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from kyoso.health.records.vital_signs import MEASURES


def vitals_chart(
    series: dict[str, list[tuple[datetime, float]]], keys: tuple[str, ...]
) -> dict[str, Any] | None:
    """Return {option, header, rows} for the shared chart component, or None without data."""
    shown = [k for k in keys if series.get(k)]
    if not shown:
        return None
    tz = timezone.get_current_timezone()
    lines = []
    for key in shown:
        m = MEASURES[key]
        line: dict[str, Any] = {
            "name": m.display_ja,
            "type": "line",
            "data": [[t.astimezone(tz).strftime("%Y-%m-%d %H:%M"), v] for t, v in series[key]],
        }
        if m.target_low is not None or m.target_high is not None:
            line["markArea"] = {
                "silent": True,
                "itemStyle": {"opacity": 0.12},
                "data": [[{"yAxis": m.target_low or 0}, {"yAxis": m.target_high or m.high}]],
            }
            line["markLine"] = {
                "silent": True,
                "symbol": "none",
                "data": [{"yAxis": y} for y in (m.target_low, m.target_high) if y is not None],
            }
        lines.append(line)
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "scale": True},
        "series": lines,
    }
    header = ["time", *[MEASURES[k].display_ja for k in shown]]
    by_time: dict[str, dict[str, float]] = {}
    for key in shown:
        for t, v in series[key]:
            by_time.setdefault(t.astimezone(tz).strftime("%Y-%m-%d %H:%M"), {})[key] = v
    rows = [
        [when, *[f"{vals[k]:g}" if k in vals else "" for k in shown]]
        for when, vals in sorted(by_time.items())
    ]
    return {"option": option, "header": header, "rows": rows[-60:]}
