"""Difference in differences: two-way fixed effects with unit-clustered standard errors.

Units (e.g. districts) are observed over periods; treated units start the measure at one
common ``treatment_time``. The model  y_it = a_i + g_t + ATT·D_it + e_it  with D_it = 1 for a
treated unit from ``treatment_time`` on is fitted by OLS with unit and period dummies;
standard errors are clustered by unit (so serial correlation within a district is allowed)
and inference uses the t distribution with (number of units − 1) degrees of freedom.

Parallel trends cannot be proved, but it can be checked before the measure: on the
pre-treatment periods alone, (a) a treated × period trend term and (b) the event-study leads
(treated × each pre period but the last) should be zero. The verdict flags the design when
either test rejects at alpha/2 (a Bonferroni split, so the check as a whole has level alpha).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import NDArray
from scipy import stats

from kyoso.evaluation.estimators.errors import EstimationError

Verdict = Literal["parallel", "diverging", "not_testable"]


@dataclass(frozen=True)
class PreTrendCheck:
    """The pre-treatment parallel-trends check and its plain verdict."""

    trend_difference: float | None
    trend_p: float | None
    leads_p: float | None
    verdict: Verdict


@dataclass(frozen=True)
class DiffInDiffResult:
    """The ATT with clustered inference, the pre-trend check and group means for a chart."""

    att: float
    se: float
    ci: tuple[float, float]
    p_value: float
    n_treated: int
    n_control: int
    pre_trend: PreTrendCheck
    times: tuple[float, ...]
    treated_mean: tuple[float, ...]
    control_mean: tuple[float, ...]
    treatment_time: float
    alpha: float

    def explain(self, lang: str = "ja") -> str:
        """Return a short plain-language account of the assumptions and the result.

        ``lang`` is ``"ja"`` for Japanese; anything else gives English.
        """
        level = 100 * (1 - self.alpha)
        lo, hi = self.ci
        verdict = self.pre_trend.verdict
        if lang == "ja":
            check = {
                "parallel": "施策前の推移に差は見られず、この前提と矛盾しません（証明ではありません）。",
                "diverging": "ただし施策前から両者の推移が異なっており、この前提は疑わしく、結果は参考程度です。",
                "not_testable": "施策前の期間が短く、この前提は確かめられませんでした。",
            }[verdict]
            return (
                f"施策を行った{self.n_treated}地区と行っていない{self.n_control}地区の変化の差を"
                f"比べました（差の差分法）。施策の効果は{self.att:+.3g}（{level:.0f}%信頼区間 "
                f"{lo:.3g}〜{hi:.3g}、p={self.p_value:.2f}）です。前提：施策がなければ両者は"
                f"同じように推移したはず（平行トレンド）と考えています。{check}"
            )
        check = {
            "parallel": "Before the measure the groups moved alike, consistent with this (not proof of it).",
            "diverging": "But the groups already moved differently before the measure, so this is doubtful and the result is only indicative.",
            "not_testable": "There are too few periods before the measure to check this.",
        }[verdict]
        return (
            f"The change in {self.n_treated} districts with the measure was compared with the "
            f"change in {self.n_control} without it (difference in differences). The effect is "
            f"{self.att:+.3g} ({level:.0f}% CI {lo:.3g} to {hi:.3g}, p = {self.p_value:.2f}). "
            "Assumption: without the measure both groups would have moved in parallel. "
            f"{check}"
        )


@dataclass(frozen=True)
class _Coefficients:
    params: NDArray[np.float64]
    cov: NDArray[np.float64]
    df: int


def _demean_two_way(
    values: NDArray[np.float64], units: NDArray[np.intp], times: NDArray[np.intp]
) -> NDArray[np.float64]:
    # Alternating projections sweep out unit and period means; one pass suffices when balanced.
    out = values.copy()
    for _ in range(500):
        before = out.copy()
        for codes in (units, times):
            counts = np.bincount(codes)
            for col in range(out.shape[1]):
                out[:, col] -= (np.bincount(codes, out[:, col]) / counts)[codes]
        if np.max(np.abs(out - before)) <= 1e-12 * max(1.0, float(np.max(np.abs(values)))):
            break
    return out


def _twfe(frame: pd.DataFrame, regressors: list[str]) -> _Coefficients:
    # Fixed effects are absorbed (Frisch–Waugh–Lovell), so the fit stays small with many units.
    units = pd.factorize(frame["_unit"])[0]
    times = pd.factorize(frame["_time"])[0]
    data = frame[["_y", *regressors]].to_numpy(dtype=float)
    within = _demean_two_way(data, units, times)
    fit = sm.OLS(within[:, 0], within[:, 1:]).fit(
        cov_type="cluster", cov_kwds={"groups": units}, use_t=True
    )
    n, k = within.shape[0], len(regressors)
    k_full = k + (units.max() + 1) + (times.max() + 1) - 1
    # statsmodels' small-sample factor counts only the k demeaned regressors; the absorbed
    # dummies are parameters too, so rescale (N−1)/(N−k) to (N−1)/(N−K).
    cov = np.asarray(fit.cov_params()) * (n - k) / max(n - k_full, 1)
    return _Coefficients(np.asarray(fit.params), cov, int(units.max()))


def _t_inference(estimate: float, se: float, df: int, alpha: float) -> tuple[float, float, float]:
    q = float(stats.t.ppf(1 - alpha / 2, df))
    p = float(2 * stats.t.sf(abs(estimate) / se, df)) if se > 0 else 0.0
    return estimate - q * se, estimate + q * se, p


def _pre_trend(pre: pd.DataFrame, alpha: float) -> PreTrendCheck:
    periods = np.sort(pre["_time"].unique())
    if periods.size < 2:
        return PreTrendCheck(None, None, None, "not_testable")
    pre = pre.copy()
    pre["_trend"] = pre["_treated"] * (pre["_time"] - periods[-1])
    trend_fit = _twfe(pre, ["_trend"])
    trend = float(trend_fit.params[0])
    trend_p = _t_inference(trend, float(np.sqrt(trend_fit.cov[0, 0])), trend_fit.df, alpha)[2]
    leads_p = None
    if periods.size >= 3:
        names = []
        for k, period in enumerate(periods[:-1]):
            name = f"_lead{k}"
            pre[name] = pre["_treated"] * (pre["_time"] == period).astype(float)
            names.append(name)
        leads = _twfe(pre, names)
        # Joint Wald test of all leads with the clustered covariance, F(q, G − 1).
        wald = float(leads.params @ np.linalg.pinv(leads.cov) @ leads.params) / len(names)
        leads_p = float(stats.f.sf(wald, len(names), leads.df))
    worst = min(p for p in (trend_p, leads_p) if p is not None)
    verdict: Verdict = "diverging" if worst < alpha / 2 else "parallel"
    return PreTrendCheck(trend, trend_p, leads_p, verdict)


def fit_diff_in_diff(
    panel: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: str,
    treatment_time: float,
    alpha: float = 0.05,
) -> DiffInDiffResult:
    """Return the two-way fixed-effects DiD estimate of the ATT with a pre-trend check.

    ``treated`` names a column that is true for every row of a treated unit.
    """
    for column in (unit, time, outcome, treated):
        if column not in panel.columns:
            raise EstimationError(f"the panel has no column {column!r}")
    frame = pd.DataFrame(
        {
            "_unit": panel[unit].astype(str),
            "_time": panel[time].astype(float),
            "_y": panel[outcome].astype(float),
            "_treated": panel[treated].astype(bool).astype(float),
        }
    )
    if frame["_y"].isna().any():
        raise EstimationError(f"the panel has missing values of {outcome}")
    if frame.duplicated(["_unit", "_time"]).any():
        raise EstimationError("the panel has more than one row for some unit and period")
    flags = frame.groupby("_unit")["_treated"].agg(["min", "max"])
    mixed = flags.index[flags["min"] != flags["max"]].tolist()
    if mixed:
        raise EstimationError(f"the treated flag changes within unit(s): {', '.join(mixed[:5])}")
    n_treated, n_control = int(flags["max"].sum()), int((flags["max"] == 0).sum())
    if n_treated == 0:
        raise EstimationError("no treated units: DiD needs units with the measure")
    if n_control == 0:
        raise EstimationError("no control units: DiD needs units without the measure")
    if n_treated + n_control < 3:
        raise EstimationError("clustered standard errors need at least 3 units")
    frame["_post"] = (frame["_time"] >= float(treatment_time)).astype(float)
    if frame["_post"].min() == 1.0:
        raise EstimationError(
            f"no pre-treatment periods: every period is at or after {treatment_time:g}"
        )
    if frame["_post"].max() == 0.0:
        raise EstimationError(f"no periods at or after the treatment time {treatment_time:g}")
    frame["_d"] = frame["_treated"] * frame["_post"]
    fit = _twfe(frame, ["_d"])
    att, se = float(fit.params[0]), float(np.sqrt(fit.cov[0, 0]))
    low, high, p_value = _t_inference(att, se, fit.df, alpha)
    means = frame.pivot_table(index="_time", columns="_treated", values="_y", aggfunc="mean")
    return DiffInDiffResult(
        att=att,
        se=se,
        ci=(low, high),
        p_value=p_value,
        n_treated=n_treated,
        n_control=n_control,
        pre_trend=_pre_trend(frame[frame["_post"] == 0], alpha),
        times=tuple(means.index.astype(float).tolist()),
        treated_mean=tuple(means[1.0].astype(float).tolist()),
        control_mean=tuple(means[0.0].astype(float).tolist()),
        treatment_time=float(treatment_time),
        alpha=alpha,
    )
