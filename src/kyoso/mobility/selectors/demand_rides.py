"""Reads of demand-responsive services: services, a rider's rides, the vehicle's place, the dispatch board."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import has_role
from kyoso.core.errors import NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.mobility.models import DemandService, DemandVehicle, DispatchRun, RideRequest, RideStatus

STAFF_VIEW_ROLES = (Role.STAFF, Role.OPERATOR)


def demand_services(city: City) -> QuerySet[DemandService]:
    return DemandService.objects.filter(city=city, is_active=True).order_by("name")


def demand_service_get(city: City, code: str) -> DemandService:
    service = DemandService.objects.filter(city=city, code=code).first()
    if service is None:
        raise NotFoundError(_("No such service."))
    return service


def demand_flex_export(
    city: City, services: list[DemandService], *, start: date, end: date
) -> dict[str, bytes]:
    """Return GTFS-Flex v2 files describing the services, valid from ``start`` to ``end``."""
    from kyoso.mobility.algorithms.gtfs_flex import FlexService, write_flex

    flex = [
        FlexService(
            id=s.code,
            name=s.name,
            agency_name=s.operator_name,
            zone=s.zone,
            zone_name=s.zone_name or s.name,
            start_seconds=s.start_seconds,
            end_seconds=s.end_seconds,
            weekdays=s.weekdays,
            min_notice_minutes=s.min_notice_minutes,
            max_notice_days=s.max_notice_days,
            phone=s.phone,
            info_url=s.info_url,
            message=s.message,
        )
        for s in services
        if s.city_id == city.pk
    ]
    return write_flex(
        flex,
        start_date=start.strftime("%Y%m%d"),
        end_date=end.strftime("%Y%m%d"),
        timezone=city.time_zone,
    )


def rides_of(city: City, user: User, *, since: date | None = None) -> QuerySet[RideRequest]:
    """Return the person's rides from ``since`` (today) on, soonest first."""
    since = since or timezone.localdate()
    return (
        RideRequest.objects.filter(city=city, rider=user, service_date__gte=since)
        .select_related("service", "vehicle")
        .order_by("earliest_pickup")
    )


def ride_get(city: City, user: User, pk: int) -> RideRequest:
    """Return the ride if the person is its rider, booked it, or is staff or an operator."""
    ride = RideRequest.objects.filter(city=city, pk=pk).select_related("service", "vehicle").first()
    if ride is None or not (
        ride.rider_id == user.pk
        or ride.booked_by_id == user.pk
        or has_role(user, city, *STAFF_VIEW_ROLES)
    ):
        raise NotFoundError(_("No such ride."))
    return ride


def _stops_of(
    vehicle: DemandVehicle, day: date
) -> list[tuple[datetime, float, float, str, RideRequest]]:
    stops = []
    for r in RideRequest.objects.filter(
        city_id=vehicle.city_id,
        vehicle=vehicle,
        service_date=day,
        status__in=(RideStatus.SCHEDULED, RideStatus.PICKED_UP),
    ):
        if r.planned_pickup and r.planned_dropoff:
            stops.append((r.planned_pickup, r.origin_lat, r.origin_lon, "pickup", r))
            stops.append((r.planned_dropoff, r.destination_lat, r.destination_lon, "dropoff", r))
    return sorted(stops, key=lambda s: (s[0], s[3] == "pickup"))


def vehicle_position(
    vehicle: DemandVehicle, day: date, now: datetime | None = None
) -> tuple[float, float, str]:
    """Return (lat, lon, source): the taxi's reported place when fresh, else where the plan puts it.

    The planned place is interpolated between the stops before and after ``now`` (at the depot
    before its first stop and after its last), so riders see it approach on the map.
    """
    now = now or timezone.now()
    taxi = vehicle.taxi
    if taxi is not None and taxi.updated_at >= now - timedelta(minutes=5):
        return taxi.lat, taxi.lon, "live"
    points = [(t, lat, lon) for t, lat, lon, _kind, _r in _stops_of(vehicle, day)]
    if not points or now <= points[0][0] or now >= points[-1][0]:
        if points and points[0][0] < now < points[-1][0] + timedelta(minutes=1):
            return points[-1][1], points[-1][2], "planned"
        return vehicle.depot_lat, vehicle.depot_lon, "depot"
    for (t0, a0, o0), (t1, a1, o1) in itertools.pairwise(points):
        if t0 <= now <= t1:
            f = (now - t0) / (t1 - t0) if t1 > t0 else 1.0
            return a0 + (a1 - a0) * f, o0 + (o1 - o0) * f, "planned"
    return vehicle.depot_lat, vehicle.depot_lon, "depot"


@dataclass
class VehicleRun:
    vehicle: DemandVehicle
    stops: list[tuple[datetime, str, RideRequest]] = field(default_factory=list)


@dataclass
class DispatchBoard:
    service: DemandService
    day: date
    vehicles: list[VehicleRun]
    declined: list[RideRequest]
    last_run: DispatchRun | None


def dispatch_board(city: City, service: DemandService, day: date) -> DispatchBoard:
    """Return each vehicle's stops of the day in order, the declined requests and the last plan."""
    vehicles = list(DemandVehicle.objects.filter(city=city, service=service).order_by("code"))
    rides = (
        RideRequest.objects.filter(city=city, service=service, service_date=day)
        .select_related("rider")
        .order_by("earliest_pickup")
    )
    runs = {v.pk: VehicleRun(v) for v in vehicles}
    declined = []
    for r in rides:
        if r.status == RideStatus.DECLINED:
            declined.append(r)
        elif r.vehicle_id in runs and r.planned_pickup and r.planned_dropoff:
            runs[r.vehicle_id].stops.append((r.planned_pickup, "pickup", r))
            runs[r.vehicle_id].stops.append((r.planned_dropoff, "dropoff", r))
    for run in runs.values():
        run.stops.sort(key=lambda s: (s[0], s[1] == "pickup"))
    last = DispatchRun.objects.filter(city=city, service=service, service_date=day).first()
    return DispatchBoard(service, day, list(runs.values()), declined, last)
