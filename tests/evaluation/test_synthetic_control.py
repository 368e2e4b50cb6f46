"""Synthetic control: published reproductions, a planted effect, placebo inference, errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kyoso.evaluation.estimators.errors import EstimationError
from kyoso.evaluation.estimators.synthetic_control import (
    SyntheticControlResult,
    fit_synthetic_control,
)
from kyoso.evaluation.estimators.synthetic_control_predictors import Predictor, parse_predictor

BASQUE = "Basque Country (Pais Vasco)"


def _causal_data(name: str) -> pd.DataFrame:
    root = Path(
        os.environ.get(
            "KYOSO_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
        )
    )
    path = root / "causal" / name
    if not path.exists():
        pytest.skip(f"shared data {path} is absent (set KYOSO_SHARED_DATA)")
    return pd.read_csv(path)


def _basque_predictors() -> list[Predictor]:
    schooling = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high"]
    sectors = ["agriculture", "energy", "industry", "construction", "services.venta"]
    sectors.append("services.nonventa")
    return [
        *(Predictor.mean_over(c, 1964, 1969) for c in [*schooling, "invest"]),
        Predictor.mean_over("gdpcap", 1960, 1969),
        *(Predictor.mean_over(f"sec.{s}", 1961, 1969, step=2) for s in sectors),
        Predictor.value_in("popdens", 1969),
    ]


def _factor_panel(
    n_units: int = 30, n_times: int = 30, treatment: int = 20, effect: float = 5.0, seed: int = 1
) -> tuple[pd.DataFrame, dict[str, float]]:
    rng = np.random.default_rng(seed)
    factors = np.cumsum(rng.normal(size=(n_times, 3)), axis=0)
    loadings = rng.uniform(0.5, 2.0, size=(n_units, 3))
    y = factors @ loadings.T + rng.normal(scale=0.1, size=(n_times, n_units))
    true_w = {"u1": 0.5, "u2": 0.3, "u3": 0.2}
    y[:, 0] = 0.5 * y[:, 1] + 0.3 * y[:, 2] + 0.2 * y[:, 3]
    y[treatment:, 0] += effect
    rows = [
        {"unit": f"u{i}", "year": 2000 + t, "y": y[t, i]}
        for i in range(n_units)
        for t in range(n_times)
    ]
    return pd.DataFrame(rows), true_w


def test_reproduces_abadie_gardeazabal_basque_weights() -> None:
    panel = _causal_data("basque.csv")
    # The paper's donor pool: the other 16 regions, not Spain as a whole.
    donors = sorted(set(panel["regionname"]) - {BASQUE, "Spain (Espana)"})
    fit = fit_synthetic_control(
        panel,
        unit="regionname",
        time="year",
        outcome="gdpcap",
        treated=BASQUE,
        treatment_time=1970,
        donors=donors,
        predictors=_basque_predictors(),
        loss_times=range(1960, 1970),
        placebos=False,
    )
    assert fit.weights["Cataluna"] == pytest.approx(0.8508, abs=0.02)
    assert fit.weights["Madrid (Comunidad De)"] == pytest.approx(0.1492, abs=0.02)
    others = [w for u, w in fit.weights.items() if u not in {"Cataluna", "Madrid (Comunidad De)"}]
    assert max(others) < 0.02
    assert sum(fit.weights.values()) == pytest.approx(1.0)
    # The terrorism cost: Basque GDP per head fell well below its synthetic twin.
    assert fit.average_effect < -0.3
    assert fit.pre_rmspe < 0.2 < fit.post_rmspe
    assert len(fit.v) == 14 and sum(fit.v) == pytest.approx(1.0)


def test_basque_placebos_rank_treated_among_all_regions() -> None:
    panel = _causal_data("basque.csv")
    donors = sorted(set(panel["regionname"]) - {BASQUE, "Spain (Espana)"})
    fit = fit_synthetic_control(
        panel,
        unit="regionname",
        time="year",
        outcome="gdpcap",
        treated=BASQUE,
        treatment_time=1970,
        donors=donors,
        predictors=_basque_predictors(),
        loss_times=range(1960, 1970),
        placebo_v="reuse",
    )
    placebo = fit.placebo
    assert placebo is not None
    assert set(placebo.ratios) == {BASQUE, *donors}
    ratios = np.array(list(placebo.ratios.values()))
    assert placebo.rank == int(np.sum(ratios >= placebo.ratios[BASQUE]))
    assert placebo.p_value == pytest.approx(placebo.rank / 17)
    assert all(len(g) == len(fit.times) for g in placebo.gaps.values())


def test_reproduces_german_reunification_weights_with_cross_validated_v() -> None:
    panel = _causal_data("germany.csv")
    common = {
        "unit": "country",
        "time": "year",
        "outcome": "gdp",
        "treated": "West Germany",
        "treatment_time": 1990,
        "placebos": False,
    }

    def predictors(start: int, school: tuple[float, float], invest: str) -> list[Predictor]:
        end = start + 9
        return [
            *(Predictor.mean_over(c, start, end) for c in ["gdp", "trade", "infrate", "industry"]),
            Predictor("schooling", school),
            Predictor.value_in(invest, 1980),
        ]

    # ADH 2015: V is trained on 1971–80 predictors against 1981–90 outcomes, then applied to
    # the 1981–90 predictors with the fit measured over 1960–89.
    train = fit_synthetic_control(
        panel,
        predictors=predictors(1971, (1970, 1975), "invest70"),
        loss_times=range(1981, 1991),
        **common,  # type: ignore[arg-type]
    )
    fit = fit_synthetic_control(
        panel,
        predictors=predictors(1981, (1980, 1985), "invest80"),
        v=train.v,
        loss_times=range(1960, 1990),
        **common,  # type: ignore[arg-type]
    )
    expected = {
        "Austria": 0.42,
        "USA": 0.22,
        "Japan": 0.16,
        "Switzerland": 0.11,
        "Netherlands": 0.10,
    }
    for country, weight in expected.items():
        assert fit.weights[country] == pytest.approx(weight, abs=0.02)
    assert sum(w for c, w in fit.weights.items() if c not in expected) < 0.02


def test_outcome_only_mode_recovers_a_planted_effect_and_weights() -> None:
    panel, true_w = _factor_panel(effect=5.0)
    fit = fit_synthetic_control(
        panel, unit="unit", time="year", outcome="y", treated="u0", treatment_time=2020
    )
    assert fit.average_effect == pytest.approx(5.0, abs=0.5)
    for unit, weight in true_w.items():
        assert fit.weights[unit] == pytest.approx(weight, abs=0.1)
    assert fit.pre_rmspe < 0.5
    assert fit.placebo is not None
    # A large effect with a tight pre-fit ranks first of all 30 units.
    assert fit.placebo.rank == 1
    assert fit.placebo.p_value == pytest.approx(1 / 30)
    assert fit.predictor_labels[0] == "y@2000"


def test_no_effect_gives_an_unremarkable_placebo_p_value() -> None:
    panel, _ = _factor_panel(effect=0.0, seed=3)
    fit = fit_synthetic_control(
        panel, unit="unit", time="year", outcome="y", treated="u0", treatment_time=2020
    )
    assert fit.placebo is not None
    assert fit.placebo.p_value > 0.1
    assert abs(fit.average_effect) < 1.0


def test_placebos_with_optimised_v_on_a_small_panel() -> None:
    panel, _ = _factor_panel(n_units=8, n_times=16, treatment=10, effect=4.0, seed=5)
    rng = np.random.default_rng(0)
    panel["x"] = panel["y"] + rng.normal(scale=0.5, size=len(panel))
    fit = fit_synthetic_control(
        panel,
        unit="unit",
        time="year",
        outcome="y",
        treated="u0",
        treatment_time=2010,
        predictors=[
            Predictor("x"),
            Predictor.mean_over("y", 2000, 2004),
            Predictor.value_in("y", 2009),
        ],
    )
    assert fit.placebo is not None and len(fit.placebo.ratios) == 8
    assert 1 / 8 <= fit.placebo.p_value <= 1
    assert fit.average_effect > 2.0


def test_explanations_in_both_languages() -> None:
    panel, _ = _factor_panel()
    fit = fit_synthetic_control(
        panel, unit="unit", time="year", outcome="y", treated="u0", treatment_time=2020
    )
    ja, en = fit.explain("ja"), fit.explain("en")
    assert "前提" in ja and "プラセボ" in ja and "u1" in ja
    assert "Assumptions" in en and "p = " in en and "u1" in en


def test_predictor_specs_parse_like_synth_dataprep() -> None:
    odd = parse_predictor("sec.energy@1961-1969/2")
    assert odd == Predictor.mean_over("sec.energy", 1961, 1969, step=2)
    assert odd.times == (1961.0, 1963.0, 1965.0, 1967.0, 1969.0)
    assert odd.label == "sec.energy@1961-1969/2"
    assert parse_predictor("popdens@1969") == Predictor.value_in("popdens", 1969)
    assert parse_predictor("schooling@1970,1975").times == (1970.0, 1975.0)
    assert parse_predictor("gdp").times is None
    with pytest.raises(EstimationError, match="cannot read"):
        parse_predictor("gdp@soon")


def _fit(panel: pd.DataFrame, **kwargs: object) -> SyntheticControlResult:
    base: dict[str, object] = {
        "unit": "unit",
        "time": "year",
        "outcome": "y",
        "treated": "u0",
        "treatment_time": 2020,
        "placebos": False,
    }
    base.update(kwargs)
    return fit_synthetic_control(panel, **base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"treated": "nowhere"}, "treated unit 'nowhere' is not in the panel"),
        ({"treatment_time": 2001}, "only 1 pre-treatment period"),
        ({"treatment_time": 2010, "min_pre_periods": 12}, "at least 12 are needed"),
        ({"treatment_time": 2000}, "treatment time 2000 must lie after the first period"),
        ({"treatment_time": 2035}, "no later than the last"),
        ({"donors": ["u1"]}, "donor pool has 1 unit"),
        ({"donors": []}, "donor pool has 0 unit"),
        ({"donors": ["u0", "u1"]}, "cannot also be a donor"),
        ({"donors": ["u1", "ghost"]}, "not in the panel: ghost"),
        ({"predictors": [Predictor("nope")]}, "predictor column 'nope'"),
        ({"predictors": [Predictor.value_in("y", 1990)]}, "times not in the panel"),
        ({"predictors": [Predictor("y")], "v": [1.0, 2.0]}, "v needs 1 non-negative"),
        ({"outcome": "missing"}, "no column 'missing'"),
        ({"unit": "missing"}, "no column 'missing'"),
        ({"placebo_v": "sometimes"}, "placebo_v must be"),
    ],
)
def test_domain_errors_name_the_problem(kwargs: dict[str, object], message: str) -> None:
    panel, _ = _factor_panel(n_units=6)
    with pytest.raises(EstimationError, match=message):
        _fit(panel, **kwargs)


def test_missing_years_for_a_unit_are_reported() -> None:
    panel, _ = _factor_panel(n_units=6)
    gappy = panel[~((panel["unit"] == "u3") & panel["year"].isin([2004, 2005]))]
    with pytest.raises(EstimationError, match="unit 'u3' has no y for time\\(s\\) 2004, 2005"):
        _fit(gappy)
    holed = panel.copy()
    holed.loc[(holed["unit"] == "u0") & (holed["year"] == 2002), "y"] = np.nan
    with pytest.raises(EstimationError, match="unit 'u0' has no y"):
        _fit(holed)


def test_text_times_are_refused() -> None:
    panel, _ = _factor_panel(n_units=6)
    panel["year"] = panel["year"].astype(str)
    with pytest.raises(EstimationError, match="must hold numbers"):
        _fit(panel)


def test_estimation_error_is_a_value_error() -> None:
    assert issubclass(EstimationError, ValueError)
