"""KPI tracking for pages: the status and forecast of ``kpi_forecast`` in a form templates use.

The rule itself lives in :mod:`kyoso.evaluation.estimators.kpi_forecast` (a straight-line trend to the
target year with a 95% prediction interval there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.evaluation.estimators.errors import EstimationError
from kyoso.evaluation.estimators.kpi_forecast import forecast_kpi
from kyoso.vision.roadmap.backcast import needed_value

LABELS = {
    "on_track": _("on track"),
    "at_risk": _("at risk"),
    "off_track": _("off track"),
    "no_data": _("not enough data"),
}
CSS = {"on_track": "status-ok", "at_risk": "status-warn", "off_track": "status-bad", "no_data": ""}
INTERVAL_LEVEL = 0.95


@dataclass(frozen=True)
class KpiStatus:
    code: str
    forecast: list[tuple[int, float]] = field(default_factory=list)
    target_year: int | None = None
    projected: float | None = None
    interval: tuple[float, float] | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    needed_now: float | None = None
    explanation_ja: str = ""
    explanation_en: str = ""

    @property
    def label(self) -> Any:
        return LABELS[self.code]

    @property
    def css(self) -> str:
        return CSS[self.code]

    @property
    def explanation(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.explanation_en if en else self.explanation_ja


def kpi_status(
    kpi: Any, series: Sequence[tuple[int, float]], trajectory: Sequence[tuple[int, float]]
) -> KpiStatus:
    """Return the status of one KPI from its yearly actuals and its needed trajectory."""
    latest_year, latest = series[-1] if series else (None, None)
    needed_now = needed_value(trajectory, latest_year) if latest_year is not None else None
    try:
        fc = forecast_kpi(
            baseline_year=kpi.baseline_year,
            baseline_value=float(kpi.baseline_value),
            target_year=kpi.target_year,
            target_value=float(kpi.target_value),
            direction=kpi.direction,
            actuals=dict(series),
            interval_level=INTERVAL_LEVEL,
        )
    except EstimationError:
        return KpiStatus("no_data", latest_year=latest_year, latest_value=latest)
    return KpiStatus(
        fc.status,
        forecast=sorted(fc.forecast.items()),
        target_year=kpi.target_year,
        projected=fc.forecast_value,
        interval=fc.interval,
        latest_year=latest_year,
        latest_value=latest,
        needed_now=needed_now,
        explanation_ja=fc.explain("ja"),
        explanation_en=fc.explain("en"),
    )
