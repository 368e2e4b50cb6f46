"""Fares of planned journeys, from each feed's stored fare tables (``algorithms.fares``)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kyoso.mobility.algorithms.fares import FareRide, FeedFares, Price, feed_fares, price_journey
from kyoso.mobility.models import FareAttribute, FareRule, FareTable, Feed, Route

if TYPE_CHECKING:
    from kyoso.mobility.selectors.planner import LegView

_lock = threading.Lock()
_cache: dict[tuple[int, float], FeedFares] = {}


def forget() -> None:
    with _lock:
        _cache.clear()


def fares_of_feed(feed: Feed) -> FeedFares:
    """Return the parsed fare tables of a stored feed (cached by pk and import time)."""
    key = (feed.pk, feed.imported_at.timestamp())
    with _lock:
        if key in _cache:
            return _cache[key]
    attributes = list(
        FareAttribute.objects.filter(feed=feed).values_list(
            "fare_id", "price", "currency_type", "transfers", "transfer_duration", "agency_id"
        )
    )
    rules = list(
        FareRule.objects.filter(feed=feed).values_list(
            "fare_id", "route_id", "origin_id", "destination_id", "contains_id"
        )
    )
    tables = dict(FareTable.objects.filter(feed=feed).values_list("name", "rows"))
    networks = {
        route_id: str(jp.get("network_id", ""))
        for route_id, jp in Route.objects.filter(feed=feed).values_list("route_id", "jp")
        if isinstance(jp, dict) and jp.get("network_id")
    }
    parsed = feed_fares(attributes, rules, tables, networks)
    with _lock:
        if len(_cache) > 32:
            _cache.clear()
        _cache[key] = parsed
    return parsed


def journey_price(legs: Sequence[LegView], feeds: dict[int, Feed]) -> Price:
    """Return the fare of a journey's legs: per operator's feed, summed (None if unknown)."""
    runs: list[tuple[FeedFares, list[FareRide]]] = []
    current = -1
    for leg in legs:
        if leg.kind != "ride" or leg.depart is None or leg.arrive is None:
            continue
        feed_id = leg.from_stop.feed_id
        ride = FareRide(
            route_id=leg.route.route_id if leg.route else "",
            agency_id=(leg.route.agency_id if leg.route else "").strip(),
            from_stop_id=leg.from_stop.stop_id,
            to_stop_id=leg.to_stop.stop_id,
            from_zone=leg.from_stop.zone_id,
            to_zone=leg.to_stop.zone_id,
            depart=int(leg.depart.timestamp()),
            arrive=int(leg.arrive.timestamp()),
        )
        if feed_id != current:
            runs.append((fares_of_feed(feeds[feed_id]), []))
            current = feed_id
        runs[-1][1].append(ride)
    return price_journey(runs)
