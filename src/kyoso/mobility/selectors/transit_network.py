"""The city's routing network: every active feed of every operator merged for one RAPTOR.

Each stored feed is read once per service day into a ``FeedPart`` (cached by feed pk); the
parts are merged (``algorithms.network.merge``: footpaths across feeds, same-named stations
joined, transfers.txt) and the result cached under the set of active feed pks. Importing a
feed creates a new pk, so the key changes in every process at once: no process plans on a
replaced timetable, and the other operators' parts are reused, not re-read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from kyoso.core.models import City
from kyoso.mobility.algorithms.network import WALK_SPEEDS_MPS, FeedPart, Network, merge
from kyoso.mobility.algorithms.timetable import TripTimes, expand_frequencies
from kyoso.mobility.models import Feed, Frequency, Stop, StopTime, Transfer, Trip
from kyoso.mobility.selectors.stops import service_ids_on

MAX_WALK_M = 400.0
_PARTS = 16
_NETWORKS = 8
_lock = threading.Lock()
# Keyed by (feed pk, imported_at): a pk SQLite reuses after a delete is still a new key.
FeedKey = tuple[int, float]
_parts: OrderedDict[tuple[FeedKey, date], tuple[FeedPart, list[int]]] = OrderedDict()
_networks: OrderedDict[tuple[object, ...], CityNetwork] = OrderedDict()


@dataclass(frozen=True, slots=True)
class CityNetwork:
    """A merged network with the Stop pk of each of its stop indices."""

    network: Network
    pks: list[int]
    feed_ids: list[int]  # in the network's part order
    index_of_pk: dict[int, int] = field(default_factory=dict)

    def feed_id_of(self, stop: int) -> int:
        """Return the pk of the feed a network stop index belongs to."""
        return int(self.network.feed_of(stop))


def forget(feed_ids: Collection[int] | None = None) -> None:
    """Drop cached parts and networks of ``feed_ids`` (all when None); others stay warm."""
    with _lock:
        if feed_ids is None:
            _parts.clear()
            _networks.clear()
            return
        for part_key in [k for k in _parts if k[0][0] in feed_ids]:
            del _parts[part_key]
        for net_key in [k for k, net in _networks.items() if set(net.feed_ids) & set(feed_ids)]:
            del _networks[net_key]


def part_from_db(feed_id: int, day: date) -> tuple[FeedPart, list[int]]:
    """Return one stored feed's part for ``day`` and the Stop pk of each of its stop indices."""
    stops = list(
        Stop.objects.filter(feed_id=feed_id)
        .order_by("pk")
        .values_list(
            "pk",
            "stop_id",
            "name",
            "lat",
            "lon",
            "location_type",
            "wheelchair_boarding",
            "parent_id",
        )
    )
    pks = np.array([s[0] for s in stops], dtype=np.int64)
    index_of_pk = {pk: i for i, pk in enumerate(pks.tolist())}
    index_of_id = {s[1]: i for i, s in enumerate(stops)}
    wheel_of = {s[0]: s[6] for s in stops}
    wheel = np.array(
        [(s[6] if s[6] != 0 or s[7] is None else wheel_of.get(s[7], 0)) != 2 for s in stops],
        dtype=np.uint8,
    )
    services = service_ids_on(feed_id, day)
    trips = {
        pk: (trip_id, route_id, wc)
        for pk, trip_id, route_id, wc in Trip.objects.filter(
            feed_id=feed_id, service_id__in=services
        ).values_list("pk", "trip_id", "route__route_id", "wheelchair_accessible")
    }
    rows = np.array(
        list(
            StopTime.objects.filter(feed_id=feed_id, trip_id__in=list(trips))
            .order_by("trip_id", "stop_sequence")
            .values_list(
                "trip_id",
                "stop_id",
                "stop_sequence",
                "arrival",
                "departure",
                "pickup_type",
                "drop_off_type",
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 7)
    out: list[TripTimes] = []
    if len(rows):
        cuts = np.flatnonzero(np.diff(rows[:, 0])) + 1
        stop_index = np.searchsorted(pks, rows[:, 1]).astype(np.int32)
        for chunk in np.split(np.arange(len(rows)), cuts):
            if len(chunk) < 2:
                continue
            trip_id, route_id, wc = trips[int(rows[chunk[0], 0])]
            arr = rows[chunk, 3].astype(np.int32)
            out.append(
                TripTimes(
                    trip_id=trip_id,
                    route_id=route_id,
                    stops=stop_index[chunk],
                    stop_sequence=rows[chunk, 2],
                    arrival=arr,
                    departure=np.maximum(rows[chunk, 4].astype(np.int32), arr),
                    can_board=(rows[chunk, 5] != 1).astype(np.uint8),
                    can_alight=(rows[chunk, 6] != 1).astype(np.uint8),
                    wheelchair_ok=wc == 1,
                )
            )
    headways: dict[str, list[tuple[int, int, int]]] = {}
    for trip_id, start, end, headway in Frequency.objects.filter(feed_id=feed_id).values_list(
        "trip_id", "start_time", "end_time", "headway_secs"
    ):
        headways.setdefault(trip_id, []).append((start, end, headway))
    out = expand_frequencies(out, headways)
    transfers = [
        (index_of_id[a], index_of_id[b], kind, -1 if seconds is None else seconds)
        for a, b, kind, seconds in Transfer.objects.filter(feed_id=feed_id).values_list(
            "from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"
        )
        if a in index_of_id and b in index_of_id
    ]
    part = FeedPart(
        key=str(feed_id),
        stop_ids=[s[1] for s in stops],
        stop_names=[s[2] for s in stops],
        lat=np.array([np.nan if s[3] is None else s[3] for s in stops], np.float64),
        lon=np.array([np.nan if s[4] is None else s[4] for s in stops], np.float64),
        location_type=np.array([s[5] for s in stops], np.int16),
        parent=np.array([index_of_pk.get(s[7], -1) for s in stops], np.int32),
        wheelchair_ok=wheel,
        trips=out,
        transfers=transfers,
    )
    return part, pks.tolist()


def _part(feed: FeedKey, day: date) -> tuple[FeedPart, list[int]]:
    key = (feed, day)
    with _lock:
        if key in _parts:
            _parts.move_to_end(key)
            return _parts[key]
    built = part_from_db(feed[0], day)
    with _lock:
        _parts[key] = built
        while len(_parts) > _PARTS:
            _parts.popitem(last=False)
    return built


def active_feeds(city: City) -> list[FeedKey]:
    """Return (pk, import time) of the city's active feeds, oldest first (the part order)."""
    return [
        (pk, imported_at.timestamp())
        for pk, imported_at in Feed.objects.filter(city=city, is_active=True)
        .order_by("pk")
        .values_list("pk", "imported_at")
    ]


def city_network(
    city: City,
    day: date,
    *,
    max_walk_m: float = MAX_WALK_M,
    walk_speed_mps: float = WALK_SPEEDS_MPS["standard"],
) -> CityNetwork:
    """Return the cached network of the city's active feeds on ``day``, building it if missing."""
    feeds = active_feeds(city)
    key = (city.pk, tuple(feeds), day, max_walk_m, walk_speed_mps)
    with _lock:
        if key in _networks:
            _networks.move_to_end(key)
            return _networks[key]
    parts = [_part(feed, day) for feed in feeds]
    network = merge(
        [p for p, _ in parts], day, max_walk_m=max_walk_m, walk_speed_mps=walk_speed_mps
    )
    pks = [pk for _, part_pks in parts for pk in part_pks]
    feed_ids = [pk for pk, _ in feeds]
    built = CityNetwork(network, pks, feed_ids, {pk: i for i, pk in enumerate(pks)})
    with _lock:
        _networks[key] = built
        while len(_networks) > _NETWORKS:
            _networks.popitem(last=False)
    return built
