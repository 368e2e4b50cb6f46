"""KPI target paths, trend forecasts and the status rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyoso.evaluation.estimators.errors import EstimationError
from kyoso.evaluation.estimators.kpi_forecast import (
    Direction,
    KpiForecast,
    forecast_kpi,
    target_trajectory,
)


def _forecast(
    actuals: dict[int, float], direction: Direction = "up", target: float = 60.0
) -> KpiForecast:
    return forecast_kpi(
        baseline_year=2020,
        baseline_value=40.0,
        target_year=2030,
        target_value=target,
        direction=direction,
        actuals=actuals,
    )


def test_trajectory_is_a_straight_line_from_baseline_to_target() -> None:
    path = target_trajectory(2020, 40.0, 2030, 60.0)
    assert path[2020] == 40.0 and path[2030] == 60.0 and path[2025] == pytest.approx(50.0)
    assert list(path) == list(range(2020, 2031))


def test_steady_progress_beyond_the_path_is_on_track() -> None:
    fit = forecast_kpi(
        baseline_year=2020,
        baseline_value=40.0,
        target_year=2030,
        target_value=60.0,
        direction="up",
        actuals={2021: 42.5, 2022: 44.6, 2023: 47.1, 2024: 49.0},
    )
    assert fit.status == "on_track"
    assert fit.forecast_value is not None and fit.forecast_value > 60.0
    assert fit.interval is not None and fit.interval[0] < fit.forecast_value < fit.interval[1]
    assert set(fit.forecast) == set(range(2025, 2031))
    assert fit.latest_year == 2024
    assert fit.latest_gap_to_trajectory == pytest.approx(49.0 - 48.0)


def test_noisy_shortfall_is_at_risk_and_clear_shortfall_off_track() -> None:
    noisy = forecast_kpi(
        baseline_year=2020,
        baseline_value=40.0,
        target_year=2030,
        target_value=60.0,
        direction="up",
        actuals={2021: 47.0, 2022: 41.0, 2023: 50.0, 2024: 44.0},
    )
    assert noisy.status == "at_risk"
    assert noisy.interval is not None and noisy.interval[0] <= 60.0 <= noisy.interval[1]
    flat = forecast_kpi(
        baseline_year=2020,
        baseline_value=40.0,
        target_year=2030,
        target_value=60.0,
        direction="up",
        actuals={2021: 40.2, 2022: 40.1, 2023: 40.4, 2024: 40.3},
    )
    assert flat.status == "off_track"
    assert flat.interval is not None and flat.interval[1] < 60.0


def test_down_is_good_flips_the_comparison() -> None:
    falling = {2021: 38.0, 2022: 36.1, 2023: 33.9, 2024: 32.0}
    assert _forecast(falling, direction="down", target=20.0).status == "on_track"
    assert _forecast(falling, direction="up", target=60.0).status == "off_track"


def test_two_points_give_a_line_without_interval_and_a_cautious_status() -> None:
    short = _forecast({2021: 41.0})
    assert short.interval is None and short.forecast_value == pytest.approx(50.0)
    assert short.status == "at_risk"
    assert "two points" in short.explain("en") and "2点" in short.explain("ja")
    assert _forecast({2021: 43.0}).status == "on_track"


def test_no_actuals_is_no_data() -> None:
    fit = _forecast({})
    assert fit.status == "no_data" and fit.forecast_value is None
    assert "データなし" in fit.explain("ja") and "no data" in fit.explain("en")
    # Values at or before the baseline are not progress.
    assert _forecast({2019: 50.0, 2020: 40.0}).status == "no_data"


def test_an_actual_for_the_target_year_decides() -> None:
    assert _forecast({2025: 30.0, 2030: 61.0}).status == "on_track"
    assert _forecast({2025: 59.0, 2030: 59.0}).status == "off_track"


def test_actuals_past_the_target_year_still_forecast_it() -> None:
    fit = _forecast({2028: 55.0, 2031: 65.0, 2032: 66.0})
    assert fit.forecast_value is not None and fit.forecast == {}


@given(
    st.lists(st.floats(min_value=-1e3, max_value=1e3), min_size=1, max_size=8),
    st.floats(min_value=-1e3, max_value=1e3),
)
def test_status_is_consistent_with_the_forecast(values: list[float], target: float) -> None:
    actuals = {2021 + i: v for i, v in enumerate(values)}
    fit = forecast_kpi(
        baseline_year=2020,
        baseline_value=0.0,
        target_year=2035,
        target_value=target,
        direction="up",
        actuals=actuals,
    )
    assert fit.forecast_value is not None
    if fit.status == "on_track":
        assert fit.forecast_value >= target
    elif fit.status == "off_track":
        assert fit.interval is not None
        assert not fit.interval[0] <= target <= fit.interval[1]
    else:
        assert fit.status == "at_risk" and fit.forecast_value < target


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target_year": 2019}, "must come after the baseline"),
        ({"direction": "sideways"}, "direction must be"),
        ({"actuals": {2021: float("nan")}}, "missing or infinite"),
        ({"interval_level": 1.5}, "between 0 and 1"),
    ],
)
def test_domain_errors(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "baseline_year": 2020,
        "baseline_value": 1.0,
        "target_year": 2030,
        "target_value": 2.0,
        "direction": "up",
        "actuals": {2021: 1.1},
    }
    base.update(kwargs)
    with pytest.raises(EstimationError, match=message):
        forecast_kpi(**base)  # type: ignore[arg-type]
