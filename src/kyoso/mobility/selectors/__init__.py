"""Reads of the mobility app: stops, live departures, vehicles, alerts, taxis, crowding, demand."""

from kyoso.mobility.selectors.demand import (
    SupplyDemandRow,
    punctuality_now,
    ridership_by_year,
    supply_demand,
)
from kyoso.mobility.selectors.departures import Departure, departures_at, trip_delays
from kyoso.mobility.selectors.live import (
    FacilityNow,
    NearbyTaxi,
    alerts_live,
    facilities_at_stop,
    facilities_now,
    facility_get,
    haversine_km,
    realtime_snapshot,
    simulator_plans,
    taxis_near,
    vehicles_geojson,
    vehicles_live,
)
from kyoso.mobility.selectors.stops import (
    active_feeds,
    feeds_of,
    forget_timetables,
    service_ids_on,
    stop_get,
    stop_gtfs_ids,
    stops_geojson,
    stops_search,
)

__all__ = [
    "Departure",
    "FacilityNow",
    "NearbyTaxi",
    "SupplyDemandRow",
    "active_feeds",
    "alerts_live",
    "departures_at",
    "facilities_at_stop",
    "facilities_now",
    "facility_get",
    "feeds_of",
    "forget_timetables",
    "haversine_km",
    "punctuality_now",
    "realtime_snapshot",
    "ridership_by_year",
    "service_ids_on",
    "simulator_plans",
    "stop_get",
    "stop_gtfs_ids",
    "stops_geojson",
    "stops_search",
    "supply_demand",
    "taxis_near",
    "trip_delays",
    "vehicles_geojson",
    "vehicles_live",
]
