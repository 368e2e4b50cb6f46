"""frequencies.txt: headway-based trips run at their headways in RAPTOR and the planner."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kyoso.mobility.algorithms.gtfs_feed import read_feed
from kyoso.mobility.algorithms.raptor import Raptor
from kyoso.mobility.algorithms.timetable import build_timetable
from kyoso.mobility.models import Frequency, Stop
from kyoso.mobility.selectors import planner
from kyoso.mobility.services import feed_import
from tests.mobility.test_gtfs_feed import write_feed

DAY = date(2025, 4, 1)
TOKYO = ZoneInfo("Asia/Tokyo")


def _files(frequencies: str | None) -> dict[str, str]:
    files = {
        "agency.txt": "agency_name,agency_url,agency_timezone\nひたちBRT,https://x.jp,Asia/Tokyo\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
        "A,おさかなセンター,36.4995,140.633\nB,大甕駅西口,36.5132,140.6188\n",
        "routes.txt": "route_id,route_short_name,route_type\nBRT,BRT,3\n",
        "trips.txt": "route_id,service_id,trip_id\nBRT,S,F\n",
        # The template trip: its times give the 10 minutes between A and B.
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "F,06:00:00,06:00:00,A,1\nF,06:10:00,06:10:00,B,2\n",
        "calendar_dates.txt": "service_id,date,exception_type\nS,20250401,1\n",
    }
    if frequencies is not None:
        files["frequencies.txt"] = frequencies
    return files


EVERY_15 = "trip_id,start_time,end_time,headway_secs,exact_times\nF,07:00:00,09:00:00,900,1\n"


def test_a_trip_runs_at_its_headway(tmp_path: Path) -> None:
    feed, report = read_feed(write_feed(tmp_path / "f", _files(EVERY_15)))
    assert report.ok, report.errors
    tt = build_timetable(feed, DAY)
    assert len(tt.trip_ids) == 8  # 07:00, 07:15, … 08:45: end_time is not a departure
    router = Raptor(tt)
    a, b = tt.stop_index("A"), tt.stop_index("B")
    assert router.earliest_arrival_time(a, b, 7 * 3600 + 20 * 60) == 7 * 3600 + 40 * 60
    assert router.earliest_arrival_time(a, b, 8 * 3600 + 50 * 60) is None
    # Without frequencies.txt the trip runs once, at its stop_times.
    plain, _ = read_feed(write_feed(tmp_path / "p", _files(None)))
    assert Raptor(build_timetable(plain, DAY)).earliest_arrival_time(a, b, 7 * 3600) is None


def test_bad_frequency_rows_are_reported(tmp_path: Path) -> None:
    bad = (
        "trip_id,start_time,end_time,headway_secs\n"
        "F,09:00:00,07:00:00,0\nF,,08:00:00,600\nG,07:00:00,08:00:00,600\n"
    )
    _, report = read_feed(write_feed(tmp_path / "f", _files(bad)))
    fields = {(p.file, p.line, p.field) for p in report.errors}
    assert ("frequencies.txt", 2, "end_time") in fields
    assert ("frequencies.txt", 2, "headway_secs") in fields
    assert ("frequencies.txt", 3, "start_time") in fields
    assert ("frequencies.txt", 4, "trip_id") in fields


@pytest.mark.django_db
def test_planner_uses_stored_frequencies(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = feed_import(city=city, source=write_feed(tmp_path / "f", _files(EVERY_15)), actor=None)
    assert result.feed is not None, result.errors
    assert Frequency.objects.filter(feed=result.feed, trip_id="F", headway_secs=900).exists()
    journeys = planner.plan(
        city=city,
        origin=Stop.objects.get(feed=result.feed, stop_id="A"),
        destination=Stop.objects.get(feed=result.feed, stop_id="B"),
        depart_at=datetime(2025, 4, 1, 8, 5, tzinfo=TOKYO),
        realtime=False,
    )
    ride = journeys[0].legs[0]
    assert ride.trip_id == "F" and ride.route is not None
    assert ride.depart == datetime(2025, 4, 1, 8, 15, tzinfo=TOKYO)
    assert journeys[0].arrive == datetime(2025, 4, 1, 8, 25, tzinfo=TOKYO)
