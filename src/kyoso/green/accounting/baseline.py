"""Regression baselines normalised for production and weather (as ORNL's VERIFI does).

A factory that produced more in a cold winter is compared with what the base year would have
emitted at the same production and degree days, not with the base year's raw total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MonthPoint:
    value: float  # energy or CO2 of the month
    production: float = 0.0
    hdd: float = 0.0  # heating degree days (base 18 °C)
    cdd: float = 0.0  # cooling degree days (base 22 °C)


@dataclass(frozen=True)
class Baseline:
    variables: tuple[str, ...]  # the regressors kept: of "production", "hdd", "cdd"
    coefficients: tuple[float, ...]  # intercept first
    r_squared: float
    n: int

    def predict(self, point: MonthPoint) -> float:
        x = [1.0] + [getattr(point, v) for v in self.variables]
        return float(np.dot(self.coefficients, x))


def fit(points: list[MonthPoint]) -> Baseline:
    """Return the least-squares baseline of the base period's months.

    A regressor is kept only when it varies in the base period and enough months remain
    (at least two more months than coefficients); otherwise the baseline is the plain mean.
    """
    if not points:
        raise ValueError("a baseline needs at least one month")
    y = np.array([p.value for p in points], dtype=float)
    candidates = [
        v for v in ("production", "hdd", "cdd") if np.ptp([getattr(p, v) for p in points]) > 0
    ]
    while candidates and len(points) < len(candidates) + 3:
        candidates.pop()
    x = np.column_stack(
        [np.ones(len(points))] + [[getattr(p, v) for p in points] for v in candidates]
    )
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    fitted = x @ coef
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum((y - fitted) ** 2)) / ss_tot if ss_tot > 0 else 1.0
    return Baseline(tuple(candidates), tuple(float(c) for c in coef), r2, len(points))


@dataclass(frozen=True)
class Progress:
    expected: float  # what the base year would have emitted in the same conditions
    actual: float
    saved: float  # expected − actual
    saved_pct: float


def normalised_progress(baseline: Baseline, months: list[MonthPoint]) -> Progress:
    """Return the reporting period's actual against the baseline's prediction for it."""
    expected = sum(baseline.predict(m) for m in months)
    actual = sum(m.value for m in months)
    saved = expected - actual
    return Progress(expected, actual, saved, 100.0 * saved / expected if expected else 0.0)


def target_path(
    base_value: float, base_year: int, target_year: int, reduction_pct: float
) -> dict[int, float]:
    """Return the straight-line path from the base year's value to the target."""
    end = base_value * (1 - reduction_pct / 100)
    span = max(1, target_year - base_year)
    return {
        y: base_value + (end - base_value) * (y - base_year) / span
        for y in range(base_year, target_year + 1)
    }
