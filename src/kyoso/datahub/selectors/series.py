from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery

from kyoso.core.errors import NotFoundError
from kyoso.core.models import City
from kyoso.datahub.models import Device, ObservedProperty, Reading, ReadingFlag, Rollup


@dataclass(frozen=True, slots=True)
class LatestValue:
    prop: ObservedProperty
    time: datetime | None
    value: float | None


def device_get(city: City, key: str) -> Device:
    device = Device.objects.filter(city=city, key=key).first()
    if device is None:
        raise NotFoundError("No such device.", field="device")
    return device


def devices_latest(city: City) -> list[tuple[Device, list[LatestValue]]]:
    """Return the city's active devices, each with the latest valid value of every property."""
    latest = Reading.objects.filter(
        city_id=OuterRef("city_id"), prop_id=OuterRef("pk"), flag=ReadingFlag.OK
    ).order_by("-observed_at")
    props = (
        ObservedProperty.objects.filter(city=city, device__is_active=True)
        .select_related("device", "device__owner")
        .annotate(
            latest_time=Subquery(latest.values("observed_at")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        )
        .order_by("device__key", "name")
    )
    out: dict[int, tuple[Device, list[LatestValue]]] = {}
    for p in props:
        entry = out.setdefault(p.device_id, (p.device, []))
        entry[1].append(LatestValue(p, p.latest_time, p.latest_value))
    return list(out.values())


def series_from_rollups(
    prop: ObservedProperty, period: str, start: datetime, end: datetime
) -> list[Rollup]:
    """Return the property's hourly or daily rollups with ``start <= bucket < end``."""
    return list(
        Rollup.objects.filter(
            city_id=prop.city_id, prop=prop, period=period, bucket__gte=start, bucket__lt=end
        ).order_by("bucket")
    )
