"""Feeds cut and joined for merged-network tests and benchmarks (plain GtfsFeed records).

``split_by_route`` makes several operators out of one real feed (each keeps every stop, so
the same stop exists once per operator, as 日立駅 does in JR's and the bus company's feeds);
``concat_feeds`` joins feeds into one with ids prefixed ``key:``, each running the services of
its own day on one common day: the input of the Connection Scan reference for a merged network.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed, StopTimes, active_service_ids
from kyoso.mobility.algorithms.gtfs_records import CalendarDate


def _rows(st: StopTimes, keep: np.ndarray) -> StopTimes:
    return StopTimes(
        trip_index=st.trip_index[keep],
        stop_index=st.stop_index[keep],
        stop_sequence=st.stop_sequence[keep],
        arrival=st.arrival[keep],
        departure=st.departure[keep],
        pickup_type=st.pickup_type[keep],
        drop_off_type=st.drop_off_type[keep],
        line=st.line[keep],
        stop_headsign=[st.stop_headsign[i] for i in np.flatnonzero(keep)],
    )


def split_by_route(feed: GtfsFeed, parts: int) -> list[GtfsFeed]:
    """Return ``parts`` feeds, route i going to feed i % parts; stops and calendars shared."""
    routes = sorted({t.route_id for t in feed.trips})
    group = {r: i % parts for i, r in enumerate(routes)}
    trip_group = np.array([group[t.route_id] for t in feed.trips], dtype=np.int64)
    out = []
    for g in range(parts):
        keep = trip_group[feed.stop_times.trip_index] == g if len(feed.trips) else np.zeros(0, bool)
        out.append(replace(feed, stop_times=_rows(feed.stop_times, keep)))
    return out


def concat_feeds(feeds: list[tuple[str, GtfsFeed, date]], day: date) -> GtfsFeed:
    """Return one feed of all ``feeds`` (key, feed, its day), every one running on ``day``."""
    stops, trips, dates, transfers = [], [], [], []
    columns: dict[str, list[np.ndarray]] = {}
    headsigns: list[str] = []
    n_stops = n_trips = 0
    for key, feed, own_day in feeds:

        def pre(x: str, key: str = key) -> str:
            return f"{key}:{x}" if x else x

        stops += [
            replace(s, stop_id=pre(s.stop_id), parent_station=pre(s.parent_station))
            for s in feed.stops
        ]
        trips += [
            replace(t, trip_id=pre(t.trip_id), service_id=pre(t.service_id)) for t in feed.trips
        ]
        dates += [CalendarDate(pre(s), day, 1, 0) for s in active_service_ids(feed, own_day)]
        transfers += [
            replace(t, from_stop_id=pre(t.from_stop_id), to_stop_id=pre(t.to_stop_id))
            for t in feed.transfers
        ]
        st = feed.stop_times
        for name in ("trip_index", "stop_index", "stop_sequence", "arrival", "departure",
                     "pickup_type", "drop_off_type", "line"):  # fmt: skip
            value = getattr(st, name)
            shift = n_trips if name == "trip_index" else n_stops if name == "stop_index" else 0
            columns.setdefault(name, []).append(value + shift if shift else value)
        headsigns += st.stop_headsign
        n_stops += len(feed.stops)
        n_trips += len(feed.trips)
    stop_times = StopTimes(
        **{k: np.concatenate(v) for k, v in columns.items()}, stop_headsign=headsigns
    )  # type: ignore[arg-type]
    return GtfsFeed(
        agencies=[a for _, f, _ in feeds for a in f.agencies],
        stops=stops,
        routes=[r for _, f, _ in feeds for r in f.routes],
        trips=trips,
        stop_times=stop_times,
        calendars=[],
        calendar_dates=dates,
        transfers=transfers,
    )


def split_folder_by_route(
    source: Path, dest: Path, parts: int, *, by_agency: bool = False
) -> list[Path]:
    """Write ``parts`` GTFS folders of ``source``: trips of route i go to folder i % parts.

    The same grouping as ``split_by_route`` (or, ``by_agency``, one folder per agency in
    agency.txt order), on the published files: every other file is copied unchanged, so each
    folder is one operator's complete feed, importable as it is.
    """
    trips = _csv(source / "trips.txt")
    if by_agency:
        agencies = [row["agency_id"] for row in _csv(source / "agency.txt")[1]]
        group = {
            row["route_id"]: agencies.index(row["agency_id"])
            for row in _csv(source / "routes.txt")[1]
        }
    else:
        routes = sorted({row["route_id"] for row in trips[1]})
        group = {r: i % parts for i, r in enumerate(routes)}
    trip_group = {row["trip_id"]: group[row["route_id"]] for row in trips[1]}
    stop_times = _csv(source / "stop_times.txt")
    out = []
    for g in range(parts):
        folder = dest / f"part{g}"
        folder.mkdir(parents=True)
        for f in source.glob("*.txt"):
            if f.name not in ("trips.txt", "stop_times.txt"):
                shutil.copyfile(f, folder / f.name)
        _write(
            folder / "trips.txt", trips[0], [r for r in trips[1] if trip_group[r["trip_id"]] == g]
        )
        _write(
            folder / "stop_times.txt",
            stop_times[0],
            [r for r in stop_times[1] if trip_group.get(r["trip_id"]) == g],
        )
        out.append(folder)
    return out


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)
