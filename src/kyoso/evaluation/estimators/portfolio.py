"""The portfolio rule: scale / continue / revise / stop from alignment, effect, acceptance, cost.

Pure: it takes the facts about one measure and returns a recommendation with reason codes,
which the pages turn into sentences. The thresholds are the city's to change (``Thresholds``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EffectKind = Literal["good", "bad", "unclear", "none"]


@dataclass(frozen=True)
class Thresholds:
    aligned: float = 0.5
    accepted: float = 0.6
    rejected: float = 0.4


@dataclass(frozen=True)
class MeasureFacts:
    alignment: float  # 0..1: how directly the measure serves off-target KPIs
    effect: EffectKind  # from the latest verification
    acceptance: float | None  # 0..1, None when nobody has spoken
    cost_per_unit: float | None  # yen per unit of KPI change (None when unknown)
    median_cost_per_unit: float | None  # across the portfolio, same KPI unit not required
    status: str = "running"


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    action: Literal["scale", "continue", "revise", "stop"]
    reasons: tuple[Reason, ...]


def recommend(facts: MeasureFacts, thresholds: Thresholds | None = None) -> Recommendation:
    """Return the recommended action for one measure and the reasons for it, in order."""
    t = thresholds or Thresholds()
    reasons: list[Reason] = []
    aligned = facts.alignment >= t.aligned
    reasons.append(
        Reason("aligned" if aligned else "weakly_aligned", {"alignment": round(facts.alignment, 2)})
    )
    reasons.append(Reason(f"effect_{facts.effect}"))
    accepted = rejected = False
    if facts.acceptance is None:
        reasons.append(Reason("acceptance_unknown"))
    else:
        accepted = facts.acceptance >= t.accepted
        rejected = facts.acceptance < t.rejected
        code = "accepted" if accepted else "rejected" if rejected else "acceptance_mixed"
        reasons.append(Reason(code, {"acceptance": round(facts.acceptance, 2)}))
    cheap = None
    if facts.cost_per_unit is not None and facts.median_cost_per_unit:
        cheap = facts.cost_per_unit <= facts.median_cost_per_unit
        reasons.append(
            Reason(
                "cost_low" if cheap else "cost_high",
                {"ratio": round(facts.cost_per_unit / facts.median_cost_per_unit, 2)},
            )
        )

    if facts.effect == "bad":
        return Recommendation("stop", tuple(reasons))
    if facts.effect == "good":
        if rejected:
            return Recommendation("revise", tuple(reasons))
        if aligned and cheap is not False and (accepted or facts.acceptance is None):
            return Recommendation("scale", tuple(reasons))
        return Recommendation("continue", tuple(reasons))
    if facts.effect == "unclear":
        if rejected or not aligned:
            return Recommendation("stop", tuple(reasons))
        return Recommendation("revise", tuple(reasons))
    # No verification yet.
    reasons.append(Reason("verify_first"))
    if not aligned and rejected:
        return Recommendation("stop", tuple(reasons))
    if not aligned or rejected:
        return Recommendation("revise", tuple(reasons))
    return Recommendation("continue", tuple(reasons))
