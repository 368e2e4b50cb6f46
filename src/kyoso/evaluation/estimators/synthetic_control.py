"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010, 2015).

The treated unit's untreated path is estimated by a convex combination of donor units chosen
so that, before the treatment, the combination matches the treated unit's predictors. The
predictor weights V are, unless given, chosen by the nested approach: the V whose synthetic
control best fits the pre-treatment outcome (minimum MSPE over ``loss_times``).

Predictors are divided by their standard deviation across all analysed units (as R's Synth
does) so V compares like with like. With no predictors ("outcome-only" mode) the predictors
are the pre-treatment outcomes themselves, unscaled and equally weighted: then the inner
problem already minimises the outer loss, so that V is optimal and no search is needed.

Inference is by placebos in space: each donor in turn is treated as if it had been treated,
and the treated unit's post/pre RMSPE ratio is ranked among all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kyoso.evaluation.estimators.errors import EstimationError
from kyoso.evaluation.estimators.predictor_weights import optimise_v
from kyoso.evaluation.estimators.simplex_regression import simplex_qp
from kyoso.evaluation.estimators.synthetic_control_predictors import Predictor, predictor_matrix

FloatArray = NDArray[np.float64]
PlaceboV = Literal["optimise", "reuse"]


@dataclass(frozen=True)
class PlaceboInference:
    """Placebo-in-space results: each unit's post/pre RMSPE ratio and the treated unit's rank.

    ``ratios`` covers the treated unit and every donor refitted as if treated; ``rank`` 1 is
    the largest ratio, and ``p_value`` = rank / number of units (ties count against).
    """

    ratios: dict[str, float]
    rank: int
    p_value: float
    gaps: dict[str, tuple[float, ...]]


@dataclass(frozen=True)
class SyntheticControlResult:
    """A fitted synthetic control; series are aligned with ``times``."""

    treated: str
    treatment_time: float
    weights: dict[str, float]
    predictor_labels: tuple[str, ...]
    v: tuple[float, ...]
    times: tuple[float, ...]
    treated_series: tuple[float, ...]
    synthetic_series: tuple[float, ...]
    gaps: tuple[float, ...]
    pre_rmspe: float
    post_rmspe: float
    average_effect: float
    loss: float
    placebo: PlaceboInference | None

    def explain(self, lang: str = "ja") -> str:
        """Return a short plain-language account of the assumptions and the result.

        ``lang`` is ``"ja"`` for Japanese; anything else gives English.
        """
        top = sorted(self.weights.items(), key=lambda kv: -kv[1])
        shown = [(u, w) for u, w in top if w >= 0.01][:5]
        placebo = self.placebo
        if lang == "ja":
            mix = "、".join(f"{u} {w:.0%}" for u, w in shown)
            text = (
                f"{self.treated}の「施策がなかった場合」の推移を、他の地域の加重平均"
                f"（{mix}）で再現しました。施策前の再現誤差（RMSPE）は{self.pre_rmspe:.3g}です。"
                f"施策後の実績と再現値の差の平均は{self.average_effect:+.3g}でした。"
            )
            if placebo is not None:
                text += (
                    "他の地域に施策があったと仮定した比較（プラセボ検定）では、この差の大きさは"
                    f"{len(placebo.ratios)}地域中{placebo.rank}位で、p値は{placebo.p_value:.2f}です。"
                )
            text += (
                "前提：比較に使った地域は施策の影響を受けておらず、施策前によく一致していれば"
                "施策後も同じ関係が続くと考えています。施策前の一致が悪い場合は結果を信用できません。"
            )
            return text
        mix = ", ".join(f"{u} {w:.0%}" for u, w in shown)
        text = (
            f"The path {self.treated} would have followed without the measure was rebuilt as a "
            f"weighted average of other units ({mix}). Before the measure it fits with an error "
            f"(RMSPE) of {self.pre_rmspe:.3g}. After it, the actual value differs from the "
            f"synthetic one by {self.average_effect:+.3g} on average."
        )
        if self.placebo is not None:
            text += (
                f" Pretending each other unit had been treated instead, this gap ranks "
                f"{self.placebo.rank} of {len(self.placebo.ratios)} (p = {self.placebo.p_value:.2f})."
            )
        text += (
            " Assumptions: the comparison units were not affected by the measure, and a unit that "
            "matched well before keeps matching afterwards. A poor pre-treatment fit makes the "
            "result unreliable."
        )
        return text


def _check_panel(
    panel: pd.DataFrame, unit: str, time: str, outcome: str, units: Sequence[str]
) -> tuple[FloatArray, FloatArray]:
    if panel.duplicated([unit, time]).any():
        raise EstimationError("the panel has more than one row for some unit and time")
    times = np.sort(panel[time].astype(float).unique())
    wide = panel.pivot(index=time, columns=unit, values=outcome)
    wide.index = wide.index.astype(float)
    wide = wide.reindex(index=times, columns=list(units)).astype(float)
    for u in units:
        missing = times[wide[u].isna().to_numpy()]
        if missing.size:
            shown = ", ".join(f"{t:g}" for t in missing[:8])
            raise EstimationError(f"unit {u!r} has no {outcome} for time(s) {shown}")
    return times, wide.to_numpy()


def _rmspe(gaps: FloatArray) -> float:
    return float(np.sqrt(np.mean(gaps**2))) if gaps.size else float("nan")


def fit_synthetic_control(
    panel: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: str,
    treatment_time: float,
    donors: Sequence[str] | None = None,
    predictors: Sequence[Predictor] | None = None,
    v: Sequence[float] | None = None,
    loss_times: Sequence[float] | None = None,
    placebos: bool = True,
    placebo_v: PlaceboV = "optimise",
    min_pre_periods: int = 2,
) -> SyntheticControlResult:
    """Return the synthetic control of ``treated`` from a long panel, with placebo inference.

    Times before ``treatment_time`` are pre-treatment. ``loss_times`` (default: all of them) is
    where the outcome fit is measured when V is optimised. ``v`` fixes the predictor weights
    (one per predictor, in order). ``placebo_v="reuse"`` keeps the treated unit's V for every
    placebo instead of re-optimising it, which is faster but less faithful.
    """
    for column in (unit, time, outcome):
        if column not in panel.columns:
            raise EstimationError(f"the panel has no column {column!r}")
    if not pd.api.types.is_numeric_dtype(panel[time]):
        raise EstimationError(f"the time column {time!r} must hold numbers (e.g. years)")
    if treated not in set(panel[unit]):
        raise EstimationError(f"treated unit {treated!r} is not in the panel")
    all_units = list(dict.fromkeys(panel[unit]))
    if donors is None:
        donors = [u for u in all_units if u != treated]
    donors = list(dict.fromkeys(donors))
    absent = [d for d in donors if d not in set(all_units)]
    if absent:
        raise EstimationError(f"donor(s) not in the panel: {', '.join(map(str, absent))}")
    if treated in donors:
        raise EstimationError(f"the treated unit {treated!r} cannot also be a donor")
    if placebo_v not in ("optimise", "reuse"):
        raise EstimationError(f"placebo_v must be 'optimise' or 'reuse', not {placebo_v!r}")
    if len(donors) < 2:
        raise EstimationError(
            f"the donor pool has {len(donors)} unit(s); synthetic control needs at least 2"
        )
    units = [treated, *donors]
    times, outcomes = _check_panel(panel, unit, time, outcome, units)
    start, end = float(times[0]), float(times[-1])
    if not start < float(treatment_time) <= end:
        raise EstimationError(
            f"treatment time {treatment_time:g} must lie after the first period ({start:g}) "
            f"and no later than the last ({end:g})"
        )
    pre = times < float(treatment_time)
    if pre.sum() < max(min_pre_periods, 2):
        raise EstimationError(
            f"only {int(pre.sum())} pre-treatment period(s); at least "
            f"{max(min_pre_periods, 2)} are needed"
        )
    if loss_times is None:
        loss_mask = pre
    else:
        unknown = sorted(set(map(float, loss_times)) - set(times.tolist()))
        if unknown:
            raise EstimationError(f"loss times not in the panel: {unknown}")
        loss_mask = np.isin(times, np.asarray(loss_times, dtype=float))
    z = outcomes[loss_mask]
    if not predictors:
        x = z.copy()
        labels = tuple(f"{outcome}@{t:g}" for t in times[loss_mask])
    else:
        x = predictor_matrix(
            panel,
            unit=unit,
            time=time,
            units=units,
            predictors=predictors,
            pre_times=times[pre].tolist(),
        )
        scale = x.std(axis=1, ddof=1)
        x = x / np.where(scale > 0, scale, 1.0)[:, None]
        labels = tuple(p.label for p in predictors)
    x = np.ascontiguousarray(x)
    if v is not None:
        if len(v) != x.shape[0] or not all(0 <= a < np.inf for a in v) or sum(v) <= 0:
            raise EstimationError(
                f"v needs {x.shape[0]} non-negative weights (one per predictor), got {len(v)}"
            )
        v_fixed: FloatArray | None = np.asarray(v, dtype=float) / float(sum(v))
    elif not predictors:
        v_fixed = np.full(x.shape[0], 1.0 / x.shape[0])
    else:
        v_fixed = None

    # With V fixed, every placebo's inner problem is a block of one Gram matrix over all units.
    gram_for: dict[bytes, FloatArray] = {}

    def fit_one(t: int, pool: list[int], restarts: int = 4) -> tuple[FloatArray, FloatArray]:
        chosen = v_fixed
        if chosen is None:
            chosen = optimise_v(
                np.ascontiguousarray(x[:, pool]),
                np.ascontiguousarray(x[:, t]),
                np.ascontiguousarray(z[:, pool]),
                z[:, t].copy(),
                restarts=restarts,
            )
        key = chosen.tobytes()
        if key not in gram_for:
            gram_for.clear()
            gram_for[key] = x.T @ (x * chosen[:, None])
        gram = gram_for[key]
        idx = np.asarray(pool)
        weights: FloatArray = simplex_qp(
            np.ascontiguousarray(gram[np.ix_(idx, idx)]), np.ascontiguousarray(gram[idx, t])
        )
        return chosen, weights

    def gap_of(t: int, pool: list[int], weights: FloatArray) -> FloatArray:
        used = np.flatnonzero(weights)
        return np.asarray(outcomes[:, t] - outcomes[:, np.asarray(pool)[used]] @ weights[used])

    donor_idx = list(range(1, len(units)))
    v_hat, w = fit_one(0, donor_idx)
    gaps = gap_of(0, donor_idx, w)
    synthetic = outcomes[:, 0] - gaps
    pre_rmspe, post_rmspe = _rmspe(gaps[pre]), _rmspe(gaps[~pre])
    loss_gap = gaps[loss_mask]
    inference = None
    if placebos:
        if placebo_v == "reuse" and v_fixed is None:
            v_fixed = v_hat
        ratios = {treated: post_rmspe / max(pre_rmspe, 1e-300)}
        placebo_gaps: dict[str, tuple[float, ...]] = {}
        for j in donor_idx:
            pool = [d for d in donor_idx if d != j]
            _, wj = fit_one(j, pool, restarts=2)
            gap_j = gap_of(j, pool, wj)
            ratios[units[j]] = _rmspe(gap_j[~pre]) / max(_rmspe(gap_j[pre]), 1e-300)
            placebo_gaps[units[j]] = tuple(gap_j.tolist())
        values = np.array(list(ratios.values()))
        rank = int(np.sum(values >= ratios[treated]))
        inference = PlaceboInference(ratios, rank, rank / len(values), placebo_gaps)
    return SyntheticControlResult(
        treated=treated,
        treatment_time=float(treatment_time),
        weights={d: float(wi) for d, wi in zip(donors, w, strict=True)},
        predictor_labels=labels,
        v=tuple(float(a) for a in v_hat),
        times=tuple(times.tolist()),
        treated_series=tuple(outcomes[:, 0].tolist()),
        synthetic_series=tuple(synthetic.tolist()),
        gaps=tuple(gaps.tolist()),
        pre_rmspe=pre_rmspe,
        post_rmspe=post_rmspe,
        average_effect=float(np.mean(gaps[~pre])),
        loss=float(np.mean(loss_gap**2)),
        placebo=inference,
    )
