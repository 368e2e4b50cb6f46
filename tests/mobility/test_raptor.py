"""RAPTOR against an independent Connection Scan reference, on real feeds and tiny networks."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed, read_feed
from kyoso.mobility.algorithms.raptor import Raptor, RideLeg, WalkLeg
from kyoso.mobility.algorithms.timetable import (
    Timetable,
    build_timetable,
    haversine_m,
    walking_footpaths,
    with_delays,
)
from tests.mobility.reference_csa import ConnectionScan
from tests.mobility.test_gtfs_feed import DONAN, LRT, need, write_feed

DAY = date(2025, 4, 1)
# Stops 0.01 degrees of latitude apart (about 1.1 km), except W which is 111 m north of B.
STOPS = {
    "A": (36.00, 140.0),
    "B": (36.01, 140.0),
    "C": (36.02, 140.0),
    "D": (36.03, 140.0),
    "W": (36.011, 140.0),
}


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def network(folder: Path, trips: list[tuple[str, list[tuple[str, int]]]], **extra: str) -> GtfsFeed:
    """Write and read a feed; a trip is (trip_id[:wheelchair flag], [(stop, minute), ...])."""
    stops = "stop_id,stop_name,stop_lat,stop_lon,wheelchair_boarding\n" + "".join(
        f"{s},{s},{lat},{lon},{2 if s == 'C' and extra.get('c_blocked') else 0}\n"
        for s, (lat, lon) in STOPS.items()
    )
    trip_rows, times = (
        "route_id,service_id,trip_id,wheelchair_accessible\n",
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n",
    )
    for name, calls in trips:
        trip_id, _, wc = name.partition(":")
        trip_rows += f"R,S,{trip_id},{wc or 0}\n"
        for seq, (stop, minute) in enumerate(calls):
            pick = 1 if extra.get("no_pickup") == f"{trip_id}@{stop}" else 0
            times += f"{trip_id},{hms(minute * 60)},{hms(minute * 60)},{stop},{seq + 1},{pick}\n"
    files = {
        "agency.txt": "agency_name,agency_url,agency_timezone\nX,https://x.jp,Asia/Tokyo\n",
        "stops.txt": stops,
        "routes.txt": "route_id,route_short_name,route_type\nR,1,3\n",
        "trips.txt": trip_rows,
        "stop_times.txt": times,
        "calendar_dates.txt": "service_id,date,exception_type\nS,20250401,1\n",
    }
    if "transfers" in extra:
        files["transfers.txt"] = (
            "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n" + extra["transfers"]
        )
    feed, report = read_feed(write_feed(folder, files))
    assert report.ok, report.errors
    return feed


def planner(feed: GtfsFeed) -> tuple[Timetable, Raptor, ConnectionScan]:
    tt = build_timetable(feed, DAY, max_walk_m=400.0, walk_speed_mps=1.0)
    return tt, Raptor(tt), ConnectionScan(feed, DAY, max_walk_m=400.0, walk_speed_mps=1.0)


def test_haversine_and_footpaths_match_brute_force() -> None:
    assert haversine_m(36.0, 140.0, 36.01, 140.0)[()] == pytest.approx(1111.95, abs=0.1)
    rng = np.random.default_rng(3)
    lat, lon = 36 + rng.random(300) * 0.05, 140 + rng.random(300) * 0.05
    paths = walking_footpaths(lat, lon, 400.0, 1.2)
    d = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    expected = {(int(i), int(j)) for i, j in zip(*np.nonzero(d <= 400.0), strict=True) if i != j}
    assert set(paths) == expected
    assert all(paths[i, j] == int(np.ceil(d[i, j] / 1.2)) for i, j in expected)


def test_reference_on_hand_made_network(tmp_path: Path) -> None:
    feed = network(
        tmp_path,
        [
            ("t1", [("A", 0), ("B", 10)]),
            ("t2", [("W", 12), ("C", 20)]),
            ("t3", [("B", 11), ("D", 40)]),
        ],
    )
    ref = ConnectionScan(feed, DAY, max_walk_m=400.0, walk_speed_mps=1.0)
    index = feed.stop_by_id()
    # Walk B->W takes 112 s (10:00 + 1:52 = 11:52 <= 12:00).
    assert ref.earliest_arrival({index["A"]: 0}, index["C"]) == 20 * 60
    assert ref.earliest_arrival({index["A"]: 0}, index["D"]) == 40 * 60
    assert ref.earliest_arrival({index["A"]: 1}, index["D"]) is None
    assert ref.earliest_arrival({index["W"]: 0}, index["A"]) is None


def test_journey_legs_on_hand_made_network(tmp_path: Path) -> None:
    feed = network(tmp_path, [("t1", [("A", 0), ("B", 10)]), ("t2", [("W", 12), ("C", 20)])])
    tt, raptor, _ = planner(feed)
    a, b, w, c = (tt.stop_index(s) for s in "ABWC")
    j = raptor.earliest_arrival(a, c, 0)
    assert j is not None and j.arrival == 1200 and j.transfers == 1
    assert j.legs == (
        RideLeg("R", "t1", a, 0, b, 600),
        WalkLeg(b, w, 112),
        RideLeg("R", "t2", w, 720, c, 1200),
    )
    walk_only = raptor.earliest_arrival(b, w, 100)
    assert (
        walk_only is not None
        and walk_only.legs == (WalkLeg(b, w, 112),)
        and walk_only.arrival == 212
    )


def test_pareto_set_trades_transfers_for_time(tmp_path: Path) -> None:
    slow = ("direct", [("A", 0), ("B", 30), ("C", 60), ("D", 90)])
    fast = [
        ("f1", [("A", 1), ("B", 5)]),
        ("f2", [("B", 6), ("C", 10)]),
        ("f3", [("C", 11), ("D", 15)]),
    ]
    medium = ("m", [("B", 5), ("D", 50)])
    tt, raptor, _ = planner(network(tmp_path, [slow, *fast, medium]))
    a, d = tt.stop_index("A"), tt.stop_index("D")
    front = raptor.pareto(a, d, 0)
    assert [(j.transfers, j.arrival // 60) for j in front] == [(0, 90), (1, 50), (2, 15)]
    assert raptor.earliest_arrival(a, d, 0).legs[-1].trip_id == "f3"  # type: ignore[union-attr]
    assert [(j.transfers, j.arrival // 60) for j in raptor.pareto(a, d, 2 * 60)] == []


def test_range_query_returns_every_pareto_departure(tmp_path: Path) -> None:
    trips = [(f"d{h}", [("A", h * 10), ("D", h * 10 + 30)]) for h in range(6)]
    trips += [("x1", [("A", 12), ("B", 14)]), ("x2", [("B", 15), ("D", 20)])]
    tt, raptor, ref = planner(network(tmp_path, trips))
    a, d = tt.stop_index("A"), tt.stop_index("D")
    found = raptor.range_query(a, d, 5 * 60, 40 * 60)
    assert [(j.departure // 60, j.arrival // 60, j.transfers) for j in found] == [
        (12, 20, 1),
        (20, 50, 0),
        (30, 60, 0),
        (40, 70, 0),
    ]
    for j in found:
        assert ref.earliest_arrival({a: j.departure}, d) == j.arrival


def test_delays_shift_downstream_and_keep_fifo(tmp_path: Path) -> None:
    trips = [
        ("early", [("A", 0), ("B", 10), ("C", 20)]),
        ("late", [("A", 5), ("B", 15), ("C", 25)]),
    ]
    tt, raptor, _ = planner(network(tmp_path, trips))
    a, b, c = (tt.stop_index(s) for s in "ABC")
    assert raptor.earliest_arrival_time(a, c, 0) == 1200
    delayed = with_delays(tt, {"early": {2: 600}})  # ten minutes late from B on
    assert Raptor(delayed).earliest_arrival_time(a, b, 0) == 900  # now by the later trip
    j = Raptor(delayed).earliest_arrival(a, c, 0)
    assert j is not None and j.arrival == 25 * 60 and j.legs[0].trip_id == "late"  # type: ignore[union-attr]
    # The late trip overtakes the delayed one, so they no longer share a FIFO route.
    assert len(delayed.route_trip_ptr) - 1 == 2 and len(tt.route_trip_ptr) - 1 == 1
    recovered = with_delays(tt, {"early": {1: 120, 3: 0}})
    assert Raptor(recovered).earliest_arrival_time(a, c, 0) == 1200


def test_wheelchair_filter_and_pickup_rules(tmp_path: Path) -> None:
    trips = [
        ("step", [("A", 0), ("C", 10), ("D", 20)]),
        ("low:1", [("A", 5), ("C", 15), ("D", 30)]),
    ]
    tt, raptor, ref = planner(network(tmp_path / "1", trips))
    a, c, d = (tt.stop_index(s) for s in "ACD")
    assert raptor.earliest_arrival_time(a, d, 0) == 1200
    assert raptor.earliest_arrival_time(a, d, 0, wheelchair=True) == 1800
    assert ref.earliest_arrival({a: 0}, d, wheelchair=True) == 1800
    _tt2, raptor2, ref2 = planner(network(tmp_path / "2", trips, c_blocked="1"))
    assert (
        raptor2.earliest_arrival_time(a, c, 0, wheelchair=True) is None
    )  # C has wheelchair_boarding=2
    assert raptor2.earliest_arrival_time(a, d, 0, wheelchair=True) == 1800
    assert ref2.earliest_arrival({a: 0}, c, wheelchair=True) is None
    _tt3, raptor3, _ = planner(network(tmp_path / "3", trips, no_pickup="step@A"))
    assert raptor3.earliest_arrival_time(a, d, 0) == 1800


calls = st.lists(
    st.tuples(st.sampled_from(list(STOPS)), st.integers(0, 15)), min_size=2, max_size=5
)


@settings(max_examples=40, deadline=None)
@given(
    raw=st.lists(st.tuples(calls, st.integers(0, 120)), min_size=1, max_size=8),
    queries=st.lists(
        st.tuples(st.sampled_from(list(STOPS)), st.sampled_from(list(STOPS)), st.integers(0, 150)),
        min_size=1,
        max_size=6,
    ),
)
def test_raptor_matches_reference_on_random_tiny_networks(
    raw: list[tuple[list[tuple[str, int]], int]], queries: list[tuple[str, str, int]]
) -> None:
    trips = []
    for n, (hops, start) in enumerate(raw):
        minute, cs = start, []
        for stop, gap in hops:
            minute += gap
            cs.append((stop, minute))
        trips.append((f"t{n}:{n % 2}", cs))
    with tempfile.TemporaryDirectory() as tmp:
        tt, raptor, ref = planner(network(Path(tmp), trips))
    for o, d, minute in queries:
        oi, di = tt.stop_index(o), tt.stop_index(d)
        for wheelchair in (False, True):
            expected = ref.earliest_arrival({oi: minute * 60}, di, wheelchair=wheelchair)
            assert (
                raptor.earliest_arrival_time(oi, di, minute * 60, wheelchair=wheelchair) == expected
            )
            journey = raptor.earliest_arrival(oi, di, minute * 60, wheelchair=wheelchair)
            assert (journey.arrival if journey else None) == expected


def check_legs(
    tt: Timetable,
    journey_origin: int,
    departure: int,
    legs: tuple[RideLeg | WalkLeg, ...],
    arrival: int,
) -> None:
    t, at = departure, journey_origin
    for leg in legs:
        if isinstance(leg, WalkLeg):
            assert leg.from_stop == at and (leg.to_stop, leg.duration) in tt.footpaths_from(at)
            t, at = t + leg.duration, leg.to_stop
        else:
            assert (
                leg.board_stop == at and leg.board_time >= t and leg.alight_time >= leg.board_time
            )
            t, at = leg.alight_time, leg.alight_stop
    assert t == arrival


@pytest.mark.parametrize(("path", "day"), [(DONAN, date(2020, 6, 1)), (LRT, date(2024, 6, 3))])
def test_thousand_random_queries_match_reference(path: Path, day: date) -> None:
    feed, _ = read_feed(need(path))
    tt = build_timetable(feed, day)
    raptor, ref = Raptor(tt), ConnectionScan(feed, day)
    rng = np.random.default_rng(2026)
    served = np.unique(tt.route_stops)
    reachable = 0
    for q in range(1000):
        o, d = (int(x) for x in rng.choice(served, 2))
        t0 = int(rng.integers(5 * 3600, 23 * 3600))
        expected = ref.earliest_arrival({o: t0}, d)
        assert raptor.earliest_arrival_time(o, d, t0) == expected, (o, d, t0)
        if q % 10 == 0:
            journey = raptor.earliest_arrival(o, d, t0)
            assert (journey.arrival if journey else None) == expected
            if journey is not None:
                check_legs(tt, o, t0, journey.legs, journey.arrival)
            origins = {o: 0, int(rng.choice(served)): int(rng.integers(0, 600))}
            assert raptor.earliest_arrival_time(origins, d, t0) == ref.earliest_arrival(
                {s: t0 + w for s, w in origins.items()}, d
            )
        reachable += expected is not None
    assert reachable > 500


def test_transfers_txt_adds_and_removes_footpaths(tmp_path: Path) -> None:
    trips = [
        ("t1", [("A", 0), ("B", 10)]),
        ("t2", [("W", 12), ("C", 20)]),
        ("t3", [("D", 12), ("C", 15)]),
    ]
    rules = "B,W,3,\nB,D,2,90\n"
    tt, raptor, ref = planner(network(tmp_path, trips, transfers=rules))
    a, b, c, d, w = (tt.stop_index(s) for s in "ABCDW")
    assert (w, 112) not in tt.footpaths_from(b) and (d, 90) in tt.footpaths_from(b)
    assert (b, 112) in tt.footpaths_from(w)  # only the listed direction is removed
    assert raptor.earliest_arrival_time(a, c, 0) == ref.earliest_arrival({a: 0}, c) == 15 * 60


def test_bad_query_is_rejected_before_the_kernel(tmp_path: Path) -> None:
    _tt, raptor, _ = planner(network(tmp_path, [("t1", [("A", 0), ("B", 10)])]))
    with pytest.raises(ValueError, match="stop index 99"):
        raptor.earliest_arrival(99, 0, 0)
    with pytest.raises(ValueError, match="time"):
        raptor.earliest_arrival_time({0: -5}, 1, 0)
