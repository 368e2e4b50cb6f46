"""KPI tracking: the straight-line path from baseline to target and a trend forecast.

Status rule (documented for staff):

* ``no_data``  – no actual value after the baseline yet.
* If an actual exists for the target year, it decides: ``on_track`` if it meets the target,
  else ``off_track``.
* Otherwise a straight line is fitted to the baseline and the actuals and extended to the
  target year, with a prediction interval (default 80%) when there are 3 or more points:
  ``on_track`` if the central forecast meets the target; ``at_risk`` if it does not but the
  target lies inside the prediction interval; ``off_track`` if the whole interval misses it.
* With only 2 points the line has no interval, so a forecast that misses the target is
  ``at_risk`` rather than ``off_track``: two points cannot show a firm trend.

"Meets" means at or above the target when up is good, at or below it when down is good.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from kyoso.evaluation.estimators.errors import EstimationError

if TYPE_CHECKING:
    pass

Direction = Literal["up", "down"]
Status = Literal["on_track", "at_risk", "off_track", "no_data"]

_STATUS_JA = {"on_track": "順調", "at_risk": "要注意", "off_track": "遅れ", "no_data": "データなし"}
_STATUS_EN = {
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "no_data": "no data",
}


@dataclass(frozen=True)
class KpiForecast:
    """A KPI's target path, trend forecast at the target year and status."""

    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    direction: Direction
    trajectory: dict[int, float]
    forecast: dict[int, float]
    forecast_value: float | None
    interval: tuple[float, float] | None
    interval_level: float
    status: Status
    latest_year: int | None
    latest_gap_to_trajectory: float | None

    def explain(self, lang: str = "ja") -> str:
        """Return a short plain-language account of the rule and the status.

        ``lang`` is ``"ja"`` for Japanese; anything else gives English.
        """
        level = f"{100 * self.interval_level:.0f}%"
        if lang == "ja":
            head = f"状態：{_STATUS_JA[self.status]}。"
            if self.status == "no_data":
                return head + "基準年より後の実績がまだないため、見通しを出せません。"
            if self.forecast_value is None:
                return head + f"目標年（{self.target_year}年）の実績で判定しました。"
            text = (
                f"基準年から目標年までを結ぶ直線を目標の道筋とし、これまでの実績に直線を当てはめて"
                f"{self.target_year}年の値を{self.forecast_value:.3g}と見込みました"
                f"（目標は{self.target_value:.3g}）。"
            )
            if self.interval is not None:
                text += f"{level}予測区間は{self.interval[0]:.3g}〜{self.interval[1]:.3g}です。"
            else:
                text += "データが2点しかないため予測区間は出せず、判定は控えめにしています。"
            return text + "前提：これまでの傾向が直線的に続くと仮定しています。"
        head = f"Status: {_STATUS_EN[self.status]}. "
        if self.status == "no_data":
            return head + "There is no actual value after the baseline yet, so no forecast."
        if self.forecast_value is None:
            return head + f"Judged on the actual value for the target year {self.target_year}."
        text = (
            f"The target path is the straight line from the baseline to the target. A straight "
            f"line fitted to the values so far reaches {self.forecast_value:.3g} in "
            f"{self.target_year} (target {self.target_value:.3g}). "
        )
        if self.interval is not None:
            text += f"The {level} prediction interval is {self.interval[0]:.3g} to {self.interval[1]:.3g}. "
        else:
            text += "With only two points there is no interval, so the status is cautious. "
        return text + "Assumption: the trend so far continues in a straight line."


def _meets(value: float, target: float, direction: Direction) -> bool:
    return value >= target if direction == "up" else value <= target


def target_trajectory(
    baseline_year: int, baseline_value: float, target_year: int, target_value: float
) -> dict[int, float]:
    """Return the straight-line target value for every year from baseline to target year."""
    if target_year <= baseline_year:
        raise EstimationError(
            f"the target year {target_year} must come after the baseline year {baseline_year}"
        )
    step = (target_value - baseline_value) / (target_year - baseline_year)
    return {
        year: baseline_value + step * (year - baseline_year)
        for year in range(baseline_year, target_year + 1)
    }


def forecast_kpi(
    *,
    baseline_year: int,
    baseline_value: float,
    target_year: int,
    target_value: float,
    direction: Direction,
    actuals: Mapping[int, float],
    interval_level: float = 0.8,
) -> KpiForecast:
    """Return the KPI's target path, its linear trend forecast to the target year and a status."""
    from scipy import stats

    if direction not in ("up", "down"):
        raise EstimationError(f"direction must be 'up' or 'down', not {direction!r}")
    if not 0 < interval_level < 1:
        raise EstimationError("interval_level must be between 0 and 1")
    trajectory = target_trajectory(baseline_year, baseline_value, target_year, target_value)
    later = {int(y): float(v) for y, v in actuals.items() if int(y) > baseline_year}
    if any(not np.isfinite(v) for v in later.values()):
        raise EstimationError("the actual values include a missing or infinite value")
    latest = max(later) if later else None
    gap = None
    if latest is not None and latest in trajectory:
        gap = later[latest] - trajectory[latest]

    def result(
        status: Status,
        forecast: dict[int, float] | None = None,
        value: float | None = None,
        interval: tuple[float, float] | None = None,
    ) -> KpiForecast:
        return KpiForecast(
            baseline_year=baseline_year,
            baseline_value=float(baseline_value),
            target_year=target_year,
            target_value=float(target_value),
            direction=direction,
            trajectory=trajectory,
            forecast=forecast or {},
            forecast_value=value,
            interval=interval,
            interval_level=interval_level,
            status=status,
            latest_year=latest,
            latest_gap_to_trajectory=gap,
        )

    if not later:
        return result("no_data")
    if target_year in later:
        met = _meets(later[target_year], target_value, direction)
        return result("on_track" if met else "off_track")
    years = np.array([baseline_year, *sorted(later)], dtype=float)
    values = np.array([baseline_value, *(later[y] for y in sorted(later))], dtype=float)
    slope, intercept = np.polyfit(years, values, 1)
    horizon = range(int(years[-1]) + 1, target_year + 1)
    forecast = {year: float(intercept + slope * year) for year in horizon}
    central = float(intercept + slope * target_year)
    interval = None
    if len(years) >= 3:
        n = len(years)
        resid = values - (intercept + slope * years)
        s = float(np.sqrt(resid @ resid / (n - 2)))
        spread = float(np.sum((years - years.mean()) ** 2))
        se = s * np.sqrt(1 + 1 / n + (target_year - years.mean()) ** 2 / spread)
        q = float(stats.t.ppf(0.5 + interval_level / 2, n - 2))
        interval = (float(central - q * se), float(central + q * se))
    if _meets(central, target_value, direction):
        status: Status = "on_track"
    elif interval is None or interval[0] <= target_value <= interval[1]:
        status = "at_risk"
    else:
        status = "off_track"
    return result(status, forecast, central, interval)
