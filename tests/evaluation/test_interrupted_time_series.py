"""Segmented regression with HAC errors on simulated AR(1) series."""

from __future__ import annotations

import numpy as np
import pytest

from kyoso.evaluation.estimators.errors import EstimationError
from kyoso.evaluation.estimators.interrupted_time_series import (
    fit_interrupted_time_series,
    newey_west_lag,
)


def _ar1_series(
    seed: int,
    n_pre: int = 40,
    n_post: int = 40,
    level: float = 5.0,
    slope: float = 0.3,
    phi: float = 0.5,
    season_amplitude: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = n_pre + n_post
    noise = np.zeros(n)
    for i in range(n):
        noise[i] = (phi * noise[i - 1] if i else 0.0) + rng.normal()
    t = np.arange(n, dtype=float)
    post = t >= n_pre
    season = season_amplitude * np.sin(2 * np.pi * (t % 12) / 12)
    y = 10 + 0.2 * t + level * post + slope * (t - n_pre) * post + season + noise
    return t, y


def test_recovers_level_and_slope_change_within_ci() -> None:
    t, y = _ar1_series(seed=10)
    fit = fit_interrupted_time_series(t, y, intervention_time=40)
    assert fit.level_ci[0] <= 5.0 <= fit.level_ci[1]
    assert fit.slope_ci[0] <= 0.3 <= fit.slope_ci[1]
    assert fit.level_change == pytest.approx(5.0, abs=2.0)
    assert fit.level_p < 0.01 and fit.slope_p < 0.01
    assert fit.hac_lags == newey_west_lag(80) == 3
    # The counterfactual continues the pre-period line; the fit adds level and slope changes.
    gap = np.array(fit.fitted) - np.array(fit.counterfactual)
    assert np.allclose(gap[:40], 0.0)
    effect, low, high = fit.effect_at(60)
    assert effect == pytest.approx(gap[60])
    assert low < effect < high
    assert low <= 5.0 + 0.3 * 20 <= high


def test_average_effect_is_the_mean_post_gap() -> None:
    t, y = _ar1_series(seed=3)
    fit = fit_interrupted_time_series(t, y, intervention_time=40)
    gap = np.array(fit.fitted) - np.array(fit.counterfactual)
    assert fit.average_effect == pytest.approx(gap[40:].mean())
    assert fit.average_effect_ci[0] < fit.average_effect < fit.average_effect_ci[1]
    assert fit.average_effect_p < 0.01


def test_confidence_intervals_cover_reasonably_often() -> None:
    hits = 0
    for seed in range(60):
        t, y = _ar1_series(seed=seed)
        fit = fit_interrupted_time_series(t, y, intervention_time=40)
        hits += fit.level_ci[0] <= 5.0 <= fit.level_ci[1]
    # Newey–West undercovers a little at n = 80 with phi = 0.5; far below 95% would be a bug.
    assert hits >= 48


def test_no_change_is_not_significant_usually() -> None:
    rejections = sum(
        fit_interrupted_time_series(*_ar1_series(seed=s, level=0.0, slope=0.0), 40).level_p < 0.05
        for s in range(40)
    )
    assert rejections <= 10


def test_season_dummies_absorb_a_seasonal_pattern() -> None:
    t, y = _ar1_series(seed=6, n_pre=48, n_post=36, season_amplitude=4.0, phi=0.2)
    plain = fit_interrupted_time_series(t, y, 48)
    seasonal = fit_interrupted_time_series(t, y, 48, seasons=[int(x) % 12 for x in t])
    assert seasonal.level_ci[0] <= 5.0 <= seasonal.level_ci[1]
    width = lambda ci: ci[1] - ci[0]  # noqa: E731
    assert width(seasonal.level_ci) < width(plain.level_ci)


def test_unsorted_input_is_sorted() -> None:
    t, y = _ar1_series(seed=2)
    order = np.random.default_rng(0).permutation(len(t))
    a = fit_interrupted_time_series(t, y, 40)
    b = fit_interrupted_time_series(t[order], y[order], 40)
    assert a.level_change == pytest.approx(b.level_change)
    assert b.times == tuple(sorted(b.times))


def test_explanations_in_both_languages() -> None:
    fit = fit_interrupted_time_series(*_ar1_series(seed=1), 40)
    assert "分割回帰" in fit.explain("ja") and "前提" in fit.explain("ja")
    assert "segmented regression" in fit.explain("en") and "Assumptions" in fit.explain("en")


@pytest.mark.parametrize(
    ("times", "values", "at", "message"),
    [
        ([0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], 2, "only 2 point\\(s\\) before"),
        ([0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], 4, "only 2 point\\(s\\) after"),
        ([0, 1, 2], [1, 2], 1, "same length"),
        ([0, 1, 2, 3, 4, 5, 6], [1, 2, np.nan, 4, 5, 6, 7], 3, "missing"),
        ([0, 1, 1, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7], 3, "more than one value"),
    ],
)
def test_domain_errors(times: list[float], values: list[float], at: float, message: str) -> None:
    with pytest.raises(EstimationError, match=message):
        fit_interrupted_time_series(times, values, at)


def test_too_many_seasons_for_the_data() -> None:
    t = np.arange(8.0)
    with pytest.raises(EstimationError, match="too few"):
        fit_interrupted_time_series(t, t * 2, 4, seasons=list(range(8)))
