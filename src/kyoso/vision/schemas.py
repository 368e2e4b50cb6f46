"""API schemas of the vision app."""

from __future__ import annotations

from datetime import date, datetime
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


class VisionOut(Schema):
    title_ja: str
    title_en: str
    future_image_ja: str
    future_image_en: str
    horizon_year: int
    target_state_ja: str
    target_state_en: str
    target_year: int


class VisionIn(Schema):
    title_ja: str = Field(..., min_length=1, max_length=120)
    title_en: str = Field("", max_length=160)
    future_image_ja: str = Field(..., min_length=1, max_length=20000)
    future_image_en: str = Field("", max_length=20000)
    horizon_year: int = Field(2050, ge=1900, le=2200)
    target_state_ja: str = Field("", max_length=20000)
    target_state_en: str = Field("", max_length=20000)
    target_year: int = Field(2031, ge=1900, le=2200)


class ThemeOut(Schema):
    code: str
    parent: str | None = Field(None, alias="parent.code")
    name_ja: str
    name_en: str
    summary_ja: str
    summary_en: str
    target_state_ja: str
    target_state_en: str
    target_year: int
    sort_order: int


class ThemePatch(Schema):
    parent: str | None = Field(None, pattern=CODE)
    name_ja: str | None = Field(None, min_length=1, max_length=80)
    name_en: str | None = Field(None, max_length=120)
    summary_ja: str | None = Field(None, max_length=20000)
    summary_en: str | None = Field(None, max_length=20000)
    target_state_ja: str | None = Field(None, max_length=20000)
    target_state_en: str | None = Field(None, max_length=20000)
    target_year: int | None = Field(None, ge=1900, le=2200)
    sort_order: int | None = Field(None, ge=0, le=32767)


class ThemeIn(ThemePatch):
    code: str = Field(..., pattern=CODE)
    name_ja: str = Field(..., min_length=1, max_length=80)


class MilestoneIO(Schema):
    year: int = Field(..., ge=1900, le=2200)
    value: Decimal = Field(..., max_digits=16, decimal_places=4)


class KpiOut(Schema):
    code: str
    theme: str = Field(..., alias="theme.code")
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    unit: str
    direction: str
    baseline_year: int
    baseline_value: Decimal
    target_year: int
    target_value: Decimal
    milestones: list[MilestoneIO]
    source: str
    provider_key: str
    owner_unit: str


class ActualOut(Schema):
    year: int
    month: int
    value: Decimal
    note: str
    source: str
    provider_name: str
    entered_by: str | None = Field(None, alias="entered_by.email")
    entered_at: datetime


class KpiDetailOut(KpiOut):
    actuals: list[ActualOut]

    @staticmethod
    def resolve_actuals(obj: object) -> list[object]:
        return list(getattr(obj, "actuals_list", []))


class KpiPatch(Schema):
    theme: str | None = Field(None, pattern=CODE)
    name_ja: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=160)
    description_ja: str | None = Field(None, max_length=20000)
    description_en: str | None = Field(None, max_length=20000)
    unit: str | None = Field(None, min_length=1, max_length=30)
    direction: str | None = Field(None, pattern=r"^(up|down)$")
    baseline_year: int | None = Field(None, ge=1900, le=2200)
    baseline_value: Decimal | None = Field(None, max_digits=16, decimal_places=4)
    target_year: int | None = Field(None, ge=1900, le=2200)
    target_value: Decimal | None = Field(None, max_digits=16, decimal_places=4)
    milestones: list[MilestoneIO] | None = Field(None, max_length=50)
    source: str | None = Field(None, pattern=r"^(manual|csv|provider)$")
    provider_key: str | None = Field(None, max_length=60)
    owner_unit: str | None = Field(None, max_length=80)


class KpiIn(KpiPatch):
    code: str = Field(..., pattern=CODE)
    theme: str = Field(..., pattern=CODE)
    name_ja: str = Field(..., min_length=1, max_length=120)
    unit: str = Field(..., min_length=1, max_length=30)
    baseline_year: int = Field(..., ge=1900, le=2200)
    baseline_value: Decimal = Field(..., max_digits=16, decimal_places=4)
    target_year: int = Field(..., ge=1900, le=2200)
    target_value: Decimal = Field(..., max_digits=16, decimal_places=4)


class ActualIn(Schema):
    year: int = Field(..., ge=1900, le=2200)
    month: int = Field(0, ge=0, le=12)
    value: Decimal = Field(..., max_digits=16, decimal_places=4)
    note: str = Field("", max_length=200)


class KpiImportOut(Schema):
    created: int
    updated: int
    kpis: list[str]


class LinkOut(Schema):
    kpi: str = Field(..., alias="kpi.code")
    expected_change: Decimal
    note: str


class CostOut(Schema):
    year: int
    budget_yen: Decimal
    actual_yen: Decimal | None


class MeasureOut(Schema):
    id: int
    theme: str = Field(..., alias="theme.code")
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    status: str
    owner_unit: str
    start_date: date | None
    end_date: date | None
    inputs: str
    activities: str
    outputs: str
    outcomes: str
    impact: str
    kpi_links: list[LinkOut]
    costs: list[CostOut]


class MeasurePatch(Schema):
    theme: str | None = Field(None, pattern=CODE)
    title_ja: str | None = Field(None, min_length=1, max_length=160)
    title_en: str | None = Field(None, max_length=200)
    description_ja: str | None = Field(None, max_length=20000)
    description_en: str | None = Field(None, max_length=20000)
    status: str | None = Field(None, pattern=r"^(idea|planned|pilot|running|scaled|stopped)$")
    owner_unit: str | None = Field(None, max_length=80)
    start_date: date | None = None
    end_date: date | None = None
    inputs: str | None = Field(None, max_length=20000)
    activities: str | None = Field(None, max_length=20000)
    outputs: str | None = Field(None, max_length=20000)
    outcomes: str | None = Field(None, max_length=20000)
    impact: str | None = Field(None, max_length=20000)


class MeasureIn(MeasurePatch):
    theme: str = Field(..., pattern=CODE)
    title_ja: str = Field(..., min_length=1, max_length=160)


class LinkIn(Schema):
    expected_change: Decimal = Field(..., max_digits=16, decimal_places=4)
    note: str = Field("", max_length=200)


class CostIn(Schema):
    budget_yen: Decimal = Field(..., ge=0, max_digits=14, decimal_places=0)
    actual_yen: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=0)


class EndorseIn(Schema):
    theme: str | None = Field(None, pattern=CODE)


class EndorseOut(Schema):
    theme: str | None
    endorsed: bool
    count: int


class VisionCommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=2000)
    stance: str = Field("support", pattern=r"^(support|concern|question)$")
    theme: str | None = Field(None, pattern=CODE)
    measure: int | None = Field(None, ge=1, le=2**31 - 1)


class VisionCommentOut(Schema):
    id: int
    body: str
    stance: str
    created_at: datetime
