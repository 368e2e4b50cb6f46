"""API schemas of the platform core."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    detail: list[ErrorDetail]


class CityOut(Schema):
    slug: str
    name_ja: str
    name_en: str
    municipality_code: str
    prefecture_ja: str
    time_zone: str
    population: int
    population_as_of: date | None
    households: int | None
    aged_65_plus_percent: Decimal | None
    secondary_industry_percent: Decimal | None
    area_km2: Decimal | None
    center_lat: float
    center_lon: float
    is_demo: bool


class DistrictOut(Schema):
    code: str
    name_ja: str
    name_en: str
    population: int | None
    center_lat: float
    center_lon: float


class MembershipOut(Schema):
    city: str = Field(..., alias="city.slug")
    role: str
    district: str | None = Field(None, alias="district.code")


class MeOut(Schema):
    email: str
    display_name: str
    large_text: bool
    email_mode: str
    memberships: list[MembershipOut]


class ConsentIn(Schema):
    purpose: str = Field(..., min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_.-]*$")
    scope: str = Field("", max_length=120)


class ConsentOut(Schema):
    id: int
    purpose: str
    scope: str
    granted_at: datetime
    revoked_at: datetime | None


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    scope: Literal["read", "write"] = Field("write", description="read: GET requests only")
    days: int = Field(90, ge=1, le=365, description="the token expires after this many days")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    expires_at: datetime
    key: str = Field(..., description="Shown once; store it now.")
