"""API schemas of the evaluation app."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field
from ninja import Schema as NinjaSchema
from pydantic import field_validator


class Schema(NinjaSchema):
    """A schema whose text fields refuse NUL characters (PostgreSQL cannot store them)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("text must not contain NUL characters")
        return value


CODE = r"^[a-z0-9][a-z0-9-]{0,39}$"


class KpiStatusOut(Schema):
    kpi: str
    status: str
    latest_year: int | None
    latest_value: float | None
    needed_now: float | None
    target_year: int | None
    forecast_value: float | None
    interval: list[float] | None
    explanation_ja: str
    explanation_en: str


class PanelRow(Schema):
    unit: str = Field(..., min_length=1, max_length=120)
    time: float = Field(..., ge=-1e9, le=1e9)
    outcome: float = Field(..., ge=-1e15, le=1e15)


class VerificationIn(Schema):
    measure: int = Field(..., ge=1, le=2**31 - 1)
    kpi: str | None = Field(None, pattern=CODE)
    method: str = Field(..., pattern=r"^(its|did|synthetic_control)$")
    title: str = Field(..., min_length=1, max_length=160)
    treatment_time: float = Field(..., ge=-1e9, le=1e9)
    treated: list[str] = Field(default_factory=list, max_length=500)
    panel: list[PanelRow] = Field(default_factory=list, max_length=50000)


class VerificationOut(Schema):
    id: int
    measure: int = Field(..., alias="measure_id")
    kpi: str | None = Field(None, alias="kpi.code")
    title: str
    method: str
    parameters: dict[str, Any]
    status: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    result: dict[str, Any]
    explanation_ja: str
    explanation_en: str
    error_message: str
    error_field: str
    created_at: datetime
    run_at: datetime | None


class ReasonOut(Schema):
    code: str
    text: str


class PortfolioRowOut(Schema):
    measure: int
    title: str
    status: str
    alignment: float
    effect: str
    acceptance: float | None
    cost_yen: int
    yen_per_percent_of_gap: float | None
    recommendation: str
    reasons: list[ReasonOut]


class DecisionIn(Schema):
    measure: int = Field(..., ge=1, le=2**31 - 1)
    fiscal_year: int = Field(..., ge=2000, le=2200)
    decision: str = Field(..., pattern=r"^(scale|continue|revise|stop)$")
    reasons: str = Field(..., min_length=1, max_length=4000)
    freed_budget_yen: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=0)


class PortfolioDecisionOut(Schema):
    id: int
    measure: int = Field(..., alias="measure_id")
    measure_title: str = Field(..., alias="measure.title_ja")
    fiscal_year: int
    recommendation: str
    recommendation_reasons: list[ReasonOut]
    decision: str
    reasons: str
    freed_budget_yen: Decimal
    decided_at: datetime


class ReinvestmentIn(Schema):
    theme: str = Field(..., pattern=CODE)
    title_ja: str = Field(..., min_length=1, max_length=160)
    title_en: str = Field("", max_length=200)
    description_ja: str = Field("", max_length=20000)
    amount_yen: Decimal = Field(..., gt=0, max_digits=14, decimal_places=0)
    decisions: list[int] = Field(..., min_length=1, max_length=100)
    fiscal_year: int | None = Field(None, ge=2000, le=2200)


class ReinvestmentOut(Schema):
    id: int
    measure: int = Field(..., alias="measure_id")
    amount_yen: Decimal
