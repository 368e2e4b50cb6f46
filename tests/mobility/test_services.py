from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.mobility import selectors, services
from kyoso.mobility.algorithms import gtfs_rt
from kyoso.mobility.demo_feed import demo_tables, write_demo_feed
from kyoso.mobility.models import (
    Agency,
    Alert,
    FacilityStatus,
    FareRule,
    Feed,
    RealtimeTripUpdate,
    RidershipRecord,
    Route,
    ShapePoint,
    Stop,
    StopTime,
    Translation,
    Trip,
    VehiclePosition,
)
from tests.mobility.factories import TINY, FacilityFactory, write_feed

pytestmark = pytest.mark.django_db


def test_import_tiny_feed_keeps_gtfs_jp_details(city, tiny_feed):
    assert tiny_feed.is_active and tiny_feed.counts["stop_times"] == 8
    station = Stop.objects.get(feed=tiny_feed, stop_id="駅")
    platform = Stop.objects.get(feed=tiny_feed, stop_id="駅_1")
    assert platform.parent == station
    assert station.name_en == "Central Station"  # old GTFS-JP translations layout
    route = Route.objects.get(feed=tiny_feed, route_id="R1")
    assert route.jp["jp_parent_route_id"] == "P1"
    assert route.jp["destination_stop"] == "病院前"
    assert Agency.objects.get(feed=tiny_feed).extra["official_name"] == "テストバス株式会社"
    late = Trip.objects.get(feed=tiny_feed, trip_id="T_LATE")
    assert late.last_arrival == 25 * 3600 + 600  # past midnight stays past 86400
    assert StopTime.objects.filter(trip=late).order_by("stop_sequence").last().arrival > 86400  # type: ignore[union-attr]
    assert FareRule.objects.filter(feed=tiny_feed).count() == 1
    assert ShapePoint.objects.filter(feed=tiny_feed).count() == 2
    assert Translation.objects.filter(feed=tiny_feed, table_name="").count() == 2


def test_broken_feed_writes_nothing_and_names_file_line_field(city, tiny_feed, tmp_path):
    rows = [*TINY["stop_times.txt"], ["T1", "08:30:00", "08:30:00", "NOWHERE", "4"]]
    broken = write_feed(tmp_path / "broken", {"stop_times.txt": rows}, version="v2")
    before = StopTime.objects.count()
    result = services.feed_import(city=city, source=broken, actor=None)
    assert not result.ok
    problem = next(p for p in result.errors if p.field == "stop_id")
    assert (problem.file, problem.line) == ("stop_times.txt", len(rows))
    assert Feed.objects.filter(city=city).count() == 1
    tiny_feed.refresh_from_db()
    assert tiny_feed.is_active and StopTime.objects.count() == before


def test_missing_file_and_bad_time_are_reported(city, tmp_path):
    folder = write_feed(tmp_path / "bad")
    (folder / "routes.txt").unlink()
    rows = [*TINY["stop_times.txt"][:2], ["T1", "8時", "08:10:00", "S2", "2"]]
    (folder / "stop_times.txt").write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    result = services.feed_import(city=city, source=folder, actor=None)
    files = {(p.file, p.field) for p in result.errors}
    assert ("routes.txt", "") in files
    assert ("stop_times.txt", "arrival_time") in files
    assert not Feed.objects.exists()


def test_new_version_replaces_old_atomically(city, tiny_feed, tmp_path):
    zipped = tmp_path / "v2.zip"
    folder = write_feed(tmp_path / "v2", version="v2")
    with zipfile.ZipFile(zipped, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, f"feed/{p.name}")  # publishers often zip the folder itself
    result = services.feed_import(city=city, source=zipped, actor=None)
    assert result.ok and result.feed is not None
    tiny_feed.refresh_from_db()
    assert not tiny_feed.is_active
    assert not StopTime.objects.filter(feed=tiny_feed).exists()
    assert not Stop.objects.filter(feed=tiny_feed).exists()
    assert StopTime.objects.filter(feed=result.feed).count() == 8
    assert result.feed.version == "v2"


def test_shared_feeds_import(city, shared_data):
    for name, stop_times in (("utsunomiya-lrt", 6383), ("donan-bus-muroran", 20594)):
        result = services.feed_import(city=city, source=shared_data / "gtfs" / name, actor=None)
        assert result.ok, result.errors[:3]
        assert result.feed is not None
        assert StopTime.objects.filter(feed=result.feed).count() == stop_times
    assert Feed.objects.filter(city=city, is_active=True).count() == 2
    lrt = Stop.objects.filter(feed__operator_name__contains="宇都宮", feed__is_active=True)
    assert lrt.exclude(translations={}).exists()


def test_demo_feed_is_deterministic_and_valid(city, tmp_path):
    assert demo_tables() == demo_tables()
    path = write_demo_feed(tmp_path / "demo.zip", as_zip=True)
    result = services.feed_import(city=city, source=path, actor=None, is_demo=True)
    assert result.ok, result.errors[:3]
    assert not [p for p in result.problems if p.severity == "warning"]
    names = set(Stop.objects.filter(feed=result.feed).values_list("name", flat=True))
    assert {"十王駅", "おさかなセンター", "多賀駅前", "日立総合病院", "茨大前"} <= names


def test_feed_upload_requires_operator_or_staff(city, citizen, operator_user, tmp_path):
    folder = write_feed(tmp_path / "up")
    zipped = tmp_path / "up.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    with pytest.raises(PermissionDeniedError):
        services.feed_upload(city=city, actor=citizen, name="up.zip", data=zipped.read_bytes())
    with pytest.raises(DomainError):
        services.feed_upload(city=city, actor=operator_user, name="x.zip", data=b"not a zip")
    result = services.feed_upload(
        city=city, actor=operator_user, name="up.zip", data=zipped.read_bytes()
    )
    assert result.ok


def _snapshot(now: datetime, delay: int = 300) -> gtfs_rt.Snapshot:
    day = timezone.localtime(now).strftime("%Y%m%d")
    return gtfs_rt.Snapshot(
        timestamp=int(now.timestamp()),
        trip_updates=[
            gtfs_rt.TripUpdateData(
                trip_id="T1",
                start_date=day,
                stop_time_updates=[
                    gtfs_rt.StopTimeUpdateData(stop_sequence=1, departure_delay=delay)
                ],
            )
        ],
        vehicles=[gtfs_rt.VehicleData(vehicle_id="BUS1", lat=36.59, lon=140.66, trip_id="T1")],
        alerts=[gtfs_rt.AlertData(alert_id="A1", header={"ja": "遅れています", "en": "Delays"})],
    )


def test_realtime_round_trip_through_protobuf():
    now = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    snap = _snapshot(now)
    again = gtfs_rt.parse_feed(gtfs_rt.build_feed(snap))
    assert again.trip_updates[0].stop_time_updates[0].departure_delay == 300
    assert again.vehicles[0].vehicle_id == "BUS1"
    assert again.alerts[0].header == {"ja": "遅れています", "en": "Delays"}
    with pytest.raises(gtfs_rt.FeedDecodeError):
        gtfs_rt.parse_feed(b"\xff\x00garbage")


def test_delay_propagates_to_later_stops_and_expires(city, tiny_feed):
    now = timezone.localtime().replace(hour=7, minute=55, second=0, microsecond=0)
    services.realtime_apply(city=city, snapshot=_snapshot(now), source="test", now=now)
    stop = Stop.objects.get(feed=tiny_feed, stop_id="S2")
    deps = selectors.departures_at(city, stop, now=now, minutes=30)
    assert deps[0].trip_id == "T1"
    assert deps[0].delay_minutes == 5  # reported at stop 1, holds at stop 2
    assert selectors.vehicles_live(city, now=now).count() == 1
    assert selectors.alerts_live(city, now=now)[0].header == "遅れています"
    later = now + services.REALTIME_TTL + timedelta(seconds=1)
    assert services.realtime_expire(city=city, now=later) >= 2
    assert not VehiclePosition.objects.exists() and not RealtimeTripUpdate.objects.exists()
    assert Alert.objects.exists()  # alerts live longer than positions


def test_station_departures_include_platforms_and_after_midnight(city, tiny_feed):
    station = Stop.objects.get(feed=tiny_feed, stop_id="駅")
    morning = timezone.localtime().replace(hour=7, minute=50, second=0, microsecond=0)
    assert [d.trip_id for d in selectors.departures_at(city, station, now=morning)] == ["T1", "T2"]
    night = (morning + timedelta(days=1)).replace(hour=0, minute=40)
    assert [d.trip_id for d in selectors.departures_at(city, station, now=night)] == ["T_LATE"]


def test_taxi_update_only_by_operators(city, citizen, operator_user):
    with pytest.raises(PermissionDeniedError):
        services.taxi_update(
            city=city, actor=citizen, vehicle_id="X", status="free", lat=36.59, lon=140.66
        )
    with pytest.raises(DomainError):
        services.taxi_update(
            city=city, actor=operator_user, vehicle_id="X", status="parked", lat=36.59, lon=140.66
        )
    services.taxi_update(
        city=city, actor=operator_user, vehicle_id="X", status="free", lat=36.591, lon=140.661
    )
    near = selectors.taxis_near(city, 36.59, 140.66)
    assert near[0].vehicle_id == "X" and near[0].pickup_minutes >= 1
    services.taxi_update(
        city=city, actor=operator_user, vehicle_id="X", status="hired", lat=36.59, lon=140.66
    )
    assert selectors.taxis_near(city, 36.59, 140.66) == []


def test_facility_status_roles_and_validation(city, citizen, clinic, clinic_organisation):
    facility = FacilityFactory(city=city, organisation=clinic_organisation)
    with pytest.raises(PermissionDeniedError):
        services.facility_status_publish(
            city=city, actor=citizen, facility_code=facility.code, waiting_minutes=10
        )
    with pytest.raises(NotFoundError):
        services.facility_status_publish(
            city=city, actor=clinic, facility_code="nope", waiting_minutes=10
        )
    with pytest.raises(DomainError):
        services.facility_status_publish(
            city=city, actor=clinic, facility_code=facility.code, waiting_minutes=None
        )
    services.facility_status_publish(
        city=city, actor=clinic, facility_code=facility.code, waiting_minutes=40
    )
    assert selectors.facilities_at_stop(city, ["S3"])[0].status.waiting_minutes == 40  # type: ignore[union-attr]
    assert FacilityStatus.objects.count() == 1


def test_ridership_import_and_supply_demand(city, staff, tiny_feed):
    day = timezone.localdate() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    csv_text = (
        "date,route_id,stop_id,hour,boardings,alightings\n"
        f"{day},R1,駅_1,8,55,0\n{day},R1,S2,8,10,20\n{day},R1,駅_1,9,1,0\n"
    )
    assert services.ridership_import(city=city, actor=staff, data=csv_text.encode()) == 3
    rows = selectors.supply_demand(city, start=day, end=day, capacity=60)
    by_hour = {r.hour: r for r in rows if r.route_id == "R1"}
    assert by_hour[8].state == "over" and by_hour[9].state == "empty"
    with pytest.raises(DomainError):
        services.ridership_import(city=city, actor=staff, data=b"date,route\n1,2\n")
    assert selectors.ridership_by_year(city) == [(day.year, 66)]
    assert RidershipRecord.objects.count() == 3


def test_tenancy_other_city_sees_nothing(city, other_city, tiny_feed):
    assert selectors.stops_search(other_city, "病院") == []
    assert selectors.stops_search(city, "病院")[0].name == "病院前"
    assert selectors.active_feeds(other_city) == []


def test_import_missing_path_is_a_domain_error(city, tmp_path: Path):
    with pytest.raises(DomainError):
        services.feed_import(city=city, source=tmp_path / "nope", actor=None)


def test_hostile_inputs_are_rejected_or_cleaned(city, tmp_path):
    bad_zip = tmp_path / "broken.zip"
    bad_zip.write_bytes(b"PK\x03\x04 not really a zip")
    assert not services.feed_import(city=city, source=bad_zip, actor=None).ok
    rows = [*TINY["stops.txt"], ["X" * 101, "長すぎ", "36.5", "140.6", "0", ""]]
    long_id = services.feed_import(
        city=city, source=write_feed(tmp_path / "long", {"stops.txt": rows}), actor=None
    )
    assert not long_id.ok and long_id.errors[0].field == "stop_id"
    now = timezone.now()
    snap = gtfs_rt.Snapshot(
        timestamp=2**40,
        trip_updates=[
            gtfs_rt.TripUpdateData(
                trip_id="T\x001",
                delay=2**31 - 1,
                stop_time_updates=[gtfs_rt.StopTimeUpdateData(stop_sequence=2**32 - 1)],
            )
        ],
        alerts=[gtfs_rt.AlertData(alert_id="a", header={"ja": "x\x00y"}, route_ids=["r\x00"])],
    )
    services.realtime_apply(city=city, snapshot=snap, source="test", now=now)
    tu = RealtimeTripUpdate.objects.get()
    assert tu.trip_id == "T1" and tu.delay is None
    assert Alert.objects.get().route_ids == ["r"]


def test_a_clinic_publishes_only_its_own_facilitys_waiting_time(
    city, clinic, clinic_organisation, staff
):
    """A clinic of one organisation cannot set the hospital of another (issue 9 §3)."""
    from tests.core.factories import OrganisationFactory

    hospital_org = OrganisationFactory(city=city, code="hospital", kind="hospital")
    hospital = FacilityFactory(
        city=city, code="hitachi-general-hospital", organisation=hospital_org
    )
    own = FacilityFactory(city=city, code="own-clinic", organisation=clinic_organisation)
    unowned = FacilityFactory(city=city, code="unowned")
    for facility in (hospital, unowned):
        with pytest.raises(PermissionDeniedError):
            services.facility_status_publish(
                city=city, actor=clinic, facility_code=facility.code, waiting_minutes=5
            )
    assert not FacilityStatus.objects.filter(facility=hospital).exists()
    services.facility_status_publish(
        city=city, actor=clinic, facility_code=own.code, waiting_minutes=5
    )
    # City staff publish for any facility of their city (city hall, or on a hospital's behalf).
    services.facility_status_publish(
        city=city, actor=staff, facility_code=hospital.code, waiting_minutes=30
    )
    assert FacilityStatus.objects.get(facility=hospital).waiting_minutes == 30


def test_an_organisation_of_another_city_does_not_count(city, other_city, staff):
    from tests.core.factories import MembershipFactory, OrganisationFactory

    foreign = OrganisationFactory(city=other_city, code="same-name", kind="clinic")
    foreign_clinic = MembershipFactory(city=city, role="clinic", organisation=foreign).user
    facility = FacilityFactory(city=city, organisation=foreign)
    with pytest.raises(PermissionDeniedError):
        services.facility_status_publish(
            city=city, actor=foreign_clinic, facility_code=facility.code, waiting_minutes=5
        )


def test_stop_times_pointing_outside_their_feed_are_refused(city, tiny_feed, tmp_path: Path):
    """StopTime has no database foreign keys (issue 16): the importer's set check stands in."""
    import numpy as np
    from django.db import IntegrityError

    from kyoso.mobility.services.feed_bulk import check_references

    rows = np.array(StopTime.objects.filter(feed=tiny_feed).values_list("trip_id", "stop_id"))
    trips, stops = rows[:, 0], rows[:, 1]
    check_references(tiny_feed, trips, stops)  # a clean import passes
    other = services.feed_import(
        city=city, source=write_feed(tmp_path / "other"), actor=None, operator_name="other"
    ).feed
    assert other is not None
    foreign_trip = Trip.objects.filter(feed=other).values_list("pk", flat=True)[0]
    foreign_stop = Stop.objects.filter(feed=other).values_list("pk", flat=True)[0]
    with pytest.raises(IntegrityError, match=r"1 stop times .* trip outside"):
        check_references(tiny_feed, np.append(trips, foreign_trip), np.append(stops, stops[0]))
    with pytest.raises(IntegrityError, match="stop outside"):
        check_references(tiny_feed, np.append(trips, trips[0]), np.append(stops, foreign_stop))
    with pytest.raises(IntegrityError):
        check_references(tiny_feed, np.append(trips, 10**9), np.append(stops, stops[0]))


def test_ridership_import_accepts_shift_jis_as_the_kpi_import_does(city, staff):
    day = timezone.localdate() - timedelta(days=1)
    csv_text = f"date,route_id,stop_id,hour,boardings,alightings\n{day},R1,駅_1,8,5,0\n"
    assert services.ridership_import(city=city, actor=staff, data=csv_text.encode("cp932")) == 1
    assert RidershipRecord.objects.get().stop_id == "駅_1"
    with pytest.raises(DomainError) as exc:
        services.ridership_import(city=city, actor=staff, data=b"date\x00\xff")
    assert exc.value.field == "file"
