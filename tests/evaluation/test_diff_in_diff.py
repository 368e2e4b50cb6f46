"""Two-way fixed-effects DiD with clustered errors and a pre-trend check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kyoso.evaluation.estimators.diff_in_diff import fit_diff_in_diff
from kyoso.evaluation.estimators.errors import EstimationError


def _districts(
    seed: int,
    n_units: int = 40,
    n_periods: int = 10,
    start: int = 6,
    att: float = 2.0,
    pretrend: float = 0.0,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_units):
        treated = i < n_units // 2
        level, noise = rng.normal(scale=2.0), 0.0
        for t in range(n_periods):
            noise = 0.5 * noise + rng.normal()
            y = level + 0.3 * t + noise
            y += att if treated and t >= start else 0.0
            y += pretrend * t if treated else 0.0
            rows.append({"district": f"d{i}", "year": 2010 + t, "y": y, "treated": treated})
    return pd.DataFrame(rows)


def test_recovers_a_known_att() -> None:
    fit = fit_diff_in_diff(
        _districts(seed=0),
        unit="district",
        time="year",
        outcome="y",
        treated="treated",
        treatment_time=2016,
    )
    assert fit.ci[0] <= 2.0 <= fit.ci[1]
    assert fit.att == pytest.approx(2.0, abs=0.6)
    assert fit.p_value < 0.001
    assert (fit.n_treated, fit.n_control) == (20, 20)
    assert fit.pre_trend.verdict == "parallel"
    assert len(fit.times) == len(fit.treated_mean) == len(fit.control_mean) == 10


def test_matches_the_plain_two_group_contrast_on_a_balanced_panel() -> None:
    panel = _districts(seed=4)
    fit = fit_diff_in_diff(
        panel, unit="district", time="year", outcome="y", treated="treated", treatment_time=2016
    )
    post = panel["year"] >= 2016
    means = panel.groupby(["treated", post])["y"].mean()
    contrast = (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])
    assert fit.att == pytest.approx(contrast)


def test_coverage_and_pre_trend_false_alarms_are_near_nominal() -> None:
    covered = alarms = 0
    for seed in range(40):
        fit = fit_diff_in_diff(
            _districts(seed=seed),
            unit="district",
            time="year",
            outcome="y",
            treated="treated",
            treatment_time=2016,
        )
        covered += fit.ci[0] <= 2.0 <= fit.ci[1]
        alarms += fit.pre_trend.verdict == "diverging"
    assert covered >= 34
    assert alarms <= 6


def test_pre_trend_check_flags_a_violated_design() -> None:
    fit = fit_diff_in_diff(
        _districts(seed=0, pretrend=0.5),
        unit="district",
        time="year",
        outcome="y",
        treated="treated",
        treatment_time=2016,
    )
    check = fit.pre_trend
    assert check.verdict == "diverging"
    assert check.trend_difference is not None and check.trend_difference > 0.2
    assert check.trend_p is not None and check.trend_p < 0.025
    assert "doubtful" in fit.explain("en") and "疑わしく" in fit.explain("ja")


def test_one_pre_period_cannot_be_checked() -> None:
    fit = fit_diff_in_diff(
        _districts(seed=1, n_periods=4, start=1),
        unit="district",
        time="year",
        outcome="y",
        treated="treated",
        treatment_time=2011,
    )
    assert fit.pre_trend.verdict == "not_testable"
    assert fit.pre_trend.trend_p is None and fit.pre_trend.leads_p is None
    assert "too few periods" in fit.explain("en")


def test_unbalanced_panel_is_accepted() -> None:
    panel = _districts(seed=2).sample(frac=0.9, random_state=1)
    fit = fit_diff_in_diff(
        panel, unit="district", time="year", outcome="y", treated="treated", treatment_time=2016
    )
    assert fit.ci[0] <= 2.0 <= fit.ci[1]


@pytest.mark.parametrize(
    ("change", "treatment_time", "message"),
    [
        ("no_treated", 2016, "no treated units"),
        ("no_control", 2016, "no control units"),
        (None, 2010, "no pre-treatment periods"),
        (None, 2030, "no periods at or after"),
        ("mixed", 2016, "treated flag changes within unit"),
        ("missing", 2016, "missing values"),
    ],
)
def test_domain_errors(change: str | None, treatment_time: float, message: str) -> None:
    panel = _districts(seed=0, n_units=6)
    if change == "no_treated":
        panel["treated"] = False
    elif change == "no_control":
        panel["treated"] = True
    elif change == "mixed":
        panel.loc[panel.index[0], "treated"] = False
    elif change == "missing":
        panel.loc[panel.index[3], "y"] = np.nan
    with pytest.raises(EstimationError, match=message):
        fit_diff_in_diff(
            panel,
            unit="district",
            time="year",
            outcome="y",
            treated="treated",
            treatment_time=treatment_time,
        )
