"""Demand-responsive services: set-up, booking (also by proxy), re-planning, GTFS-Flex import."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent
from kyoso.mobility.algorithms.gtfs_flex import flex_zip
from kyoso.mobility.models import DemandService, DispatchRun, RideRequest, RideStatus
from kyoso.mobility.selectors import demand_flex_export
from kyoso.mobility.services import (
    Place,
    demand_dispatch,
    demand_flex_import,
    demand_service_save,
    demand_vehicle_save,
    ride_book,
    ride_cancel,
)

JST = ZoneInfo("Asia/Tokyo")
MONDAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=JST)
ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[140.62, 36.57], [140.68, 36.57], [140.68, 36.63], [140.62, 36.63], [140.62, 36.57]]
    ],
}
HOME = Place("自宅", 36.58, 140.63)
CLINIC = Place("診療所", 36.62, 140.67)
SHOP = Place("スーパー", 36.60, 140.65)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=JST)


@pytest.fixture
def service(city, operator_user):  # type: ignore[no-untyped-def]
    svc = demand_service_save(
        city=city,
        actor=operator_user,
        code="minami",
        name="みなみ号",
        operator_name="坂下地区",
        zone=ZONE,
        start_seconds=8 * 3600,
        end_seconds=17 * 3600,
        places=[{"name": SHOP.name, "lat": SHOP.lat, "lon": SHOP.lon}],
    )
    demand_vehicle_save(
        city=city,
        actor=operator_user,
        service=svc,
        code="van1",
        name="みなみ号1",
        seats=3,
        wheelchair_places=1,
        shift_start_seconds=8 * 3600,
        shift_end_seconds=17 * 3600,
    )
    return svc


def book(city, user, service, hour=10, **kw):  # type: ignore[no-untyped-def]
    return ride_book(
        city=city,
        actor=user,
        service=service,
        origin=kw.pop("origin", HOME),
        destination=kw.pop("destination", CLINIC),
        earliest_pickup=at(hour),
        now=NOW,
        **kw,
    )


def test_a_booked_ride_gets_a_vehicle_and_a_promised_pickup(city, citizen, service) -> None:
    ride = book(city, citizen, service)
    assert ride.status == RideStatus.SCHEDULED and ride.vehicle is not None
    assert at(10) <= ride.promised_pickup <= at(10, 30)
    assert ride.planned_dropoff <= ride.latest_arrival
    assert (ride.pickup_order, ride.dropoff_order) == (0, 1)
    assert DispatchRun.objects.filter(service=service, service_date=MONDAY).count() == 1


def test_rides_share_the_vehicle_and_promises_hold(city, citizen, staff, service) -> None:
    first = book(city, citizen, service)
    second = book(city, citizen, service, origin=SHOP)
    first.refresh_from_db()
    assert second.status == RideStatus.SCHEDULED and second.vehicle_id == first.vehicle_id
    promised = first.promised_pickup
    assert (
        promised - timedelta(minutes=5) <= first.planned_pickup <= promised + timedelta(minutes=10)
    )
    demand_dispatch(city=city, actor=staff, service=service, day=MONDAY, time_limit_s=0.5)
    first.refresh_from_db()
    assert first.promised_pickup == promised and first.vehicle_id is not None


def test_a_full_vehicle_declines_and_a_cancelled_ride_frees_it(city, citizen, service) -> None:
    big = book(city, citizen, service, passengers=3)
    other = book(city, citizen, service, passengers=2, origin=SHOP, destination=HOME)
    # 3 seats: the second group waits for the first to be set down, or is declined.
    assert big.status == RideStatus.SCHEDULED
    assert other.status in (RideStatus.SCHEDULED, RideStatus.DECLINED)
    wheel = book(city, citizen, service, passengers=2, wheelchairs=2)
    assert wheel.status == RideStatus.DECLINED and wheel.vehicle is None  # one wheelchair place
    ride_cancel(city=city, actor=citizen, ride=big)
    assert RideRequest.objects.get(pk=big.pk).status == RideStatus.CANCELLED


def test_booking_rules(city, citizen, service) -> None:
    with pytest.raises(DomainError, match="30"):
        ride_book(city=city, actor=citizen, service=service, origin=HOME, destination=CLINIC,
                  earliest_pickup=at(8, 10), now=NOW)  # fmt: skip
    with pytest.raises(DomainError) as err:
        book(city, citizen, service, hour=18)
    assert err.value.field == "earliest_pickup"
    with pytest.raises(DomainError) as err:
        book(city, citizen, service, destination=Place("水戸", 36.37, 140.47))
    assert err.value.field == "destination"
    saturday = datetime(2026, 12, 12, 10, tzinfo=JST)
    with pytest.raises(DomainError):
        ride_book(city=city, actor=citizen, service=service, origin=HOME, destination=CLINIC,
                  earliest_pickup=saturday, now=NOW)  # fmt: skip


def test_staff_book_for_a_citizen_and_it_is_audited(city, citizen, staff, service) -> None:
    ride = book(city, staff, service, rider=citizen)
    assert ride.is_proxy and ride.rider == citizen and ride.booked_by == staff
    event = AuditEvent.objects.get(action="mobility.ride.proxy_book", object_id=str(ride.pk))
    assert event.actor == staff and event.on_behalf_of == citizen
    with pytest.raises(PermissionDeniedError):
        book(city, citizen, service, rider=staff)


def test_a_rider_of_another_city_cannot_be_booked_for(city, other_city, staff, service) -> None:
    from tests.core.factories import MembershipFactory

    stranger = MembershipFactory(city=other_city, role="citizen").user
    with pytest.raises(DomainError) as err:
        book(city, staff, service, rider=stranger)
    assert err.value.field == "rider"


def test_only_operators_and_staff_set_up_services(city, citizen) -> None:
    with pytest.raises(PermissionDeniedError):
        demand_service_save(city=city, actor=citizen, code="x", name="x", operator_name="x",
                            zone=ZONE, start_seconds=0, end_seconds=3600)  # fmt: skip
    assert not DemandService.objects.exists()


def test_gtfs_flex_export_and_import_round_trip(city, other_city, operator_user, service) -> None:
    files = demand_flex_export(city, [service], start=MONDAY, end=MONDAY + timedelta(days=365))
    from tests.core.factories import MembershipFactory

    other_operator = MembershipFactory(city=other_city, role="operator").user
    (imported,) = demand_flex_import(city=other_city, actor=other_operator, data=flex_zip(files))
    for field in ("code", "name", "operator_name", "zone", "start_seconds", "end_seconds",
                  "weekdays", "min_notice_minutes", "max_notice_days"):  # fmt: skip
        assert getattr(imported, field) == getattr(service, field), field
    with pytest.raises(DomainError) as err:
        demand_flex_import(city=city, actor=operator_user, data=b"PK not really")
    assert err.value.field == "file"


def test_the_demo_zone_is_built_through_the_services(city) -> None:
    from kyoso.mobility.demo_demand import load_demand
    from tests.core.factories import MembershipFactory

    for email, role in (("citizen@hitachi.example", "citizen"), ("young@hitachi.example", "citizen"),
                        ("staff@hitachi.example", "staff"), ("operator@hitachi.example", "operator")):  # fmt: skip
        MembershipFactory(city=city, role=role, user__email=email)
    load_demand(city)
    load_demand(city)  # idempotent
    service = DemandService.objects.get(city=city, code="yamabiko")
    assert service.vehicles.count() == 3
    rides = RideRequest.objects.filter(service=service)
    assert rides.count() == 4 and rides.filter(is_proxy=True).count() == 1
    assert rides.filter(status=RideStatus.SCHEDULED).count() == 4
    assert AuditEvent.objects.filter(action="mobility.demand_service.create").count() == 1
