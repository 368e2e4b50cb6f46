"""Cost per unit of KPI change, with the effect's confidence interval carried through.

The ratio cost / effect is only meaningful when the effect is clearly away from zero: if the
effect's interval contains zero, the cost per unit ranges up to infinity, so the result says
"not determinable" instead of dividing by a number close to zero. When the whole interval lies
on the harmful side (e.g. the KPI went up where down is good) it says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from kyoso.evaluation.estimators.errors import EstimationError

Verdict = Literal["determinable", "not_determinable", "harmful"]


@dataclass(frozen=True)
class CostEffectiveness:
    """Cost per unit of beneficial KPI change and its interval, or why there is none."""

    cost: float
    effect: float
    effect_ci: tuple[float, float]
    verdict: Verdict
    cost_per_unit: float | None
    cost_per_unit_ci: tuple[float, float] | None

    def explain(self, lang: str = "ja") -> str:
        """Return a short plain-language account of the calculation and its limits.

        ``lang`` is ``"ja"`` for Japanese; anything else gives English.
        """
        lo, hi = self.effect_ci
        if lang == "ja":
            if self.verdict == "determinable" and self.cost_per_unit_ci is not None:
                a, b = self.cost_per_unit_ci
                return (
                    f"費用{self.cost:,.0f}を効果{self.effect:+.3g}で割ると、指標1単位の改善あたり"
                    f"{self.cost_per_unit:,.0f}です（効果の信頼区間から{a:,.0f}〜{b:,.0f}）。"
                    "前提：効果の推定が正しく、費用がこの施策だけのものであることです。"
                )
            if self.verdict == "harmful":
                return (
                    f"効果の信頼区間（{lo:.3g}〜{hi:.3g}）がすべて望ましくない方向にあり、"
                    "改善1単位あたりの費用は計算できません。"
                )
            return (
                f"効果の信頼区間（{lo:.3g}〜{hi:.3g}）が0をまたいでおり、効果があるとは言い切れ"
                "ないため、改善1単位あたりの費用は「判定不能」です。"
            )
        if self.verdict == "determinable" and self.cost_per_unit_ci is not None:
            a, b = self.cost_per_unit_ci
            return (
                f"Dividing the cost {self.cost:,.0f} by the effect {self.effect:+.3g} gives "
                f"{self.cost_per_unit:,.0f} per unit of improvement ({a:,.0f} to {b:,.0f} from "
                "the effect's interval). Assumptions: the effect estimate is right and the cost "
                "belongs to this measure alone."
            )
        if self.verdict == "harmful":
            return (
                f"The effect's interval ({lo:.3g} to {hi:.3g}) lies wholly in the unwanted "
                "direction, so there is no cost per unit of improvement."
            )
        return (
            f"The effect's interval ({lo:.3g} to {hi:.3g}) includes zero, so the effect is not "
            "established and the cost per unit of improvement is not determinable."
        )


def cost_effectiveness(
    cost: float,
    effect: float,
    ci_low: float,
    ci_high: float,
    *,
    direction: Literal["up", "down"] = "up",
) -> CostEffectiveness:
    """Return the cost per unit of KPI improvement with its interval, or a verdict why not.

    ``direction`` says which way the KPI improves; a fall counts as improvement when "down".
    """
    values = (cost, effect, ci_low, ci_high)
    if not all(math.isfinite(v) for v in values):
        raise EstimationError("cost, effect and interval must be finite numbers")
    if cost < 0:
        raise EstimationError("cost must not be negative")
    if not ci_low <= effect <= ci_high:
        raise EstimationError(
            f"the interval {ci_low:g}..{ci_high:g} does not contain the effect {effect:g}"
        )
    if direction not in ("up", "down"):
        raise EstimationError(f"direction must be 'up' or 'down', not {direction!r}")
    sign = 1.0 if direction == "up" else -1.0
    low, high = sorted((sign * ci_low, sign * ci_high))
    gain = sign * effect
    ci = (float(ci_low), float(ci_high))
    if low <= 0 <= high:
        return CostEffectiveness(float(cost), float(effect), ci, "not_determinable", None, None)
    if high < 0:
        return CostEffectiveness(float(cost), float(effect), ci, "harmful", None, None)
    # The largest plausible gain gives the lowest cost per unit, and vice versa.
    return CostEffectiveness(
        float(cost), float(effect), ci, "determinable", cost / gain, (cost / high, cost / low)
    )
