"""Reads of the evaluation app: KPI status, verifications, cost-effectiveness, the portfolio."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kyoso.core.errors import NotFoundError
from kyoso.core.models import City
from kyoso.evaluation.acceptance import Acceptance
from kyoso.evaluation.acceptance import acceptance_of as acceptance_by_measure
from kyoso.evaluation.estimators.cost_effectiveness import (
    cost_effectiveness as compute_cost_effectiveness,
)
from kyoso.evaluation.estimators.errors import EstimationError
from kyoso.evaluation.estimators.portfolio import (
    MeasureFacts,
    Reason,
    Recommendation,
    Thresholds,
    recommend,
)
from kyoso.evaluation.models import (
    PortfolioDecision,
    ReinvestmentPlan,
    Verification,
    VerificationStatus,
)
from kyoso.evaluation.models import Recommendation as RecommendationChoice
from kyoso.evaluation.selectors.kpi_tracking import KpiStatus, kpi_status
from kyoso.vision.models import Kpi, Measure, MeasureCost, MeasureKpiLink, MeasureStatus
from kyoso.vision.selectors import kpi_trajectory, kpi_yearly_series

SIGNIFICANCE = 0.1


def kpi_statuses(kpis: Iterable[Kpi]) -> dict[int, KpiStatus]:
    """Return the tracking status of each KPI (its yearly actuals should be prefetched)."""
    return {k.pk: kpi_status(k, kpi_yearly_series(k), kpi_trajectory(k)) for k in kpis}


def verifications_of(
    city: City, *, measure: Measure | None = None, status: str = ""
) -> QuerySet[Verification]:
    qs = Verification.objects.filter(city=city).select_related("measure", "kpi", "created_by")
    if measure is not None:
        qs = qs.filter(measure=measure)
    if status:
        qs = qs.filter(status=status)
    return qs


def verification_get(city: City, pk: int) -> Verification:
    v = verifications_of(city).filter(pk=pk).first()
    if v is None:
        raise NotFoundError("Verification not found.", field="verification")
    return v


def decisions_of(city: City, *, measure: Measure | None = None) -> QuerySet[PortfolioDecision]:
    qs = PortfolioDecision.objects.filter(city=city).select_related(
        "measure", "measure__theme", "decided_by"
    )
    if measure is not None:
        qs = qs.filter(measure=measure)
    return qs


def reinvestment_plans_of(city: City) -> QuerySet[ReinvestmentPlan]:
    return (
        ReinvestmentPlan.objects.filter(city=city)
        .select_related("measure", "measure__theme")
        .prefetch_related("decisions__measure")
    )


# --- effect, cost-effectiveness ------------------------------------------------------------


def is_significant(v: Verification) -> bool:
    if v.p_value is not None:
        return v.p_value <= SIGNIFICANCE
    return v.significant


def effect_kind(v: Verification | None) -> str:
    """Return good / bad / unclear / none for the latest verification's effect on its KPI."""
    if v is None or v.effect is None:
        return "none"
    if not is_significant(v):
        return "unclear"
    down = v.kpi is not None and v.kpi.direction == "down"
    good = v.effect < 0 if down else v.effect > 0
    return "good" if good else "bad"


@dataclass(frozen=True)
class CostEffectiveness:
    cost_yen: int
    effect: float
    effect_low: float
    effect_high: float
    unit: str
    verdict: str  # determinable / not_determinable / harmful
    per_unit: float | None  # yen per unit of KPI change in the good direction
    per_unit_low: float | None
    per_unit_high: float | None
    per_percent_of_gap: float | None  # yen per 1% of the KPI's needed change
    explanation_ja: str
    explanation_en: str

    @property
    def explanation(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.explanation_en if en else self.explanation_ja


def _cost_of(measure: Measure) -> int:
    costs = list(measure.costs.all())
    actual = sum(int(c.actual_yen) for c in costs if c.actual_yen is not None)
    return actual or sum(int(c.budget_yen) for c in costs)


def cost_effectiveness(
    measure: Measure, verification: Verification | None
) -> CostEffectiveness | None:
    """Return yen per unit of KPI change, carrying the effect's 95% interval through."""
    v = verification
    if v is None or v.effect is None or v.kpi is None or v.ci_low is None or v.ci_high is None:
        return None
    cost = _cost_of(measure)
    if not cost:
        return None
    kpi = v.kpi
    try:
        ce = compute_cost_effectiveness(
            float(cost),
            v.effect,
            min(v.ci_low, v.effect),
            max(v.ci_high, v.effect),
            direction="down" if kpi.direction == "down" else "up",
        )
    except EstimationError:
        return None
    needed = abs(float(kpi.needed_change))
    per_pct = ce.cost_per_unit * needed / 100 if ce.cost_per_unit is not None and needed else None
    low, high = ce.cost_per_unit_ci or (None, None)
    return CostEffectiveness(
        cost_yen=cost,
        effect=v.effect,
        effect_low=v.ci_low,
        effect_high=v.ci_high,
        unit=kpi.unit,
        verdict=ce.verdict,
        per_unit=ce.cost_per_unit,
        per_unit_low=low,
        per_unit_high=high,
        per_percent_of_gap=per_pct,
        explanation_ja=ce.explain("ja"),
        explanation_en=ce.explain("en"),
    )


def latest_verification(measure: Measure) -> Verification | None:
    done = getattr(measure, "done_verifications", None)
    if done is None:
        done = list(
            Verification.objects.filter(measure=measure, status=VerificationStatus.DONE)
            .select_related("kpi")
            .order_by("-run_at", "-id")
        )
    return done[0] if done else None


def cost_effectiveness_of(measure: Measure) -> CostEffectiveness | None:
    return cost_effectiveness(measure, latest_verification(measure))


def acceptance_of(measure: Measure) -> Acceptance:
    return acceptance_by_measure(measure.city, [measure])[measure.pk]


# --- portfolio -----------------------------------------------------------------------------


def alignment_of(links: Sequence[MeasureKpiLink]) -> float:
    """Return 0..1: how directly a measure moves KPIs toward their targets."""
    best = 0.0
    for link in links:
        needed = float(link.kpi.needed_change)
        expected = float(link.expected_change)
        if needed == 0 or expected == 0 or (needed > 0) != (expected > 0):
            continue
        contribution = min(1.0, expected / needed)
        best = max(best, 0.5 + 0.5 * min(1.0, 2 * contribution))
    return best


def reason_text(reason: Reason) -> str:
    """Return one reason of a recommendation as a sentence in the current language."""
    p = reason.params
    texts = {
        "aligned": _("It moves a KPI of the vision toward its target (alignment %(alignment)s)."),
        "weakly_aligned": _(
            "It does little for the vision's KPIs as planned (alignment %(alignment)s)."
        ),
        "effect_good": _("Verification found a clear effect in the right direction."),
        "effect_bad": _("Verification found a clear effect in the wrong direction."),
        "effect_unclear": _("Verification found no clear effect."),
        "effect_none": _("Its effect has not been verified yet."),
        "accepted": _("Citizens accept it well (acceptance %(acceptance)s)."),
        "rejected": _("Many citizens do not accept it (acceptance %(acceptance)s)."),
        "acceptance_mixed": _("Citizens are divided about it (acceptance %(acceptance)s)."),
        "acceptance_unknown": _("Citizens have not yet said what they think of it."),
        "cost_low": _("It costs less per result than the middle of the portfolio (×%(ratio)s)."),
        "cost_high": _("It costs more per result than the middle of the portfolio (×%(ratio)s)."),
        "verify_first": _("Verify its effect before deciding to scale it up or stop it."),
    }
    text = texts.get(reason.code, reason.code)
    return (
        text % {k: (f"{v:.2f}" if isinstance(v, float) else v) for k, v in p.items()} if p else text
    )


@dataclass
class PortfolioRow:
    measure: Measure
    alignment: float
    verification: Verification | None
    effect: str
    acceptance: Acceptance
    cost_yen: int
    ce: CostEffectiveness | None
    recommendation: Recommendation
    latest_decision: PortfolioDecision | None

    @property
    def recommendation_label(self) -> str:
        return str(RecommendationChoice(self.recommendation.action).label)

    @property
    def reason_texts(self) -> list[tuple[Reason, str]]:
        return [(r, reason_text(r)) for r in self.recommendation.reasons]

    def scores(self) -> dict[str, Any]:
        return {
            "alignment": round(self.alignment, 3),
            "effect": self.effect,
            "acceptance": None
            if self.acceptance.score is None
            else round(self.acceptance.score, 3),
            "cost_yen": self.cost_yen,
            "yen_per_percent_of_gap": None
            if self.ce is None or self.ce.per_percent_of_gap is None
            else round(self.ce.per_percent_of_gap),
        }


def portfolio_measures(city: City, measures: Sequence[Measure] | None = None) -> list[Measure]:
    qs = (
        Measure.objects.filter(city=city)
        .select_related("theme", "theme__catalogue")
        .prefetch_related(
            Prefetch("kpi_links", queryset=MeasureKpiLink.objects.select_related("kpi")),
            Prefetch("costs", queryset=MeasureCost.objects.order_by("year")),
            Prefetch(
                "verifications",
                queryset=Verification.objects.filter(status=VerificationStatus.DONE)
                .select_related("kpi")
                .order_by("-run_at", "-id"),
                to_attr="done_verifications",
            ),
            Prefetch(
                "portfolio_decisions",
                queryset=PortfolioDecision.objects.order_by("-fiscal_year", "-id"),
                to_attr="decisions_newest_first",
            ),
        )
        .order_by("theme__sort_order", "id")
    )
    if measures is None:
        qs = qs.exclude(status=MeasureStatus.IDEA)
    else:
        qs = qs.filter(pk__in=[m.pk for m in measures])
    return list(qs)


def portfolio_rows(
    city: City, *, measures: Sequence[Measure] | None = None, thresholds: Thresholds | None = None
) -> list[PortfolioRow]:
    """Return every measure (but ideas) with its four facts and the recommended action."""
    items = portfolio_measures(city, measures)
    accept = acceptance_by_measure(city, items)
    partial = []
    for m in items:
        v = latest_verification(m)
        partial.append((m, v, cost_effectiveness(m, v)))
    per_pct = [ce.per_percent_of_gap for _m, _v, ce in partial if ce and ce.per_percent_of_gap]
    median = statistics.median(per_pct) if per_pct else None
    if thresholds is None:
        rules = city.rule("evaluation.thresholds", {})
        thresholds = Thresholds(
            **{k: float(v) for k, v in rules.items() if k in Thresholds.__annotations__}
        )
    rows = []
    for m, v, ce in partial:
        alignment = alignment_of(list(m.kpi_links.all()))
        kind = effect_kind(v)
        facts = MeasureFacts(
            alignment=alignment,
            effect=kind,  # type: ignore[arg-type]
            acceptance=accept[m.pk].score,
            cost_per_unit=ce.per_percent_of_gap if ce else None,
            median_cost_per_unit=median,
            status=m.status,
        )
        decisions = getattr(m, "decisions_newest_first", None)
        if decisions is None:
            decisions = list(
                PortfolioDecision.objects.filter(measure=m).order_by("-fiscal_year", "-id")
            )
        rows.append(
            PortfolioRow(
                measure=m,
                alignment=alignment,
                verification=v,
                effect=kind,
                acceptance=accept[m.pk],
                cost_yen=_cost_of(m),
                ce=ce,
                recommendation=recommend(facts, thresholds),
                latest_decision=decisions[0] if decisions else None,
            )
        )
    return rows
