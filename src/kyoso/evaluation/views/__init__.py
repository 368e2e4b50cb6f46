"""Evaluation pages (thin: parse the request, call selectors/services, render)."""

from __future__ import annotations

from kyoso.evaluation.views.pages import (
    decide,
    index,
    kpi_detail,
    kpi_list,
    portfolio,
    reinvestment_new,
    verification_detail,
    verification_new,
    verification_run,
)

__all__ = [
    "decide",
    "index",
    "kpi_detail",
    "kpi_list",
    "portfolio",
    "reinvestment_new",
    "verification_detail",
    "verification_new",
    "verification_run",
]
