"""API schemas of the mobility app."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class StopOut(Schema):
    id: int
    stop_id: str
    name: str
    name_en: str
    lat: float | None
    lon: float | None
    location_type: int
    wheelchair_boarding: int


class DepartureOut(Schema):
    trip_id: str
    route_id: str
    route_name: str
    headsign: str
    stop_name: str
    stop_sequence: int
    scheduled: datetime
    predicted: datetime | None
    delay_minutes: int | None
    cancelled: bool
    wheelchair: bool


class AlertOut(Schema):
    alert_id: str
    header: str
    description: str
    active_from: datetime | None
    active_until: datetime | None
    route_ids: list[str]
    stop_ids: list[str]


class LegOut(Schema):
    kind: str
    from_stop: str
    from_stop_id: int
    to_stop: str
    to_stop_id: int
    depart: datetime | None
    arrive: datetime | None
    minutes: int
    route: str = ""
    trip_id: str = ""
    headsign: str = ""
    operator: str = ""


class FacilityStatusOut(Schema):
    code: str
    name: str
    kind: str
    stop_ids: list[str]
    waiting_minutes: int | None
    crowding: str
    reported_at: datetime | None
    valid_until: datetime | None
    text: str


class FareOut(Schema):
    """The journey's fare, summed per operator; ``amount`` null when a feed has no fare for it."""

    known: bool
    amount: Decimal | None
    currency: str
    by_category: dict[str, Decimal]


class JourneyOut(Schema):
    depart: datetime
    arrive: datetime
    minutes: int
    transfers: int
    legs: list[LegOut]
    fare: FareOut


class JourneyResultOut(Schema):
    origin: StopOut
    destination: StopOut
    journeys: list[JourneyOut]
    destination_facilities: list[FacilityStatusOut]


class TaxiIn(Schema):
    vehicle_id: str = Field(..., min_length=1, max_length=60, pattern=r"^[\w.-]+$")
    status: str = Field(..., pattern=r"^(free|hired|off)$")
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    company: str = Field("", max_length=120)
    wheelchair: bool = False


class TaxiOut(Schema):
    vehicle_id: str
    status: str
    lat: float
    lon: float
    company: str
    wheelchair: bool
    updated_at: datetime


class NearbyTaxiOut(Schema):
    vehicle_id: str
    company: str
    lat: float
    lon: float
    distance_km: float
    pickup_minutes: int
    wheelchair: bool


class CrowdingIn(Schema):
    facility: str = Field(..., min_length=1, max_length=60)
    waiting_minutes: int | None = Field(None, ge=0, le=600)
    crowding: str = Field("", pattern=r"^(|low|medium|high)$")
    note: str = Field("", max_length=200)
    valid_minutes: int = Field(120, ge=5, le=1440)


class ProblemOut(Schema):
    severity: str
    file: str
    line: int
    field: str
    message: str


class FeedImportOut(Schema):
    ok: bool
    feed_id: int | None
    operator_name: str
    version: str
    seconds: float
    counts: dict[str, int]
    problems: list[ProblemOut]


class RealtimeCountsOut(Schema):
    trip_updates: int
    vehicles: int
    alerts: int


class RidershipImportOut(Schema):
    rows: int
