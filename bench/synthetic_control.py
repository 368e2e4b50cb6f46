"""Synthetic control benchmark: Kyoso's estimator against pysyncon on the same inputs.

Fit any long panel (outcome-only when no predictors are given):

    python bench/synthetic_control.py --panel P.csv --unit U --time T --outcome Y \
        --treated NAME --treatment-time 1970 [--predictors "invest@1964-1969" ...]

With ``--compare`` (the default when run without arguments) it times, in one run, Kyoso and
pysyncon on (a) the Basque panel of Abadie & Gardeazabal (nested V optimisation, 13 predictors,
16 donors) and (b) a generated 300-unit × 40-year panel in outcome-only mode (30 pre-periods
as predictors, 299 donors), where pysyncon is given the V that makes its problem identical
to Kyoso's. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kyoso.evaluation.estimators.synthetic_control import fit_synthetic_control  # noqa: E402
from kyoso.evaluation.estimators.synthetic_control_predictors import (  # noqa: E402
    Predictor,
    parse_predictor,
)

BASQUE = "Basque Country (Pais Vasco)"


def _shared_data() -> Path:
    return Path(os.environ.get("KYOSO_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _basque_predictors() -> list[Predictor]:
    schooling = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high"]
    sectors = [
        "sec.agriculture",
        "sec.energy",
        "sec.industry",
        "sec.construction",
        "sec.services.venta",
        "sec.services.nonventa",
    ]
    return [
        *(Predictor.mean_over(c, 1964, 1969) for c in [*schooling, "invest"]),
        Predictor.mean_over("gdpcap", 1960, 1969),
        *(Predictor.mean_over(c, 1961, 1969, step=2) for c in sectors),
        Predictor.value_in("popdens", 1969),
    ]


CPU: dict[str, float] = {}


def _timed(fn: Any, label: str | None = None) -> tuple[Any, float]:
    # Wall time is what a user waits; CPU time (kept under ``label``) is steadier on a busy host.
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    if label is not None:
        CPU[label] = time.process_time() - cpu
    return out, time.perf_counter() - start


def _top(weights: dict[str, float], k: int = 6) -> dict[str, float]:
    return {
        u: round(w, 4) for u, w in sorted(weights.items(), key=lambda kv: -kv[1])[:k] if w > 1e-4
    }


def _pysyncon_fit(
    panel: pd.DataFrame,
    *,
    unit: str,
    time_col: str,
    outcome: str,
    treated: str,
    donors: list[str],
    predictors: list[Predictor],
    pre_times: list[float],
    loss_times: list[float],
    custom_v: np.ndarray | None = None,
) -> tuple[dict[str, float], float]:
    from pysyncon import Dataprep, Synth

    special = [
        (p.column, list(p.times) if p.times is not None else pre_times, "mean") for p in predictors
    ]
    prep = Dataprep(
        foo=panel,
        predictors=[],
        predictors_op="mean",
        dependent=outcome,
        unit_variable=unit,
        time_variable=time_col,
        treatment_identifier=treated,
        controls_identifier=donors,
        time_predictors_prior=pre_times,
        time_optimize_ssr=loss_times,
        special_predictors=special,
    )
    synth = Synth()
    _, seconds = _timed(lambda: synth.fit(dataprep=prep, custom_V=custom_v), "pysyncon")
    weights = dict(
        zip(synth.W_names if synth.W_names is not None else donors, synth.W, strict=True)
    )
    return {str(k): float(v) for k, v in weights.items()}, seconds


def _speed(kyoso_s: float, peer_s: float) -> dict[str, float]:
    return {
        "kyoso_fit_wall_s": round(kyoso_s, 3),
        "pysyncon_fit_wall_s": round(peer_s, 3),
        "wall_ratio_pysyncon_over_kyoso": round(peer_s / kyoso_s, 1),
        "kyoso_fit_cpu_s": round(CPU["kyoso"], 3),
        "pysyncon_fit_cpu_s": round(CPU["pysyncon"], 3),
        "cpu_ratio_pysyncon_over_kyoso": round(CPU["pysyncon"] / CPU["kyoso"], 1),
    }


def _mspe(
    panel: pd.DataFrame,
    unit: str,
    time_col: str,
    outcome: str,
    treated: str,
    weights: dict[str, float],
    start: float,
    end: float,
) -> float:
    wide = panel.pivot(index=time_col, columns=unit, values=outcome)
    wide = wide[(wide.index >= start) & (wide.index <= end)]
    synthetic = sum(wide[d] * w for d, w in weights.items())
    return float(np.mean((wide[treated] - synthetic) ** 2))


def _generated_panel(n_units: int = 300, n_years: int = 40, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factors = np.cumsum(rng.normal(size=(n_years, 4)), axis=0)
    loadings = rng.uniform(0.5, 2.0, size=(n_units, 4))
    y = factors @ loadings.T + rng.normal(scale=0.3, size=(n_years, n_units)) + 50
    y[30:, 0] += 3.0
    years = np.arange(1980, 1980 + n_years)
    return pd.DataFrame(
        {
            "unit": np.repeat([f"u{i:03d}" for i in range(n_units)], n_years),
            "year": np.tile(years, n_units),
            "y": y.T.ravel(),
        }
    )


def compare() -> dict[str, Any]:
    """Return timings of Kyoso and pysyncon on the Basque and a generated panel."""
    report: dict[str, Any] = {}
    warm = _generated_panel(n_units=6, n_years=8)
    _, jit = _timed(
        lambda: fit_synthetic_control(
            warm,
            unit="unit",
            time="year",
            outcome="y",
            treated="u000",
            treatment_time=1985,
            predictors=[Predictor("y")],
            placebos=False,
        )
    )
    report["kyoso_first_call_jit_load_s"] = round(jit, 3)

    basque_path = _shared_data() / "causal" / "basque.csv"
    if basque_path.exists():
        panel = pd.read_csv(basque_path)
        donors = sorted(set(panel["regionname"]) - {BASQUE, "Spain (Espana)"})
        predictors = _basque_predictors()
        common: dict[str, Any] = {
            "unit": "regionname",
            "time": "year",
            "outcome": "gdpcap",
            "treated": BASQUE,
            "treatment_time": 1970,
            "donors": donors,
            "predictors": predictors,
            "loss_times": list(range(1960, 1970)),
        }
        fit, kyoso_s = _timed(
            lambda: fit_synthetic_control(panel, placebos=False, **common), "kyoso"
        )
        placebo_fit, placebo_s = _timed(lambda: fit_synthetic_control(panel, **common), "placebos")
        peer_w, peer_s = _pysyncon_fit(
            panel,
            unit="regionname",
            time_col="year",
            outcome="gdpcap",
            treated=BASQUE,
            donors=donors,
            predictors=predictors,
            pre_times=list(range(1955, 1970)),
            loss_times=list(range(1960, 1970)),
        )
        report["basque"] = {
            "problem": "nested V optimisation, 14 predictors, 16 donors",
            **_speed(kyoso_s, peer_s),
            "kyoso_weights": _top(fit.weights),
            "pysyncon_weights": _top(peer_w),
            "kyoso_pre_mspe": fit.loss,
            "pysyncon_pre_mspe": _mspe(
                panel, "regionname", "year", "gdpcap", BASQUE, peer_w, 1960, 1969
            ),
            "kyoso_fit_with_16_placebos_wall_s": round(placebo_s, 3),
            "kyoso_fit_with_16_placebos_cpu_s": round(CPU["placebos"], 3),
            "placebo_p_value": placebo_fit.placebo.p_value if placebo_fit.placebo else None,
        }
    else:
        report["basque"] = f"skipped: {basque_path} not found (set KYOSO_SHARED_DATA)"

    panel = _generated_panel()
    pre = [float(y) for y in range(1980, 2010)]
    donors = sorted(set(panel["unit"]) - {"u000"})
    fit, kyoso_s = _timed(
        lambda: fit_synthetic_control(
            panel,
            unit="unit",
            time="year",
            outcome="y",
            treated="u000",
            treatment_time=2010,
            placebos=False,
        ),
        "kyoso",
    )
    placebo_fit, placebo_s = _timed(
        lambda: fit_synthetic_control(
            panel,
            unit="unit",
            time="year",
            outcome="y",
            treated="u000",
            treatment_time=2010,
        ),
        "placebos",
    )
    # pysyncon divides each predictor by its standard deviation; a V equal to the variances
    # undoes that, so both solve min ‖Z₁ − Z₀w‖² over the simplex.
    wide = panel.pivot(index="year", columns="unit", values="y").loc[1980:2009]
    variances = wide.std(axis=1, ddof=1).to_numpy() ** 2
    peer_w, peer_s = _pysyncon_fit(
        panel,
        unit="unit",
        time_col="year",
        outcome="y",
        treated="u000",
        donors=donors,
        predictors=[Predictor.value_in("y", t) for t in pre],
        pre_times=pre,
        loss_times=pre,
        custom_v=variances,
    )
    report["generated_300x40"] = {
        "problem": "outcome-only, 30 pre-years, 299 donors, planted effect +3",
        **_speed(kyoso_s, peer_s),
        "kyoso_pre_mspe": _mspe(panel, "unit", "year", "y", "u000", fit.weights, 1980, 2009),
        "pysyncon_pre_mspe": _mspe(panel, "unit", "year", "y", "u000", peer_w, 1980, 2009),
        "kyoso_average_effect": round(fit.average_effect, 3),
        "kyoso_fit_with_299_placebos_wall_s": round(placebo_s, 3),
        "kyoso_fit_with_299_placebos_cpu_s": round(CPU["placebos"], 3),
        "placebo_p_value": placebo_fit.placebo.p_value if placebo_fit.placebo else None,
    }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel")
    parser.add_argument("--unit")
    parser.add_argument("--time")
    parser.add_argument("--outcome")
    parser.add_argument("--treated")
    parser.add_argument("--treatment-time", type=float)
    parser.add_argument("--donors", nargs="*", help="donor units (default: all others)")
    parser.add_argument("--predictors", nargs="*", default=[], help="COL, COL@Y, COL@A-B[/STEP]")
    parser.add_argument("--loss-times", nargs="*", type=float, help="times the fit is measured on")
    parser.add_argument("--no-placebos", action="store_true")
    parser.add_argument("--compare", action="store_true", help="time Kyoso against pysyncon")
    args = parser.parse_args(argv)
    if args.compare or args.panel is None:
        print(json.dumps(compare(), indent=2, ensure_ascii=False))
        return 0
    needed = ("unit", "time", "outcome", "treated", "treatment_time")
    missing = [f"--{n.replace('_', '-')}" for n in needed if getattr(args, n) is None]
    if missing:
        parser.error(f"missing {' '.join(missing)}")
    panel = pd.read_csv(args.panel)
    fit, seconds = _timed(
        lambda: fit_synthetic_control(
            panel,
            unit=args.unit,
            time=args.time,
            outcome=args.outcome,
            treated=args.treated,
            treatment_time=args.treatment_time,
            donors=args.donors,
            predictors=[parse_predictor(p) for p in args.predictors] or None,
            loss_times=args.loss_times,
            placebos=not args.no_placebos,
        )
    )
    out = {
        "weights": {u: round(w, 6) for u, w in fit.weights.items()},
        "average_effect": fit.average_effect,
        "pre_rmspe": fit.pre_rmspe,
        "post_rmspe": fit.post_rmspe,
        "placebo_p_value": fit.placebo.p_value if fit.placebo else None,
        "placebo_rank": fit.placebo.rank if fit.placebo else None,
        "seconds": round(seconds, 3),
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
