"""Writes of the mobility app — demand-responsive services: zones, vehicles, GTFS-Flex import."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.access import require_actor
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.mobility.models import DemandService, DemandVehicle, DemandVehicleKind, Taxi
from kyoso.mobility.services.common import _text

DEMAND_ROLES = (Role.OPERATOR, Role.STAFF)
DAY_SECONDS = 24 * 3600


def _check_zone(zone: Any) -> dict[str, Any]:
    from kyoso.mobility.algorithms.gtfs_flex import zone_centre

    if not isinstance(zone, dict) or zone.get("type") not in ("Polygon", "MultiPolygon"):
        raise DomainError(_("The zone must be a GeoJSON Polygon or MultiPolygon."), field="zone")
    try:
        lat, lon = zone_centre(zone)
    except (TypeError, IndexError, ZeroDivisionError, KeyError):
        raise DomainError(_("The zone's coordinates cannot be read."), field="zone") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("The zone is not on the map."), field="zone")
    return zone


def _check_hours(start: int, end: int, field: str) -> None:
    if not (0 <= start < end <= 2 * DAY_SECONDS):
        raise DomainError(_("The end must come after the start, within the day."), field=field)


@transaction.atomic
def demand_service_save(
    *,
    city: City,
    actor: User,
    code: str,
    name: str,
    operator_name: str,
    zone: dict[str, Any],
    start_seconds: int,
    end_seconds: int,
    weekdays: str = "1111100",
    zone_name: str = "",
    min_notice_minutes: int = 30,
    max_notice_days: int = 7,
    window_minutes: int = 30,
    speed_kmh: float = 20.0,
    detour_factor: float = 1.3,
    phone: str = "",
    info_url: str = "",
    message: str = "",
    places: list[dict[str, Any]] | None = None,
) -> DemandService:
    """Return the operator's zone service, created or updated under its code."""
    require_actor(actor, city, *DEMAND_ROLES)
    _check_zone(zone)
    _check_hours(start_seconds, end_seconds, "end_seconds")
    if len(weekdays) != 7 or set(weekdays) - {"0", "1"}:
        raise DomainError(_("Weekdays are seven 0s and 1s, Monday first."), field="weekdays")
    if not (1 <= speed_kmh <= 80) or not (1.0 <= detour_factor <= 3.0):
        raise DomainError(_("The zone speed or detour factor is out of range."), field="speed_kmh")
    if not (5 <= window_minutes <= 180):
        raise DomainError(_("The pickup window is 5 to 180 minutes."), field="window_minutes")
    if not code.strip() or not name.strip():
        raise DomainError(_("A code and a name are needed."), field="name")
    from kyoso.mobility.algorithms.gtfs_flex import point_in_zone

    checked_places = []
    for place in places or []:
        lat, lon = float(place["lat"]), float(place["lon"])
        if not point_in_zone(lat, lon, zone):
            raise DomainError(_("A place lies outside the zone."), field="places")
        checked_places.append({"name": _text(str(place["name"]), 120), "lat": lat, "lon": lon})
    service, created = DemandService.objects.update_or_create(
        city=city,
        code=_text(code.strip(), 60),
        defaults={
            "name": _text(name, 120),
            "operator_name": _text(operator_name, 120),
            "zone": zone,
            "zone_name": _text(zone_name, 120),
            "start_seconds": start_seconds,
            "end_seconds": end_seconds,
            "weekdays": weekdays,
            "min_notice_minutes": max(0, min_notice_minutes),
            "max_notice_days": max(1, max_notice_days),
            "window_minutes": window_minutes,
            "speed_kmh": speed_kmh,
            "detour_factor": detour_factor,
            "phone": _text(phone, 40),
            "info_url": _text(info_url, 300),
            "message": _text(message, 300),
            **({"places": checked_places} if places is not None else {}),
        },
    )
    audit_record(
        city=city,
        actor=actor,
        action="mobility.demand_service.create" if created else "mobility.demand_service.update",
        obj=service,
    )
    return service


@transaction.atomic
def demand_vehicle_save(
    *,
    city: City,
    actor: User,
    service: DemandService,
    code: str,
    name: str,
    seats: int,
    shift_start_seconds: int,
    shift_end_seconds: int,
    kind: str = DemandVehicleKind.VAN,
    wheelchair_places: int = 0,
    depot: tuple[float, float] | None = None,
    taxi: Taxi | None = None,
) -> DemandVehicle:
    """Return the service's vehicle (a van, taxi or shared taxi), created or updated under its code."""
    require_actor(actor, city, *DEMAND_ROLES)
    if service.city_id != city.pk or (taxi is not None and taxi.city_id != city.pk):
        raise NotFoundError(_("No such service."))
    if kind not in DemandVehicleKind.values:
        raise DomainError(_("Unknown kind of vehicle."), field="kind")
    if not (1 <= seats <= 60) or not (0 <= wheelchair_places <= 10):
        raise DomainError(_("Seats are 1 to 60, wheelchair places 0 to 10."), field="seats")
    _check_hours(shift_start_seconds, shift_end_seconds, "shift_end_seconds")
    if depot is None:
        from kyoso.mobility.algorithms.gtfs_flex import zone_centre

        depot = zone_centre(service.zone)
    vehicle, created = DemandVehicle.objects.update_or_create(
        city=city,
        service=service,
        code=_text(code.strip(), 60),
        defaults={
            "name": _text(name, 120),
            "kind": kind,
            "seats": seats,
            "wheelchair_places": wheelchair_places,
            "depot_lat": depot[0],
            "depot_lon": depot[1],
            "shift_start_seconds": shift_start_seconds,
            "shift_end_seconds": shift_end_seconds,
            "taxi": taxi,
        },
    )
    audit_record(
        city=city,
        actor=actor,
        action="mobility.demand_vehicle.create" if created else "mobility.demand_vehicle.update",
        obj=vehicle,
    )
    return vehicle


@transaction.atomic
def demand_flex_import(
    *, city: City, actor: User, data: bytes, operator_name: str = ""
) -> list[DemandService]:
    """Return the zone services of a GTFS-Flex v2 zip, each created or updated under its route_id."""
    from kyoso.mobility.algorithms.gtfs_feed import FeedTooLargeError
    from kyoso.mobility.algorithms.gtfs_flex import FlexError, flex_unzip, read_flex

    require_actor(actor, city, *DEMAND_ROLES)
    try:
        flex = read_flex(flex_unzip(data))
    except (FlexError, FeedTooLargeError) as exc:
        raise DomainError(
            _("Not a GTFS-Flex zone service: %(error)s") % {"error": exc}, field="file"
        ) from exc
    return [
        demand_service_save(
            city=city,
            actor=actor,
            code=s.id,
            name=s.name,
            operator_name=operator_name or s.agency_name,
            zone=s.zone,
            zone_name=s.zone_name,
            start_seconds=s.start_seconds,
            end_seconds=s.end_seconds,
            weekdays=s.weekdays,
            min_notice_minutes=s.min_notice_minutes,
            max_notice_days=s.max_notice_days,
            phone=s.phone,
            info_url=s.info_url,
            message=s.message,
        )
        for s in flex
    ]
