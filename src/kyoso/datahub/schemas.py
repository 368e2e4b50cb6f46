from __future__ import annotations

from datetime import datetime

from ninja import Schema


class IngestOut(Schema):
    stored: int
    duplicates: int
    flagged: int
    rejected: list[dict[str, str]]


class LatestOut(Schema):
    property: str
    unit: str
    time: datetime | None
    value: float | None


class DeviceOut(Schema):
    key: str
    name: str
    owner: str
    entity_type: str
    lat: float | None
    lon: float | None
    latest: list[LatestOut]


class PointOut(Schema):
    time: datetime
    count: int
    mean: float
    min: float
    max: float
