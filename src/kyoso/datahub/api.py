"""API of the data hub at /api/v1/datahub/.

Devices push readings with their own token (``Authorization: Bearer kdev_…``) to
``POST /api/v1/datahub/ingest``; staff upload CSV; anyone reads devices and rollup series.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.schemas import ErrorOut
from kyoso.core.selectors import city_get
from kyoso.datahub import selectors, services
from kyoso.datahub.models import Device
from kyoso.datahub.schemas import DeviceOut, IngestOut, PointOut

router = Router(tags=["datahub"])
ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
MAX_CSV_BYTES = 20 * 1024 * 1024


class DeviceAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        device = services.device_authenticate(token)
        if device is not None:
            request.device = device  # type: ignore[attr-defined]
        return device


@router.post("/ingest", response={200: IngestOut, **ERRORS}, auth=DeviceAuth())
def ingest(request: HttpRequest) -> Any:
    """Store one payload of the authenticated device (see the topic scheme in the README)."""
    device: Device = request.device  # type: ignore[attr-defined]
    result = services.readings_ingest_payload(city=device.city, device=device, payload=request.body)
    return result.as_dict()


@router.post("/{city_slug}/readings.csv", response={200: IngestOut, **ERRORS})
def readings_csv(request: HttpRequest, city_slug: str, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    if file.size and file.size > MAX_CSV_BYTES:
        raise DomainError("The file is larger than 20 MB.", field="file")
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("The file is not UTF-8 text.", field="file") from None
    result = services.readings_import_csv(actor=request.user, city=city_get(city_slug), text=text)  # type: ignore[arg-type]
    return result.as_dict()


@router.get("/{city_slug}/devices", response={200: list[DeviceOut], **ERRORS}, auth=None)
def devices(request: HttpRequest, city_slug: str) -> Any:
    return [
        {
            "key": d.key,
            "name": d.name,
            "owner": d.owner.name if d.owner else "",
            "entity_type": d.entity_type,
            "lat": d.lat,
            "lon": d.lon,
            "latest": [
                {"property": v.prop.name, "unit": v.prop.unit, "time": v.time, "value": v.value}
                for v in values
            ],
        }
        for d, values in selectors.devices_latest(city_get(city_slug))
    ]


@router.get(
    "/{city_slug}/devices/{key}/series", response={200: list[PointOut], **ERRORS}, auth=None
)
def series(
    request: HttpRequest,
    city_slug: str,
    key: str,
    property: str,
    period: Literal["hour", "day"] = "hour",
    start: datetime | None = None,
    end: datetime | None = None,
) -> Any:
    device = selectors.device_get(city_get(city_slug), key)
    prop = device.properties.filter(name=property).first()
    if prop is None:
        raise NotFoundError("The device does not observe this property.", field="property")
    end = end or timezone.now()
    start = start or end - (timedelta(days=1) if period == "hour" else timedelta(days=30))
    if start.tzinfo is None or end.tzinfo is None:
        raise DomainError("Give start and end with a UTC offset.", field="start")
    if end - start > timedelta(days=800):
        raise DomainError("At most 800 days at once.", field="start")
    return [
        {
            "time": r.bucket.astimezone(UTC),
            "count": r.count,
            "mean": r.mean,
            "min": r.minimum,
            "max": r.maximum,
        }
        for r in selectors.series_from_rollups(prop, period, start, end)
    ]
