"""Interrupted time series: segmented regression with Newey–West (HAC) standard errors.

The model is  y_t = b0 + b1·(t − t0) + b2·post_t + b3·post_t·(t − t0) [+ season dummies] + e_t,
with t0 the intervention time and post_t = 1 from t0 on. b2 is the level change at t0 and b3
the change in slope; the counterfactual is the model with b2 = b3 = 0. Errors in a series are
usually autocorrelated, so standard errors are Newey–West with the lag chosen by the usual
rule of thumb  L = floor(4·(n/100)^(2/9))  (Newey & West 1994), and inference uses the t
distribution with the residual degrees of freedom.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats

from kyoso.evaluation.estimators.errors import EstimationError


def newey_west_lag(n: int) -> int:
    """Return the Newey–West lag floor(4·(n/100)^(2/9)), at least 1."""
    return max(1, math.floor(4 * (n / 100) ** (2 / 9)))


@dataclass(frozen=True)
class InterruptedTimeSeriesResult:
    """Level and slope change at an intervention, with the fitted and counterfactual series."""

    intervention_time: float
    level_change: float
    level_ci: tuple[float, float]
    level_p: float
    slope_change: float
    slope_ci: tuple[float, float]
    slope_p: float
    times: tuple[float, ...]
    observed: tuple[float, ...]
    fitted: tuple[float, ...]
    counterfactual: tuple[float, ...]
    average_effect: float
    average_effect_ci: tuple[float, float]
    average_effect_p: float
    hac_lags: int
    alpha: float
    covariance: tuple[tuple[float, float], tuple[float, float]]
    df_resid: float

    def effect_at(self, time: float) -> tuple[float, float, float]:
        """Return (effect, CI low, CI high) of the intervention at ``time`` (level + slope change)."""
        d = time - self.intervention_time
        effect = self.level_change + self.slope_change * d
        (v_ll, v_ls), (_, v_ss) = self.covariance
        se = math.sqrt(max(v_ll + d * d * v_ss + 2 * d * v_ls, 0.0))
        q = float(stats.t.ppf(1 - self.alpha / 2, self.df_resid))
        return effect, effect - q * se, effect + q * se

    def explain(self, lang: str = "ja") -> str:
        """Return a short plain-language account of the assumptions and the result.

        ``lang`` is ``"ja"`` for Japanese; anything else gives English.
        """
        level = 100 * (1 - self.alpha)
        lo, hi = self.average_effect_ci
        if lang == "ja":
            return (
                f"施策の前後で推移の傾きと水準を比べました（分割回帰）。施策直後の水準の変化は"
                f"{self.level_change:+.3g}（{level:.0f}%信頼区間 {self.level_ci[0]:.3g}〜"
                f"{self.level_ci[1]:.3g}、p={self.level_p:.2f}）、傾きの変化は"
                f"{self.slope_change:+.3g}（p={self.slope_p:.2f}）です。施策後の期間の平均効果は"
                f"{self.average_effect:+.3g}（{lo:.3g}〜{hi:.3g}）でした。"
                "前提：施策がなければ施策前の直線的な傾向がそのまま続いたはずで、同じ時期に"
                "ほかの大きな変化はなかったと考えています。誤差の自己相関は補正済みです。"
            )
        return (
            "The trend before and after the measure was compared (segmented regression). "
            f"The level changed by {self.level_change:+.3g} at the measure ({level:.0f}% CI "
            f"{self.level_ci[0]:.3g} to {self.level_ci[1]:.3g}, p = {self.level_p:.2f}) and the "
            f"slope by {self.slope_change:+.3g} (p = {self.slope_p:.2f}). Averaged over the "
            f"period after it, the effect is {self.average_effect:+.3g} ({lo:.3g} to {hi:.3g}). "
            "Assumptions: without the measure the earlier straight-line trend would have "
            "continued, and nothing else changed at the same time. Standard errors allow for "
            "autocorrelation."
        )


def fit_interrupted_time_series(
    times: ArrayLike,
    values: ArrayLike,
    intervention_time: float,
    *,
    seasons: Sequence[Hashable] | None = None,
    hac_lags: int | None = None,
    alpha: float = 0.05,
    min_pre: int = 3,
    min_post: int = 3,
) -> InterruptedTimeSeriesResult:
    """Return the segmented-regression estimate of a level and slope change at ``intervention_time``.

    ``seasons`` gives each observation's season label (e.g. its month) for additive season
    dummies. ``hac_lags`` overrides the Newey–West rule of thumb.
    """
    t = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    if t.shape != y.shape or t.ndim != 1:
        raise EstimationError("times and values must be two sequences of the same length")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(y))):
        raise EstimationError("the series has missing or infinite values")
    if np.unique(t).size != t.size:
        raise EstimationError("the series has more than one value for some time")
    order = np.argsort(t)
    t, y = t[order], y[order]
    post = (t >= intervention_time).astype(float)
    n_pre, n_post = int((post == 0).sum()), int(post.sum())
    if n_pre < max(min_pre, 2):
        raise EstimationError(
            f"only {n_pre} point(s) before the intervention; at least {max(min_pre, 2)} are needed"
        )
    if n_post < max(min_post, 2):
        raise EstimationError(
            f"only {n_post} point(s) after the intervention; at least {max(min_post, 2)} are needed"
        )
    d = t - intervention_time
    columns = {"const": np.ones_like(t), "trend": d, "level": post, "slope": post * d}
    design = pd.DataFrame(columns)
    if seasons is not None:
        if len(seasons) != len(t):
            raise EstimationError("seasons must give one label per observation")
        labels = pd.Series(list(seasons)).iloc[order].reset_index(drop=True)
        dummies = pd.get_dummies(labels.astype(str), prefix="season", drop_first=True, dtype=float)
        design = pd.concat([design, dummies], axis=1)
    if len(t) - design.shape[1] < 2:
        raise EstimationError(
            f"{len(t)} points are too few for {design.shape[1]} coefficients; add data or drop seasons"
        )
    lags = newey_west_lag(len(t)) if hac_lags is None else hac_lags
    model = sm.OLS(y, design.to_numpy())
    fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
    params = np.asarray(fit.params)
    cov = np.asarray(fit.cov_params())
    ci = np.asarray(fit.conf_int(alpha=alpha))
    pvalues = np.asarray(fit.pvalues)
    x = design.to_numpy()
    fitted = x @ params
    x_cf = x.copy()
    x_cf[:, 2:4] = 0.0
    counterfactual = x_cf @ params
    # Average effect over the observed post period: b2 + b3·mean(d_post), a linear contrast.
    contrast = np.zeros(x.shape[1])
    contrast[2], contrast[3] = 1.0, float(d[post == 1].mean())
    average = float(contrast @ params)
    se = float(math.sqrt(max(contrast @ cov @ contrast, 0.0)))
    df = float(fit.df_resid)
    q = float(stats.t.ppf(1 - alpha / 2, df))
    p_avg = float(2 * stats.t.sf(abs(average) / se, df)) if se > 0 else 0.0
    return InterruptedTimeSeriesResult(
        intervention_time=float(intervention_time),
        level_change=float(params[2]),
        level_ci=(float(ci[2, 0]), float(ci[2, 1])),
        level_p=float(pvalues[2]),
        slope_change=float(params[3]),
        slope_ci=(float(ci[3, 0]), float(ci[3, 1])),
        slope_p=float(pvalues[3]),
        times=tuple(t.tolist()),
        observed=tuple(y.tolist()),
        fitted=tuple(fitted.tolist()),
        counterfactual=tuple(counterfactual.tolist()),
        average_effect=average,
        average_effect_ci=(average - q * se, average + q * se),
        average_effect_p=p_avg,
        hac_lags=lags,
        alpha=alpha,
        covariance=(
            (float(cov[2, 2]), float(cov[2, 3])),
            (float(cov[3, 2]), float(cov[3, 3])),
        ),
        df_resid=df,
    )
