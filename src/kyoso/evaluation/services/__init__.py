"""Evaluation use cases (writes): ``kyoso.evaluation.services.<entity>_<verb>``."""

from __future__ import annotations

from kyoso.evaluation.services.verifications import (
    decision_record,
    freed_budget_available,
    reinvestment_plan_create,
    verification_create,
    verification_enqueue,
    verification_run,
)

__all__ = [
    "decision_record",
    "freed_budget_available",
    "reinvestment_plan_create",
    "verification_create",
    "verification_enqueue",
    "verification_run",
]
