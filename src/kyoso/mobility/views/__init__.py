"""Mobility pages (thin: parse the request, call selectors/services, render)."""

from __future__ import annotations

from kyoso.mobility.views.accessibility import accessibility
from kyoso.mobility.views.demand import (
    demand,
    demand_staff,
    dispatch,
    flex_export,
    ride,
    ride_cancel,
    ride_geojson,
    zone_geojson,
)
from kyoso.mobility.views.headways import headways, headways_frequencies
from kyoso.mobility.views.pages import (
    SIGN_REFRESH_SECONDS,
    crowding,
    feeds,
    gtfs_rt_alerts,
    gtfs_rt_trip_updates,
    gtfs_rt_vehicles,
    index,
    journey,
    ridership,
    stop_departures,
    stop_detail,
    stop_names,
    stop_sign,
    stops_geojson,
    vehicles_geojson,
)

__all__ = [
    "SIGN_REFRESH_SECONDS",
    "accessibility",
    "crowding",
    "demand",
    "demand_staff",
    "dispatch",
    "feeds",
    "flex_export",
    "gtfs_rt_alerts",
    "gtfs_rt_trip_updates",
    "gtfs_rt_vehicles",
    "headways",
    "headways_frequencies",
    "index",
    "journey",
    "ride",
    "ride_cancel",
    "ride_geojson",
    "ridership",
    "stop_departures",
    "stop_detail",
    "stop_names",
    "stop_sign",
    "stops_geojson",
    "vehicles_geojson",
    "zone_geojson",
]
