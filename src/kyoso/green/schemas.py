"""API schemas of the green app."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class FactorListOut(Schema):
    id: int
    kind: str
    fiscal_year: int
    title: str
    source_url: str
    attribution: str
    rows: int


class CompanyIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    jsic: str = Field(pattern=r"^\d\d$")
    employees: int = Field(0, ge=0, le=10_000_000)
    sales_million_yen: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=1)
    corporate_number: str = Field("", max_length=13)
    fiscal_year_start_month: int = Field(4, ge=1, le=12)


class CompanyOut(Schema):
    id: int
    name: str
    jsic: str
    employees: int
    sales_million_yen: Decimal
    fiscal_year_start_month: int
    is_demo: bool


class SiteIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    address: str = Field("", max_length=200)
    district_code: str = ""
    grid_area: str = ""
    roof_area_m2: int = Field(0, ge=0, le=10_000_000)


class SiteOut(Schema):
    id: int
    name: str


class ActivityIn(Schema):
    site_id: int = Field(ge=1, le=2**53)
    month: date
    category: str
    quantity: Decimal = Field(ge=0, max_digits=16, decimal_places=4)
    unit: str = Field("", max_length=12)
    supplier: str = Field("", max_length=10)
    menu: str = Field("", max_length=200)
    detail: str = Field("", max_length=60)


class ActivityOut(Schema):
    id: int
    site_id: int
    month: date
    category: str
    quantity: Decimal
    unit: str
    scope: int
    co2_location_t: Decimal
    co2_market_t: Decimal
    factor_location_value: Decimal | None
    factor_market_value: Decimal | None
    basis_location: str
    basis_market: str
    factor_year: int | None
    provisional: bool


class ActivityImportOut(Schema):
    rows: int


class YearOut(Schema):
    fiscal_year: int
    scope1_t: float
    scope2_location_t: float
    scope2_market_t: float
    scope3_t: float
    certificates_t: float
    credits_t: float
    location_total_t: float
    market_total_t: float
    months_with_data: int
    months_missing: list[date]
    provisional_rows: int
    per_million_yen: float | None
    per_employee: float | None


class ReductionMeasureOut(Schema):
    key: str
    name: str
    capex_yen: float
    opex_change_yen: float
    lifetime_years: int
    abated_t: float
    payback_years: float | None
    yen_per_t: float | None
    in_plan: bool


class PlanOut(Schema):
    fiscal_year: int
    target_t: float
    budget_yen: float
    status: str
    abated_t: float
    capex_yen: float
    annual_cost_yen: float
    measures: list[ReductionMeasureOut]


class SectorOut(Schema):
    industry: str
    by_year: dict[int, float]


class ConsortiumOut(Schema):
    members: int
    consenting: int
    completeness: float
    totals: dict[int, float]
    estimates: dict[int, float]
    sectors: list[SectorOut]
    named: list[dict[str, object]]


class AdoptedMeasureOut(Schema):
    id: int
    key: str
    name: str
    abated_t: float
    status: str
    vision_measure_id: int | None
    vision_measure_title: str | None


class VisionLinkIn(Schema):
    vision_measure_id: int | None = None


class InviteIn(Schema):
    company: str  # registered name or 法人番号


class InvitationOut(Schema):
    id: int
    consortium: str
    company_id: int
    company: str
    accepted: bool | None


class InvitationAnswerIn(Schema):
    accept: bool
    secretariat_may_enter: bool = False


class MemberOut(Schema):
    id: int
    name: str
    shares: str
    secretariat_may_enter: bool


class WeatherFileOut(Schema):
    id: int
    name: str
    kind: str
    source: str
    annual_ghi_kwh_m2: float
