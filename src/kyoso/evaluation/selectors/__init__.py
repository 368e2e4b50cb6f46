"""Evaluation reads: KPI status, verifications, cost-effectiveness, portfolio rows."""

from __future__ import annotations

from kyoso.evaluation.selectors.verifications import (
    CostEffectiveness,
    PortfolioRow,
    acceptance_of,
    alignment_of,
    cost_effectiveness,
    cost_effectiveness_of,
    decisions_of,
    effect_kind,
    is_significant,
    kpi_statuses,
    latest_verification,
    portfolio_measures,
    portfolio_rows,
    reason_text,
    reinvestment_plans_of,
    verification_get,
    verifications_of,
)

__all__ = [
    "CostEffectiveness",
    "PortfolioRow",
    "acceptance_of",
    "alignment_of",
    "cost_effectiveness",
    "cost_effectiveness_of",
    "decisions_of",
    "effect_kind",
    "is_significant",
    "kpi_statuses",
    "latest_verification",
    "portfolio_measures",
    "portfolio_rows",
    "reason_text",
    "reinvestment_plans_of",
    "verification_get",
    "verifications_of",
]
