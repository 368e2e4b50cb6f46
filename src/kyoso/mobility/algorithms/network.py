"""Many feeds, one network: the timetables of several operators merged for one RAPTOR.

Each feed is a ``FeedPart`` with its own stop indices; the merged timetable lays the parts
side by side (stop ``i`` of part ``p`` becomes ``offsets[p] + i``) and adds what joins them:

* footpaths between any two stops within ``max_walk_m`` (the same KD-tree search a single
  feed uses, so every path inside a feed is kept and paths across feeds are added), timed at
  a walking speed chosen per rider (``WALK_SPEEDS_MPS``: slower for elderly and wheelchair users);
* stations of different feeds that are the same place (same name once 「駅」 and spaces are
  dropped, within ``station_merge_m``) are merged: their platforms are linked by footpaths even
  beyond the walking radius, so 日立駅 of the railway and 日立駅 of the bus company connect;
* each feed's ``transfers.txt``: type 2 sets the time of a path, type 3 removes it, and a
  station in a transfer row stands for all its platforms.

Paths are only ever added across feeds, never removed, so a journey inside one feed is still
possible in the merged network (RAPTOR then finds it or a better one; tests check it).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed, active_service_ids
from kyoso.mobility.algorithms.timetable import (
    Timetable,
    TripTimes,
    _trip_times,
    assemble,
    haversine_m,
    walking_footpaths,
)

# Metres per second. 1.2 m/s is the planner's long-standing default; 0.9 m/s is a usual
# figure for people over 75 and 0.8 m/s for manual wheelchair users on pavements.
WALK_SPEEDS_MPS: dict[str, float] = {"standard": 1.2, "elderly": 0.9, "wheelchair": 0.8}
STATION_MERGE_M = 600.0


@dataclass(frozen=True, slots=True)
class FeedPart:
    """One operator's feed for one service day, in its own stop indices."""

    key: str
    stop_ids: list[str]
    stop_names: list[str]
    lat: npt.NDArray[np.float64]  # NaN where no coordinates
    lon: npt.NDArray[np.float64]
    location_type: npt.NDArray[np.int16]
    parent: npt.NDArray[np.int32]  # index of the parent station, -1 for none
    wheelchair_ok: npt.NDArray[np.uint8]
    trips: list[TripTimes]
    # (from index, to index, transfer_type, min_transfer_time or -1)
    transfers: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Network:
    """The merged timetable and where each feed's stops sit in it."""

    timetable: Timetable
    keys: list[str]
    offsets: list[int]  # len(keys) + 1

    def index(self, key: str, local: int) -> int:
        """Return the merged index of stop ``local`` of the feed ``key``."""
        return self.offsets[self.keys.index(key)] + local

    def stop_index(self, key: str, stop_id: str) -> int:
        """Return the merged index of ``stop_id`` of the feed ``key`` (ValueError if absent)."""
        p = self.keys.index(key)
        lo, hi = self.offsets[p], self.offsets[p + 1]
        return lo + self.timetable.stop_ids[lo:hi].index(stop_id)

    def feed_of(self, stop: int) -> str:
        """Return the key of the feed a merged stop index belongs to."""
        return self.keys[int(np.searchsorted(self.offsets, stop, side="right")) - 1]

    def local(self, stop: int) -> tuple[str, int]:
        """Return (feed key, index inside that feed) of a merged stop index."""
        p = int(np.searchsorted(self.offsets, stop, side="right")) - 1
        return self.keys[p], stop - self.offsets[p]


def part_from_feed(feed: GtfsFeed, service_date: date, key: str) -> FeedPart:
    """Return the part of a parsed feed running on ``service_date``."""
    index = feed.stop_by_id()
    by_id = {s.stop_id: s for s in feed.stops}
    wheel = []
    for s in feed.stops:
        value = s.wheelchair_boarding
        parent = by_id.get(s.parent_station)
        if value == 0 and parent is not None:
            value = parent.wheelchair_boarding
        wheel.append(value != 2)
    transfers = [
        (index[t.from_stop_id], index[t.to_stop_id], t.transfer_type, t.min_transfer_time or -1)
        for t in feed.transfers
        if t.from_stop_id in index and t.to_stop_id in index
    ]
    return FeedPart(
        key=key,
        stop_ids=[s.stop_id for s in feed.stops],
        stop_names=[s.name for s in feed.stops],
        lat=np.array([np.nan if s.lat is None else s.lat for s in feed.stops], np.float64),
        lon=np.array([np.nan if s.lon is None else s.lon for s in feed.stops], np.float64),
        location_type=np.array([s.location_type for s in feed.stops], np.int16),
        parent=np.array([index.get(s.parent_station or "", -1) for s in feed.stops], np.int32),
        wheelchair_ok=np.array(wheel, np.uint8),
        trips=_trip_times(feed, active_service_ids(feed, service_date)),
        transfers=transfers,
    )


def station_key(name: str) -> str:
    """Return the name two feeds' stations must share to be merged (NFKC, no 駅, no spaces)."""
    text = unicodedata.normalize("NFKC", name).replace(" ", "").replace("　", "")
    return text.removesuffix("駅").removesuffix("station").removesuffix("Station").strip()


def merge(
    parts: Sequence[FeedPart],
    service_date: date | None,
    *,
    max_walk_m: float = 400.0,
    walk_speed_mps: float = WALK_SPEEDS_MPS["standard"],
    station_merge_m: float = STATION_MERGE_M,
    use_transfers_txt: bool = True,
) -> Network:
    """Return one network of all ``parts`` with footpaths within and across feeds."""
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part.stop_ids))
    if parts:
        lat = np.concatenate([p.lat for p in parts])
        lon = np.concatenate([p.lon for p in parts])
        ltype = np.concatenate([p.location_type for p in parts])
    else:
        lat = lon = np.zeros(0, np.float64)
        ltype = np.zeros(0, np.int16)
    walk_lat = np.where(np.isin(ltype, (0, 4)), lat, np.nan)
    paths = walking_footpaths(walk_lat, lon, max_walk_m, walk_speed_mps)
    for p, part in enumerate(parts):
        if use_transfers_txt:
            _apply_transfers(paths, part, offsets[p])
    _merge_stations(paths, parts, offsets, lat, lon, walk_speed_mps, station_merge_m)
    trips = [_shift(t, offsets[p]) for p, part in enumerate(parts) for t in part.trips]
    tt = assemble(
        service_date,
        [s for p in parts for s in p.stop_ids],
        [s for p in parts for s in p.stop_names],
        np.concatenate([p.wheelchair_ok for p in parts]) if parts else np.zeros(0, np.uint8),
        trips,
        paths,
    )
    return Network(tt, [p.key for p in parts], offsets)


def _shift(trip: TripTimes, offset: int) -> TripTimes:
    if offset == 0:
        return trip
    return TripTimes(
        trip.trip_id,
        trip.route_id,
        (trip.stops + offset).astype(np.int32),
        trip.stop_sequence,
        trip.arrival,
        trip.departure,
        trip.can_board,
        trip.can_alight,
        trip.wheelchair_ok,
    )


def _platforms(part: FeedPart, stop: int) -> list[int]:
    if part.location_type[stop] == 1:
        children = np.flatnonzero(part.parent == stop).tolist()
        return [int(c) for c in children] or [stop]
    return [stop]


def _apply_transfers(paths: dict[tuple[int, int], int], part: FeedPart, offset: int) -> None:
    for a0, b0, kind, seconds in part.transfers:
        for a in _platforms(part, a0):
            for b in _platforms(part, b0):
                if a == b:
                    continue
                key = (a + offset, b + offset)
                if kind == 3:
                    paths.pop(key, None)
                elif kind == 2 and seconds >= 0:
                    paths[key] = seconds


def _merge_stations(
    paths: dict[tuple[int, int], int],
    parts: Sequence[FeedPart],
    offsets: list[int],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    speed: float,
    radius_m: float,
) -> None:
    """Link the platforms of same-named stations of different feeds (never removes a path)."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for p, part in enumerate(parts):
        for s in np.flatnonzero(part.location_type == 1).tolist():
            key = station_key(part.stop_names[s])
            if key:
                groups.setdefault(key, []).append((p, int(s)))
    for members in groups.values():
        if len({p for p, _ in members}) < 2:
            continue
        for i, (pa, sa) in enumerate(members):
            for pb, sb in members[i + 1 :]:
                if pa == pb:
                    continue
                ga, gb = offsets[pa] + sa, offsets[pb] + sb
                if not (np.isfinite(lat[ga]) and np.isfinite(lat[gb])):
                    continue
                if float(haversine_m(lat[ga], lon[ga], lat[gb], lon[gb])) > radius_m:
                    continue
                for a in _platforms(parts[pa], sa):
                    for b in _platforms(parts[pb], sb):
                        _link(paths, offsets[pa] + a, offsets[pb] + b, lat, lon, speed, ga, gb)


def _link(
    paths: dict[tuple[int, int], int],
    a: int,
    b: int,
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    speed: float,
    station_a: int,
    station_b: int,
) -> None:
    # A platform without coordinates is placed at its station.
    la, oa = (lat[a], lon[a]) if np.isfinite(lat[a]) else (lat[station_a], lon[station_a])
    lb, ob = (lat[b], lon[b]) if np.isfinite(lat[b]) else (lat[station_b], lon[station_b])
    seconds = max(60, math.ceil(float(haversine_m(la, oa, lb, ob)) / speed))
    for key in ((a, b), (b, a)):
        paths[key] = min(paths.get(key, seconds), seconds)
