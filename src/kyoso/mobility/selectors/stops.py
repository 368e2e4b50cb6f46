"""Reads of feeds and stops: active feeds, service days, stop search and lookup."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from functools import lru_cache

from django.db.models import Q, QuerySet
from django.utils import timezone

from kyoso.core.models import City
from kyoso.mobility.models import (
    Calendar,
    CalendarDate,
    Feed,
    Stop,
)


def active_feeds(city: City) -> list[Feed]:
    return list(Feed.objects.filter(city=city, is_active=True).order_by("pk"))


def feeds_of(city: City) -> QuerySet[Feed]:
    return Feed.objects.filter(city=city).select_related("imported_by").order_by("-imported_at")


def _weekday_field(day: date) -> str:
    return ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[
        day.weekday()
    ]


@lru_cache(maxsize=256)
def _services_cached(feed_id: int, day: date) -> frozenset[str]:
    ids = set(
        Calendar.objects.filter(
            feed_id=feed_id, start_date__lte=day, end_date__gte=day, **{_weekday_field(day): True}
        ).values_list("service_id", flat=True)
    )
    for service_id, kind in CalendarDate.objects.filter(feed_id=feed_id, date=day).values_list(
        "service_id", "exception_type"
    ):
        if kind == 1:
            ids.add(service_id)
        else:
            ids.discard(service_id)
    return frozenset(ids)


def service_ids_on(feed_id: int, day: date) -> frozenset[str]:
    """Return the service_ids of a feed running on ``day`` (calendar, then exceptions)."""
    return _services_cached(feed_id, day)


def forget_timetables(feed_ids: Collection[int] | None = None) -> None:
    """Drop the per-process caches after a feed changed.

    With ``feed_ids`` (the feeds replaced or deleted), the other operators' timetables stay
    cached, so replacing one operator's feed rebuilds only its own part of the network.
    """
    import sys

    _services_cached.cache_clear()
    departure_board = sys.modules.get("kyoso.mobility.selectors.departure_board")
    if departure_board is not None:
        departure_board.forget()
    planner = sys.modules.get("kyoso.mobility.selectors.planner")
    if planner is not None:
        planner.forget(feed_ids)


def stops_search(city: City, query: str, *, limit: int = 20) -> list[Stop]:
    """Return boardable stops and stations of active feeds whose name or id matches ``query``.

    A station's platforms collapse into the station, so each place appears once.
    """
    query = query.replace("\x00", "").strip()
    if not query:
        return []
    matches = (
        Stop.objects.filter(city=city, feed__is_active=True, location_type__in=(0, 1))
        .filter(Q(name__icontains=query) | Q(name_en__icontains=query) | Q(stop_id=query))
        .select_related("parent")
        .order_by("name", "pk")[: limit * 4]
    )
    out: list[Stop] = []
    seen: set[int] = set()
    for s in matches:
        place = s.parent if s.parent is not None and s.parent.location_type == 1 else s
        if place.pk not in seen:
            seen.add(place.pk)
            out.append(place)
    out.sort(key=lambda s: (not s.name.startswith(query), len(s.name), s.name))
    return out[:limit]


def stop_get(city: City, stop_pk: int) -> Stop:
    """Return a stop of an active feed of the city, or raise Http404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Stop.objects.select_related("feed", "parent"), city=city, pk=stop_pk, feed__is_active=True
    )


def stops_geojson(city: City) -> dict[str, object]:
    stops = Stop.objects.filter(
        city=city, feed__is_active=True, location_type__in=(0, 1), parent__isnull=True
    ).values("pk", "name", "name_en", "lat", "lon")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
                "properties": {
                    "name_ja": s["name"],
                    "name_en": s["name_en"] or s["name"],
                    "id": s["pk"],
                    "color": "#0b5c8a",
                    "radius": 5,
                },
            }
            for s in stops
            if s["lat"] is not None
        ],
    }


def stop_gtfs_ids(stop: Stop) -> list[str]:
    """Return the GTFS ids of a stop and its platforms (for alerts and facilities)."""
    from kyoso.mobility.selectors.departure_board import board_for

    today = timezone.localdate()
    board = board_for(stop.feed_id, today, service_ids_on(stop.feed_id, today))
    return [board.stops[pk].stop_id for pk in board.family(stop.pk) if pk in board.stops]
