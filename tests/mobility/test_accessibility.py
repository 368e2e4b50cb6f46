"""Level of service for the vision: residents near a frequent stop, and the trip to the hospital,
hand-worked on tiny networks, then through the KPI providers and the page of a city."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kyoso.mobility.algorithms import accessibility as acc
from kyoso.mobility.algorithms.raptor import Raptor
from kyoso.mobility.algorithms.timetable import build_timetable, haversine_m
from tests.mobility.test_raptor import DAY, STOPS, network

# A square of about 1.1 km × 0.9 km around stop A (36.00, 140.00).
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[139.995, 35.995], [140.005, 35.995], [140.005, 36.005], [139.995, 36.005],
                     [139.995, 35.995]]],
}  # fmt: skip


def _stops() -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([STOPS[s][0] for s in "ABCDW"], dtype=np.float64)
    lon = np.array([STOPS[s][1] for s in "ABCDW"], dtype=np.float64)
    return lat, lon


def test_district_points_fill_the_outline_and_share_its_population() -> None:
    points = acc.district_points(SQUARE, (36.0, 140.0), population=1000, spacing_m=250)
    assert 12 <= len(points.lat) <= 25
    assert points.weight == pytest.approx(1000 / len(points.lat))
    assert (points.lat > 35.995).all() and (points.lat < 36.005).all()
    assert (points.lon > 139.995).all() and (points.lon < 140.005).all()
    # No outline: the centre stands for everyone.
    alone = acc.district_points({}, (36.3, 140.1), population=500)
    assert list(alone.lat) == [36.3] and alone.weight == 500


def test_departures_are_counted_per_stop_in_the_window(tmp_path: Path) -> None:
    trips = [(f"t{i}", [("A", 420 + 20 * i), ("B", 430 + 20 * i)]) for i in range(30)]
    tt = build_timetable(network(tmp_path, trips), DAY)
    counts = acc.departures_per_stop(tt, 7 * 3600, 9 * 3600)  # 07:00–09:00
    a, b = tt.stop_index("A"), tt.stop_index("B")
    assert counts[a] == 6  # 07:00, 07:20, … 08:40
    # Nobody boards at the last stop of a trip? GTFS allows it; the count follows pickup_type.
    assert counts[b] == 6


def test_only_points_near_a_frequent_stop_are_covered() -> None:
    lat, lon = _stops()
    points = acc.Points(np.array([36.0005, 36.0205]), np.array([140.0, 140.0]), 1.0)
    frequent = np.array([True, False, False, False, False])
    assert acc.covered(points, lat, lon, frequent, 300.0).tolist() == [True, False]
    frequent = np.array([True, False, True, False, False])
    assert acc.covered(points, lat, lon, frequent, 300.0).tolist() == [True, True]
    assert acc.covered(points, lat, lon, frequent, 30.0).tolist() == [False, False]


def test_the_trip_to_the_door_counts_access_ride_and_egress(tmp_path: Path) -> None:
    # One bus A 10:05 → C 10:20; the hospital stands 100 m north of C.
    tt = build_timetable(network(tmp_path, [("t", [("A", 605), ("C", 620)])]), DAY)
    lat, lon = _stops()
    hospital = (36.0209, 140.0)
    c = tt.stop_index("C")
    egress = int(np.ceil(float(haversine_m(*hospital, *STOPS["C"])) * acc.WALK_DETOUR / 1.2))
    home = acc.Points(np.array([36.0]), np.array([140.0]), 1.0)  # standing at stop A
    minutes = acc.travel_times(Raptor(tt), home, lat, lon, {c: egress}, hospital, 600 * 60)
    assert minutes[0] == pytest.approx((20 * 60 + egress) / 60, abs=1 / 60)
    # Leaving after the only bus: no way by bus, and too far to walk.
    late = acc.travel_times(Raptor(tt), home, lat, lon, {c: egress}, hospital, 610 * 60)
    assert np.isinf(late[0])
    # Living next to the hospital: walking the whole way wins.
    near = acc.Points(np.array([36.0212]), np.array([140.0]), 1.0)
    walk = acc.travel_times(Raptor(tt), near, lat, lon, {c: egress}, hospital, 600 * 60)
    assert walk[0] < 2


def test_weighted_share_weights_each_group_of_points() -> None:
    flags = [np.array([True, False]), np.array([True, True, True, True])]
    # First district: 2 points of 100 people; second: 4 points of 10 people.
    assert acc.weighted_share(flags, [100.0, 10.0]) == pytest.approx((100 + 40) / (200 + 40))
    assert acc.weighted_share([], []) == 0.0


def _every_20_minutes() -> dict[str, list[list[str]]]:
    """The tiny feed's line 中央駅 → 市役所前 → 病院前, every 20 minutes from 07:00 to 18:40."""
    trips = [["route_id", "service_id", "trip_id", "trip_headsign", "wheelchair_accessible"]]
    times = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    for i in range(36):
        start = 7 * 60 + 20 * i
        trips.append(["R1", "ALL", f"F{i}", "病院前", "1"])
        for seq, (stop, after) in enumerate((("駅_1", 0), ("S2", 10), ("S3", 20)), start=1):
            hhmm = f"{(start + after) // 60:02d}:{(start + after) % 60:02d}:00"
            times.append([f"F{i}", hhmm, hhmm, stop, str(seq)])
    return {"trips.txt": trips, "stop_times.txt": times}


@pytest.mark.django_db
def test_kpis_follow_the_network_and_move_when_service_changes(city, tmp_path, client):  # type: ignore[no-untyped-def]
    from kyoso.core.models import District
    from kyoso.mobility.models import Facility
    from kyoso.mobility.selectors import accessibility as sel
    from kyoso.mobility.selectors import forget_timetables
    from kyoso.mobility.services import feed_import
    from kyoso.vision.kpi_providers import get_provider
    from tests.mobility.factories import write_feed

    # Three districts of 1,000 people: one around 市役所前, two far from any stop.
    centres = [(36.58, 140.65), (36.75, 140.85), (36.80, 140.90)]
    for d, (lat, lon) in zip(
        District.objects.filter(city=city).order_by("pk"), centres, strict=True
    ):
        d.center_lat, d.center_lon, d.outline = lat, lon, {}
        d.population, d.aged_65_plus_percent = 1000, 30
        d.save()
    Facility.objects.create(
        city=city,
        code="hospital",
        name_ja="日立総合病院",
        kind="hospital",
        lat=36.5702,
        lon=140.6400,
    )
    assert feed_import(city=city, source=write_feed(tmp_path / "v1"), actor=None).feed
    before = sel.accessibility_report(city)
    assert before.destination is not None and len(before.rows) == 3
    # Two buses a day (08:10 and 09:10 at 市役所前): nobody is near a frequent stop, and at 10:00
    # nobody can reach the hospital, so every district counts the cap.
    assert before.near_frequent == 0.0
    assert before.minutes == sel.CAP_MINUTES

    feed_import(city=city, source=write_feed(tmp_path / "v2", _every_20_minutes()), actor=None)
    forget_timetables()
    after = sel.accessibility_report(city)
    assert after.near_frequent == pytest.approx(1 / 3, abs=1e-3)
    assert after.near_frequent_65 == pytest.approx(1 / 3, abs=1e-3)
    first = after.rows[0]
    # 市役所前 at 10:10 (next bus after 10:00), 病院前 10:20, then about 20 m to the door.
    assert first.minutes == pytest.approx(20.5, abs=1.0)
    assert after.minutes == pytest.approx((first.minutes + 2 * sel.CAP_MINUTES) / 3, abs=0.1)
    share = get_provider("mobility.frequent_transit_share")
    minutes = get_provider("mobility.hospital_minutes")
    assert share is not None and minutes is not None
    assert share.fn(city) == [(after.day.year, pytest.approx(33.3, abs=0.1))]
    assert minutes.fn(city) == [(after.day.year, after.minutes)]
    page = client.get(f"/{city.slug}/mobility/accessibility/")
    assert page.status_code == 200
    assert "日立総合病院" in page.content.decode()
