"""Running the estimators on a verification's stored input and normalising what they return.

Each runner takes plain data (rows, series, parameters) and returns a :class:`MethodOutcome`:
the headline effect with its interval and p-value, a JSON-able result with the chart series,
and explanations in Japanese and English. Estimator errors become DomainError on a field.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError
from kyoso.evaluation.estimators.errors import EstimationError
from kyoso.evaluation.services.panel_input import check_balanced


@dataclass
class MethodOutcome:
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    result: dict[str, Any] = field(default_factory=dict)
    explanation_ja: str = ""
    explanation_en: str = ""


def _estimator(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"kyoso.evaluation.estimators.{name}")
    except ModuleNotFoundError as exc:
        raise DomainError(_("This method is not available yet."), field="method") from exc


def _param(parameters: dict[str, Any], name: str, kind: Callable[[Any], Any]) -> Any:
    if name not in parameters or parameters[name] in (None, "", []):
        raise DomainError(_("This setting is required."), field=f"parameters.{name}")
    try:
        return kind(parameters[name])
    except (TypeError, ValueError) as exc:
        raise DomainError(_("This setting is not valid."), field=f"parameters.{name}") from exc


def _f(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def _estimation_error(exc: Exception, field_name: str = "panel") -> DomainError:
    return DomainError(
        _("The data cannot support this estimate: %(why)s") % {"why": exc}, field=field_name
    )


# --- synthetic control ---------------------------------------------------------------------


def run_synthetic_control(rows: list[dict[str, Any]], parameters: dict[str, Any]) -> MethodOutcome:
    from kyoso.evaluation.estimators.synthetic_control import fit_synthetic_control

    treated = _param(parameters, "treated", str)
    treatment_time = _param(parameters, "treatment_time", float)
    times = check_balanced(rows)
    units = {r["unit"] for r in rows}
    if treated not in units:
        raise DomainError(
            _("The treated unit %(unit)s is not in the data.") % {"unit": treated},
            field="parameters.treated",
        )
    if len(units) - 1 < 2:
        raise DomainError(
            _("Synthetic control needs at least two comparison units; the data has %(n)d.")
            % {"n": len(units) - 1},
            field="panel",
        )
    pre = [t for t in times if t < treatment_time]
    if len(pre) < 3:
        raise DomainError(
            _("At least 3 periods before the measure are needed; the data has %(n)d.")
            % {"n": len(pre)},
            field="parameters.treatment_time",
        )
    panel = pd.DataFrame(rows)
    try:
        fit = fit_synthetic_control(
            panel,
            unit="unit",
            time="time",
            outcome="outcome",
            treated=treated,
            treatment_time=treatment_time,
            placebos=True,
        )
    except EstimationError as exc:
        raise _estimation_error(exc) from exc
    placebo = fit.placebo
    # The spread of placebo average gaps gives a rough 95% band for the effect.
    ci_low = ci_high = None
    if placebo is not None and placebo.gaps:
        post = [i for i, t in enumerate(fit.times) if t >= treatment_time]
        placebo_effects = sorted(sum(g[i] for i in post) / len(post) for g in placebo.gaps.values())
        if len(placebo_effects) >= 2:
            lo_q = placebo_effects[max(0, int(0.025 * len(placebo_effects)))]
            hi_q = placebo_effects[min(len(placebo_effects) - 1, int(0.975 * len(placebo_effects)))]
            ci_low, ci_high = fit.average_effect - hi_q, fit.average_effect - lo_q
    weights = {k: round(v, 4) for k, v in sorted(fit.weights.items(), key=lambda kv: -kv[1])}
    result = {
        "weights": weights,
        "pre_rmspe": fit.pre_rmspe,
        "post_rmspe": fit.post_rmspe,
        "average_effect": fit.average_effect,
        "treatment_time": treatment_time,
        "treated": treated,
        "placebo": None
        if placebo is None
        else {"rank": placebo.rank, "units": len(placebo.ratios), "p_value": placebo.p_value},
        "chart": {
            "times": list(fit.times),
            "series": {
                "actual": list(fit.treated_series),
                "counterfactual": list(fit.synthetic_series),
            },
        },
    }
    return MethodOutcome(
        effect=fit.average_effect,
        ci_low=_f(ci_low),
        ci_high=_f(ci_high),
        p_value=None if placebo is None else placebo.p_value,
        result=result,
        explanation_ja=fit.explain("ja"),
        explanation_en=fit.explain("en"),
    )


# --- interrupted time series ---------------------------------------------------------------


def run_its(rows: list[dict[str, Any]], parameters: dict[str, Any]) -> MethodOutcome:
    its = _estimator("interrupted_time_series")
    start = _param(parameters, "treatment_time", float)
    units = {r["unit"] for r in rows}
    if len(units) != 1:
        raise DomainError(
            _("Before/after needs one series; the data has %(n)d units.") % {"n": len(units)},
            field="panel",
        )
    series = sorted((r["time"], r["outcome"]) for r in rows)
    times = [t for t, _v in series]
    pre = sum(1 for t in times if t < start)
    post = len(times) - pre
    if pre < 3:
        raise DomainError(
            _("At least 3 periods before the measure are needed; the data has %(n)d.") % {"n": pre},
            field="parameters.treatment_time",
        )
    if post < 2:
        raise DomainError(
            _("At least 2 periods after the measure are needed; the data has %(n)d.") % {"n": post},
            field="parameters.treatment_time",
        )
    try:
        fit = its.fit_interrupted_time_series(
            times, [v for _t, v in series], start, min_pre=3, min_post=2
        )
    except EstimationError as exc:
        raise _estimation_error(exc) from exc
    result = {
        "treatment_time": start,
        "level_change": fit.level_change,
        "level_ci": list(fit.level_ci),
        "level_p": fit.level_p,
        "slope_change": fit.slope_change,
        "slope_ci": list(fit.slope_ci),
        "slope_p": fit.slope_p,
        "average_effect": fit.average_effect,
        "hac_lags": fit.hac_lags,
        "chart": {
            "times": list(fit.times),
            "series": {
                "actual": list(fit.observed),
                "fitted": list(fit.fitted),
                "counterfactual": [
                    c if t >= start else None
                    for t, c in zip(fit.times, fit.counterfactual, strict=True)
                ],
            },
        },
    }
    return MethodOutcome(
        effect=_f(fit.average_effect),
        ci_low=_f(fit.average_effect_ci[0]),
        ci_high=_f(fit.average_effect_ci[1]),
        p_value=_f(fit.average_effect_p),
        result=result,
        explanation_ja=fit.explain("ja"),
        explanation_en=fit.explain("en"),
    )


# --- difference-in-differences -------------------------------------------------------------


def run_did(rows: list[dict[str, Any]], parameters: dict[str, Any]) -> MethodOutcome:
    did = _estimator("diff_in_diff")
    start = _param(parameters, "treatment_time", float)
    treated = parameters.get("treated") or []
    if isinstance(treated, str):
        treated = [t.strip() for t in treated.split(",") if t.strip()]
    if not isinstance(treated, list) or not treated:
        raise DomainError(_("Name the treated unit(s)."), field="parameters.treated")
    treated = [str(t) for t in treated]
    times = check_balanced(rows)
    units = {r["unit"] for r in rows}
    unknown = [t for t in treated if t not in units]
    if unknown:
        raise DomainError(
            _("Not in the data: %(units)s") % {"units": ", ".join(unknown[:5])},
            field="parameters.treated",
        )
    if len(units) - len(set(treated)) < 1:
        raise DomainError(_("Difference-in-differences needs comparison units."), field="panel")
    pre = [t for t in times if t < start]
    if len(pre) < 2:
        raise DomainError(
            _("At least 2 periods before the measure are needed; the data has %(n)d.")
            % {"n": len(pre)},
            field="parameters.treatment_time",
        )
    if not any(t >= start for t in times):
        raise DomainError(
            _("There is no period after the measure started."), field="parameters.treatment_time"
        )
    frame = pd.DataFrame(rows)
    frame["treated"] = frame["unit"].isin(set(treated))
    try:
        fit = did.fit_diff_in_diff(
            frame,
            unit="unit",
            time="time",
            outcome="outcome",
            treated="treated",
            treatment_time=start,
        )
    except EstimationError as exc:
        raise _estimation_error(exc) from exc
    pt = fit.pre_trend
    result = {
        "treatment_time": start,
        "att": fit.att,
        "se": fit.se,
        "ci": list(fit.ci),
        "p_value": fit.p_value,
        "n_treated": fit.n_treated,
        "n_control": fit.n_control,
        "treated": treated,
        "pre_trend": {
            "verdict": pt.verdict,
            "parallel": pt.verdict != "diverging",
            "p_value": pt.trend_p if pt.trend_p is not None else pt.leads_p,
            "trend_difference": pt.trend_difference,
        },
        "chart": {
            "times": list(fit.times),
            "series": {"treated": list(fit.treated_mean), "comparison": list(fit.control_mean)},
        },
    }
    return MethodOutcome(
        effect=_f(fit.att),
        ci_low=_f(fit.ci[0]),
        ci_high=_f(fit.ci[1]),
        p_value=_f(fit.p_value),
        result=result,
        explanation_ja=fit.explain("ja"),
        explanation_en=fit.explain("en"),
    )


RUNNERS: dict[str, Callable[..., MethodOutcome]] = {
    "its": run_its,
    "did": run_did,
    "synthetic_control": run_synthetic_control,
}
