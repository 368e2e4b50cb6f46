"""Evaluation data: effect verifications, portfolio decisions, reinvestment plans."""

from __future__ import annotations

from kyoso.evaluation.models.verifications import (
    Method,
    PortfolioDecision,
    Recommendation,
    ReinvestmentPlan,
    Verification,
    VerificationStatus,
)

__all__ = [
    "Method",
    "PortfolioDecision",
    "Recommendation",
    "ReinvestmentPlan",
    "Verification",
    "VerificationStatus",
]
