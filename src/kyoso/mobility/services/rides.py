"""Writes of the mobility app — demand-responsive rides: booking (also by staff for a citizen),
cancelling, and the dispatcher that re-plans a service day as requests arrive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import has_role, require_actor, require_participant
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Membership, Role, User
from kyoso.core.services import audit_record
from kyoso.mobility.models import DemandService, DemandVehicle, DispatchRun, RideRequest, RideStatus
from kyoso.mobility.services.common import _text
from kyoso.mobility.services.demand import DEMAND_ROLES

if TYPE_CHECKING:
    from kyoso.mobility.algorithms.dial_a_ride import Plan, Request, TravelModel

PROXY_ROLES = (Role.STAFF, Role.OPERATOR)
ACTIVE = (RideStatus.SCHEDULED, RideStatus.PICKED_UP)
# A booking re-optimises at once while the day is small; larger days are planned by the task.
BOOKING_SOLVE_MAX_REQUESTS = 60
TASK_SOLVE_SECONDS = 20.0


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float


def travel_model(service: DemandService) -> TravelModel:
    from kyoso.mobility.algorithms.dial_a_ride import TravelModel

    return TravelModel(speed_kmh=service.speed_kmh, detour=service.detour_factor)


def _seconds(moment: datetime, day: date, tz: ZoneInfo) -> int:
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return int((moment - midnight).total_seconds())


def _moment(seconds: int, day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(seconds=seconds)


def _direct_seconds(service: DemandService, origin: Place, destination: Place) -> int:
    from kyoso.mobility.algorithms.dial_a_ride import Instance, Request

    travel = travel_model(service)
    inst = Instance(
        [],
        [Request("x", (origin.lat, origin.lon), (destination.lat, destination.lon), 0, 0)],
        travel,
    )
    return inst.direct_seconds(0) + travel.dwell_s


@transaction.atomic
def ride_book(
    *,
    city: City,
    actor: User,
    service: DemandService,
    origin: Place,
    destination: Place,
    earliest_pickup: datetime,
    passengers: int = 1,
    wheelchairs: int = 0,
    rider: User | None = None,
    note: str = "",
    now: datetime | None = None,
) -> RideRequest:
    """Return the booked ride: scheduled with its pickup time, or declined when no vehicle can take it.

    Staff and operators book for a citizen of the city on the phone (``rider``): a proxy entry,
    audited. Each booking re-plans the service day.
    """
    from kyoso.mobility.algorithms.gtfs_flex import point_in_zone

    if service.city_id != city.pk or not service.is_active:
        raise NotFoundError(_("No such service."))
    rider = rider or actor
    is_proxy = rider.pk != actor.pk
    if is_proxy:
        if not has_role(actor, city, *PROXY_ROLES):
            raise PermissionDeniedError(_("Only staff can book a ride for someone else."))
        if not Membership.objects.filter(city=city, user=rider).exists():
            raise DomainError(_("The rider is not registered in this city."), field="rider")
    else:
        require_participant(actor, city)
    tz = ZoneInfo(city.time_zone)
    now = now or timezone.now()
    local = timezone.localtime(earliest_pickup, timezone=tz)
    day = local.date()
    start = _seconds(earliest_pickup, day, tz)
    if service.weekdays[day.weekday()] != "1":
        raise DomainError(_("The service does not run on that day."), field="earliest_pickup")
    if not (service.start_seconds <= start < service.end_seconds):
        raise DomainError(_("The service does not run at that time."), field="earliest_pickup")
    if earliest_pickup < now + timedelta(minutes=service.min_notice_minutes):
        raise DomainError(
            _("Book at least %(minutes)s minutes ahead.") % {"minutes": service.min_notice_minutes},
            field="earliest_pickup",
        )
    if earliest_pickup > now + timedelta(days=service.max_notice_days):
        raise DomainError(
            _("Book at most %(days)s days ahead.") % {"days": service.max_notice_days},
            field="earliest_pickup",
        )
    for place, field in ((origin, "origin"), (destination, "destination")):
        if not point_in_zone(place.lat, place.lon, service.zone):
            raise DomainError(_("This place is outside the service's zone."), field=field)
    if not (1 <= passengers <= 8) or not (0 <= wheelchairs <= passengers):
        raise DomainError(_("Passengers are 1 to 8, wheelchairs at most that."), field="passengers")
    direct = _direct_seconds(service, origin, destination)
    latest = earliest_pickup + timedelta(seconds=service.window_minutes * 60 + direct)
    ride = RideRequest.objects.create(
        city=city,
        service=service,
        rider=rider,
        booked_by=actor,
        is_proxy=is_proxy,
        origin_name=_text(origin.name, 120),
        origin_lat=origin.lat,
        origin_lon=origin.lon,
        destination_name=_text(destination.name, 120),
        destination_lat=destination.lat,
        destination_lon=destination.lon,
        service_date=day,
        earliest_pickup=earliest_pickup,
        latest_arrival=latest,
        passengers=passengers,
        wheelchairs=wheelchairs,
        status=RideStatus.SCHEDULED,
        note=_text(note, 200),
    )
    if is_proxy:
        audit_record(
            city=city, actor=actor, on_behalf_of=rider, action="mobility.ride.proxy_book", obj=ride
        )
    _replan(city, service, day, booking=ride)
    ride.refresh_from_db()
    if ride.vehicle_id is None:
        ride.status = RideStatus.DECLINED
        ride.save(update_fields=["status"])
    return ride


@transaction.atomic
def ride_cancel(*, city: City, actor: User, ride: RideRequest) -> RideRequest:
    """Return the ride cancelled by its rider (or staff); the day is re-planned without it."""
    if ride.city_id != city.pk:
        raise NotFoundError(_("No such ride."))
    if ride.rider_id != actor.pk and not has_role(actor, city, *PROXY_ROLES):
        raise PermissionDeniedError(_("Only the rider or staff can cancel this ride."))
    if ride.status != RideStatus.SCHEDULED:
        raise DomainError(_("Only a scheduled ride can be cancelled."), field="status")
    ride.status = RideStatus.CANCELLED
    ride.vehicle = None
    ride.save(update_fields=["status", "vehicle"])
    if ride.rider_id != actor.pk:
        audit_record(city=city, actor=actor, action="mobility.ride.cancel", obj=ride)
    _replan(city, ride.service, ride.service_date)
    return ride


@transaction.atomic
def demand_dispatch(
    *,
    city: City,
    actor: User,
    service: DemandService,
    day: date,
    time_limit_s: float | None = TASK_SOLVE_SECONDS,
) -> DispatchRun:
    """Return the record of re-optimising the service day with OR-Tools (promised rides kept)."""
    require_actor(actor, city, *DEMAND_ROLES)
    if service.city_id != city.pk:
        raise NotFoundError(_("No such service."))
    return _replan(city, service, day, time_limit_s=time_limit_s)


def _requests(rides: list[RideRequest], day: date, tz: ZoneInfo) -> list[Request]:
    from kyoso.mobility.algorithms.dial_a_ride import Request

    return [
        Request(
            str(r.pk),
            (r.origin_lat, r.origin_lon),
            (r.destination_lat, r.destination_lon),
            _seconds(r.earliest_pickup, day, tz),
            _seconds(r.latest_arrival, day, tz),
            r.passengers,
            r.wheelchairs,
            promised_pickup=_seconds(r.promised_pickup, day, tz) if r.promised_pickup else None,
            vehicle_id=str(r.vehicle_id) if r.status == RideStatus.PICKED_UP else None,
        )
        for r in rides
    ]


def _current_plan(rides: list[RideRequest]) -> Plan:
    from kyoso.mobility.algorithms.dial_a_ride import Plan, Route, Stop

    stops: dict[int, list[tuple[int, Stop]]] = {}
    for r in rides:
        if r.vehicle_id is not None and r.pickup_order is not None and r.dropoff_order is not None:
            at = stops.setdefault(r.vehicle_id, [])
            at.append((r.pickup_order, Stop(str(r.pk), "pickup", 0, (0.0, 0.0))))
            at.append((r.dropoff_order, Stop(str(r.pk), "dropoff", 0, (0.0, 0.0))))
    routes = [
        Route(str(vid), [s for _o, s in sorted(at, key=lambda x: x[0])], 0, 0, 0)
        for vid, at in stops.items()
    ]
    return Plan(routes, [], "current")


def _replan(
    city: City,
    service: DemandService,
    day: date,
    *,
    booking: RideRequest | None = None,
    time_limit_s: float | None = None,
) -> DispatchRun:
    from kyoso.mobility.algorithms.dial_a_ride import Vehicle, insert_greedy, solve

    tz = ZoneInfo(city.time_zone)
    vehicles = list(DemandVehicle.objects.filter(city=city, service=service, is_active=True))
    rides = list(
        RideRequest.objects.select_for_update()
        .filter(city=city, service=service, service_date=day, status__in=ACTIVE)
        .order_by("created_at", "pk")
    )
    fleet = [
        Vehicle(
            str(v.pk),
            v.seats,
            v.wheelchair_places,
            (v.depot_lat, v.depot_lon),
            max(v.shift_start_seconds, service.start_seconds),
            min(v.shift_end_seconds, service.end_seconds + 3600),
        )
        for v in vehicles
    ]
    requests, travel = _requests(rides, day, tz), travel_model(service)
    plan = insert_greedy(fleet, requests, travel, initial=_current_plan(rides))
    if booking is None or len(rides) <= BOOKING_SOLVE_MAX_REQUESTS:
        solved = solve(fleet, requests, travel, time_limit_s=time_limit_s, initial=plan)
        if (solved.served, -solved.metres) >= (plan.served, -plan.metres):
            plan = solved
    by_pk = {str(v.pk): v for v in vehicles}
    for r in rides:
        if str(r.pk) in plan.by_request:
            vid, pick, drop = plan.by_request[str(r.pk)]
            route = next(x for x in plan.routes if x.vehicle_id == vid)
            r.vehicle = by_pk[vid]
            r.planned_pickup, r.planned_dropoff = (
                _moment(pick.time, day, tz),
                _moment(drop.time, day, tz),
            )
            r.promised_pickup = r.promised_pickup or r.planned_pickup
            r.pickup_order, r.dropoff_order = route.stops.index(pick), route.stops.index(drop)
        else:
            r.vehicle, r.pickup_order, r.dropoff_order = None, None, None
            r.planned_pickup = r.planned_dropoff = None
            if r.promised_pickup is not None:  # only if the fleet shrank: tell the operator
                r.status = RideStatus.DECLINED
                audit_record(city=city, actor=None, action="mobility.ride.dropped", obj=r)
    RideRequest.objects.bulk_update(
        rides,
        [
            "vehicle",
            "planned_pickup",
            "planned_dropoff",
            "promised_pickup",
            "pickup_order",
            "dropoff_order",
            "status",
        ],
    )
    return DispatchRun.objects.create(
        city=city,
        service=service,
        service_date=day,
        method=plan.method,
        requests=len(rides),
        served=plan.served,
        vehicle_metres=plan.metres,
        seconds=plan.seconds,
    )
