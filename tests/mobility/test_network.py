"""Many feeds, one network: footpaths across feeds, station merge, transfers, property tests."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed, read_feed
from kyoso.mobility.algorithms.network import (
    WALK_SPEEDS_MPS,
    FeedPart,
    merge,
    part_from_feed,
    station_key,
)
from kyoso.mobility.algorithms.raptor import Raptor, RideLeg, WalkLeg
from kyoso.mobility.algorithms.timetable import haversine_m
from kyoso.mobility.demo_feed import write_demo_feed
from tests.mobility.feed_surgery import concat_feeds, split_by_route
from tests.mobility.reference_csa import ConnectionScan
from tests.mobility.test_gtfs_feed import DONAN, LRT, need, write_feed

DAY = date(2025, 4, 1)


def hms(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


def feed_of(
    folder: Path,
    stops: dict[str, tuple[str, float, float, int, str]],
    trips: list[tuple[str, list[tuple[str, int]]]],
    transfers: str = "",
) -> GtfsFeed:
    """Write and read a feed; stops are id: (name, lat, lon, location_type, parent)."""
    files = {
        "agency.txt": "agency_name,agency_url,agency_timezone\nX,https://x.jp,Asia/Tokyo\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
        + "".join(f"{k},{n},{la},{lo},{t},{p}\n" for k, (n, la, lo, t, p) in stops.items()),
        "routes.txt": "route_id,route_short_name,route_type\nR,1,3\n",
        "trips.txt": "route_id,service_id,trip_id\n" + "".join(f"R,S,{t},\n" for t, _ in trips),
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + "".join(
            f"{t},{hms(m)},{hms(m)},{s},{i + 1}\n"
            for t, calls in trips
            for i, (s, m) in enumerate(calls)
        ),
        "calendar_dates.txt": "service_id,date,exception_type\nS,20250401,1\n",
    }
    if transfers:
        files["transfers.txt"] = (
            "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n" + transfers
        )
    feed, report = read_feed(write_feed(folder, files))
    assert report.ok, report.errors
    return feed


# A bus (feed "bus") ends at 日立駅前, 111 m from the railway's platform (feed "jr").
BUS_STOPS = {
    "H": ("市役所", 36.58, 140.65, 0, ""),
    "E": ("日立駅前", 36.591, 140.662, 0, ""),
    "ST": ("日立駅", 36.5912, 140.6622, 1, ""),
    "EB": ("日立駅 バスのりば", 36.5905, 140.6625, 0, "ST"),
}
JR_STOPS = {
    "JST": ("日立駅", 36.5940, 140.6620, 1, ""),
    "P1": ("日立駅 1番線", 36.5920, 140.6620, 0, "JST"),
    "P2": ("日立駅 2番線", 36.5960, 140.6620, 0, "JST"),  # 500 m from the bus stop
    "T": ("常陸多賀駅", 36.55, 140.63, 0, ""),
}


def two_operators(tmp: Path, transfers: str = "") -> tuple[GtfsFeed, GtfsFeed]:
    bus = feed_of(
        tmp / "bus",
        BUS_STOPS,
        [("b1", [("H", 600), ("E", 610)]), ("b2", [("H", 600), ("EB", 612)])],
        transfers,
    )
    jr = feed_of(
        tmp / "jr", JR_STOPS, [("j1", [("P1", 615), ("T", 625)]), ("j2", [("P2", 622), ("T", 628)])]
    )
    return bus, jr


def test_journey_changes_operator_over_a_footpath(tmp_path: Path) -> None:
    bus, jr = two_operators(tmp_path)
    net = merge([part_from_feed(bus, DAY, "bus"), part_from_feed(jr, DAY, "jr")], DAY)
    h, t = net.stop_index("bus", "H"), net.stop_index("jr", "T")
    e, p1 = net.stop_index("bus", "E"), net.stop_index("jr", "P1")
    walk = int(np.ceil(float(haversine_m(36.591, 140.662, 36.592, 140.662)) / 1.2))
    assert (p1, walk) in net.timetable.footpaths_from(e)
    journey = Raptor(net.timetable).earliest_arrival(h, t, 590 * 60)
    assert journey is not None and journey.arrival == 625 * 60
    kinds = [type(leg) for leg in journey.legs]
    assert kinds == [RideLeg, WalkLeg, RideLeg]
    assert net.feed_of(journey.legs[0].board_stop) == "bus"  # type: ignore[union-attr]
    assert net.feed_of(journey.legs[2].board_stop) == "jr"  # type: ignore[union-attr]
    # Each operator alone cannot make the journey.
    alone = merge([part_from_feed(jr, DAY, "jr")], DAY)
    assert (
        Raptor(alone.timetable).earliest_arrival_time(
            alone.stop_index("jr", "P1"), alone.stop_index("jr", "T"), 590 * 60
        )
        == 625 * 60
    )


def test_slower_walking_misses_a_tight_change(tmp_path: Path) -> None:
    bus, jr = two_operators(tmp_path)
    parts = [part_from_feed(bus, DAY, "bus"), part_from_feed(jr, DAY, "jr")]
    fast = merge(parts, DAY, walk_speed_mps=WALK_SPEEDS_MPS["standard"])
    slow = merge(parts, DAY, walk_speed_mps=0.2)  # 111 m take over 9 minutes
    h, t = fast.stop_index("bus", "H"), fast.stop_index("jr", "T")
    assert Raptor(fast.timetable).earliest_arrival_time(h, t, 590 * 60) == 625 * 60
    assert Raptor(slow.timetable).earliest_arrival_time(h, t, 590 * 60) == 628 * 60 or (
        Raptor(slow.timetable).earliest_arrival_time(h, t, 590 * 60) is None
    )
    assert WALK_SPEEDS_MPS["wheelchair"] < WALK_SPEEDS_MPS["elderly"] < WALK_SPEEDS_MPS["standard"]


def test_same_named_stations_are_merged_beyond_walking_distance(tmp_path: Path) -> None:
    bus, jr = two_operators(tmp_path)
    net = merge([part_from_feed(bus, DAY, "bus"), part_from_feed(jr, DAY, "jr")], DAY)
    eb, p2 = net.stop_index("bus", "EB"), net.stop_index("jr", "P2")
    assert float(haversine_m(36.5905, 140.6625, 36.5960, 140.6620)) > 400
    assert p2 in dict(net.timetable.footpaths_from(eb))
    assert eb in dict(net.timetable.footpaths_from(p2))
    unmerged = merge(
        [part_from_feed(bus, DAY, "bus"), part_from_feed(jr, DAY, "jr")], DAY, station_merge_m=0
    )
    assert p2 not in dict(unmerged.timetable.footpaths_from(eb))
    assert station_key("日立駅") == station_key("日立 駅") == "日立"


def test_transfers_txt_of_each_feed_is_respected(tmp_path: Path) -> None:
    # Type 3 from the station removes every platform's path inside the feed; other feeds keep theirs.
    bus, jr = two_operators(tmp_path, transfers="E,EB,3,\nH,E,2,30\n")
    net = merge([part_from_feed(bus, DAY, "bus"), part_from_feed(jr, DAY, "jr")], DAY)
    e, eb, h = (net.stop_index("bus", s) for s in ("E", "EB", "H"))
    assert eb not in dict(net.timetable.footpaths_from(e))
    assert dict(net.timetable.footpaths_from(h))[e] == 30
    assert net.stop_index("jr", "P1") in dict(net.timetable.footpaths_from(e))


def test_local_and_feed_of_round_trip(tmp_path: Path) -> None:
    bus, jr = two_operators(tmp_path)
    net = merge([part_from_feed(bus, DAY, "bus"), part_from_feed(jr, DAY, "jr")], DAY)
    for i in range(net.timetable.n_stops):
        key, local = net.local(i)
        assert net.index(key, local) == i and net.feed_of(i) == key


STOP_NAMES = ["A", "B", "C", "D"]
calls = st.lists(st.tuples(st.sampled_from(STOP_NAMES), st.integers(1, 15)), min_size=2, max_size=4)
trips_strategy = st.lists(st.tuples(calls, st.integers(0, 100)), min_size=1, max_size=5)


@settings(max_examples=30, deadline=None)
@given(
    raw_a=trips_strategy,
    raw_b=trips_strategy,
    queries=st.lists(
        st.tuples(st.sampled_from(STOP_NAMES), st.sampled_from(STOP_NAMES), st.integers(0, 120)),
        min_size=1,
        max_size=6,
    ),
)
def test_every_journey_of_one_feed_is_found_or_beaten_in_the_merged_network(
    raw_a: list[tuple[list[tuple[str, int]], int]],
    raw_b: list[tuple[list[tuple[str, int]], int]],
    queries: list[tuple[str, str, int]],
) -> None:
    # Two operators on nearby streets: feed b's stops sit 50-200 m from feed a's.
    def stops(shift: float) -> dict[str, tuple[str, float, float, int, str]]:
        return {
            s: (f"{s}{shift}", 36.0 + i * 0.01 + shift, 140.0, 0, "")
            for i, s in enumerate(STOP_NAMES)
        }

    def trips(
        raw: list[tuple[list[tuple[str, int]], int]], tag: str
    ) -> list[tuple[str, list[tuple[str, int]]]]:
        out = []
        for n, (hops, start) in enumerate(raw):
            minute, cs = start, []
            for stop, gap in hops:
                minute += gap
                cs.append((stop, minute))
            out.append((f"{tag}{n}", cs))
        return out

    with tempfile.TemporaryDirectory() as tmp:
        a = feed_of(Path(tmp) / "a", stops(0.0), trips(raw_a, "a"))
        b = feed_of(Path(tmp) / "b", stops(0.0012), trips(raw_b, "b"))
    parts = [part_from_feed(a, DAY, "a"), part_from_feed(b, DAY, "b")]
    merged = merge(parts, DAY)
    router = Raptor(merged.timetable)
    reference = ConnectionScan(concat_feeds([("a", a, DAY), ("b", b, DAY)], DAY), DAY)
    for part in parts:
        alone = merge([part], DAY)
        solo = Raptor(alone.timetable)
        for o, d, minute in queries:
            lo, ld = part.stop_ids.index(o), part.stop_ids.index(d)
            single = solo.earliest_arrival_time(lo, ld, minute * 60)
            both = router.earliest_arrival_time(
                merged.index(part.key, lo), merged.index(part.key, ld), minute * 60
            )
            if single is not None:
                assert both is not None and both <= single
            assert both == reference.earliest_arrival(
                {merged.index(part.key, lo): minute * 60}, merged.index(part.key, ld)
            )


def station_pairs(
    feed: GtfsFeed, key_of: list[int], radius: float = 600.0
) -> dict[tuple[int, int], int]:
    """Brute-force the paths the merge adds between same-named stations of different feeds."""
    out: dict[tuple[int, int], int] = {}
    stations = [i for i, s in enumerate(feed.stops) if s.location_type == 1]
    children: dict[int, list[int]] = {}
    index = {s.stop_id: i for i, s in enumerate(feed.stops)}
    for i, s in enumerate(feed.stops):
        if s.parent_station:
            children.setdefault(index[s.parent_station], []).append(i)
    for x in stations:
        for y in stations:
            sx, sy = feed.stops[x], feed.stops[y]
            if key_of[x] == key_of[y] or station_key(sx.name) != station_key(sy.name):
                continue
            if float(haversine_m(sx.lat, sx.lon, sy.lat, sy.lon)) > radius:
                continue
            for a in children.get(x, [x]):
                for b in children.get(y, [y]):
                    sa, sb = feed.stops[a], feed.stops[b]
                    la, oa = (sa.lat, sa.lon) if sa.lat is not None else (sx.lat, sx.lon)
                    lb, ob = (sb.lat, sb.lon) if sb.lat is not None else (sy.lat, sy.lon)
                    out[(a, b)] = max(60, int(np.ceil(float(haversine_m(la, oa, lb, ob)) / 1.2)))
    return out


def test_merged_real_feeds_match_the_reference(tmp_path: Path) -> None:
    """Donan Bus cut into two operators, plus the LRT and the demo feed: 300 random queries."""
    donan, _ = read_feed(need(DONAN))
    lrt, _ = read_feed(need(LRT))
    demo, _ = read_feed(write_demo_feed(tmp_path / "demo"))
    first, second = split_by_route(donan, 2)
    feeds = [
        ("d1", first, date(2020, 6, 1)),
        ("d2", second, date(2020, 6, 1)),
        ("lrt", lrt, date(2024, 6, 3)),
        ("demo", demo, date(2026, 12, 3)),
    ]
    net = merge([part_from_feed(f, day, k) for k, f, day in feeds], date(2026, 12, 3))
    joined = concat_feeds(feeds, date(2026, 12, 3))
    key_of = [p for p in range(len(feeds)) for _ in range(net.offsets[p + 1] - net.offsets[p])]
    reference = ConnectionScan(joined, date(2026, 12, 3), extra_paths=station_pairs(joined, key_of))
    router = Raptor(net.timetable)
    rng = np.random.default_rng(15)
    served = np.unique(net.timetable.route_stops)
    across = 0
    for _ in range(300):
        o, d = (int(x) for x in rng.choice(served, 2))
        t0 = int(rng.integers(6 * 3600, 21 * 3600))
        expected = reference.earliest_arrival({o: t0}, d)
        assert router.earliest_arrival_time(o, d, t0) == expected, (o, d, t0)
    # Journeys do change operator between the two halves of Donan Bus.
    for _ in range(300):
        o, d = (int(x) for x in rng.choice(served[served < net.offsets[2]], 2))
        j = router.earliest_arrival(o, d, int(rng.integers(7 * 3600, 18 * 3600)))
        if j is not None:
            across += (
                len({net.feed_of(leg.board_stop) for leg in j.legs if isinstance(leg, RideLeg)}) > 1
            )
    assert across > 0


def test_empty_network() -> None:
    net = merge([], None)
    assert net.timetable.n_stops == 0 and net.keys == []
    assert isinstance(FeedPart, type)
