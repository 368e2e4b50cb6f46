"""Reads of the live state: vehicles, alerts, taxis, facility crowding, GTFS-RT re-publishing."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from kyoso.core.models import City
from kyoso.mobility.algorithms import gtfs_rt, transit_simulator
from kyoso.mobility.algorithms.service_clock import service_seconds
from kyoso.mobility.models import (
    Alert,
    Facility,
    FacilityStatus,
    RealtimeTripUpdate,
    Route,
    ShapePoint,
    Stop,
    StopTime,
    Taxi,
    TaxiStatus,
    Trip,
    VehiclePosition,
)
from kyoso.mobility.selectors.stops import active_feeds, service_ids_on

TAXI_SPEED_KMH = 25.0  # average urban speed used for pickup estimates
TAXI_FRESH = timedelta(minutes=10)


def vehicles_live(city: City, *, now: datetime | None = None) -> QuerySet[VehiclePosition]:
    now = now or timezone.now()
    return VehiclePosition.objects.filter(city=city, expires_at__gt=now).order_by("vehicle_id")


def vehicles_geojson(city: City, *, now: datetime | None = None) -> dict[str, object]:
    """Return live vehicles as GeoJSON points with route names for the map."""
    vehicles = list(vehicles_live(city, now=now))
    names = dict(
        Stop.objects.filter(
            city=city, feed__is_active=True, stop_id__in={v.stop_id for v in vehicles}
        ).values_list("stop_id", "name")
    )
    routes = {
        r.route_id: r
        for r in Route.objects.filter(
            city=city, feed__is_active=True, route_id__in={v.route_id for v in vehicles}
        )
    }
    features = []
    for v in vehicles:
        route = routes.get(v.route_id)
        title = route.display_name if route else (v.label or v.vehicle_id)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(v.lon, 6), round(v.lat, 6)]},
                "properties": {
                    "id": v.vehicle_id,
                    "title": title,
                    "name_ja": title,
                    "name_en": title,
                    "description": v.label or names.get(v.stop_id, ""),
                    "trip_id": v.trip_id,
                    "route_id": v.route_id,
                    "color": f"#{route.color}" if route and route.color else "#b3261e",
                    "timestamp": v.timestamp.isoformat(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def alerts_live(
    city: City,
    *,
    now: datetime | None = None,
    stop_ids: list[str] | None = None,
    route_ids: list[str] | None = None,
) -> list[Alert]:
    """Return alerts in force now; with ids given, those naming them or naming nothing."""
    now = now or timezone.now()
    alerts = Alert.objects.filter(city=city, expires_at__gt=now).filter(
        Q(active_from__isnull=True) | Q(active_from__lte=now),
        Q(active_until__isnull=True) | Q(active_until__gt=now),
    )
    out = []
    for a in alerts.order_by("-timestamp"):
        if stop_ids is None and route_ids is None:
            out.append(a)
            continue
        if (not a.stop_ids and not a.route_ids) or (
            set(a.stop_ids) & set(stop_ids or []) or set(a.route_ids) & set(route_ids or [])
        ):
            out.append(a)
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(a, 1.0)))


@dataclass(frozen=True, slots=True)
class NearbyTaxi:
    vehicle_id: str
    company: str
    lat: float
    lon: float
    distance_km: float
    pickup_minutes: int
    wheelchair: bool


def taxis_near(
    city: City,
    lat: float,
    lon: float,
    *,
    radius_km: float = 5.0,
    now: datetime | None = None,
    limit: int = 5,
) -> list[NearbyTaxi]:
    """Return free taxis reported recently near a point, nearest first, with pickup minutes.

    Road distance is taken as 1.3 × the straight line at 25 km/h, a common urban estimate.
    """
    now = now or timezone.now()
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.1))
    qs = Taxi.objects.filter(
        city=city,
        status=TaxiStatus.FREE,
        updated_at__gt=now - TAXI_FRESH,
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    )
    found = []
    for t in qs:
        km = haversine_km(lat, lon, t.lat, t.lon)
        if km <= radius_km:
            minutes = max(1, math.ceil(km * 1.3 / TAXI_SPEED_KMH * 60))
            found.append(
                NearbyTaxi(
                    t.vehicle_id, t.company, t.lat, t.lon, round(km, 2), minutes, t.wheelchair
                )
            )
    found.sort(key=lambda t: t.distance_km)
    return found[:limit]


@dataclass(frozen=True, slots=True)
class FacilityNow:
    facility: Facility
    status: FacilityStatus | None


def facilities_now(city: City, *, now: datetime | None = None) -> list[FacilityNow]:
    """Return every facility with its latest status still valid (or None)."""
    now = now or timezone.now()
    facilities = list(Facility.objects.filter(city=city).order_by("name_ja"))
    latest: dict[int, FacilityStatus] = {}
    for s in FacilityStatus.objects.filter(
        city=city, valid_until__gt=now, facility__in=facilities
    ).order_by("facility_id", "-reported_at"):
        latest.setdefault(s.facility_id, s)
    return [FacilityNow(f, latest.get(f.pk)) for f in facilities]


def facilities_at_stop(
    city: City, stop_ids: list[str], *, now: datetime | None = None
) -> list[FacilityNow]:
    """Return the facilities served by any of these GTFS stop_ids, with their status."""
    wanted = set(stop_ids)
    return [f for f in facilities_now(city, now=now) if wanted & set(f.facility.stop_ids)]


def facility_get(city: City, code: str) -> Facility:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Facility, city=city, code=code)


def realtime_snapshot(city: City, *, now: datetime | None = None) -> gtfs_rt.Snapshot:
    """Return the merged live state of the city as a GTFS-RT snapshot (for re-publishing)."""
    now = now or timezone.now()
    snap = gtfs_rt.Snapshot(timestamp=int(now.timestamp()))
    for tu in RealtimeTripUpdate.objects.filter(city=city, expires_at__gt=now).prefetch_related(
        "stop_time_updates"
    ):
        snap.trip_updates.append(
            gtfs_rt.TripUpdateData(
                trip_id=tu.trip_id,
                start_date=tu.start_date,
                route_id=tu.route_id,
                vehicle_id=tu.vehicle_id,
                schedule_relationship=tu.schedule_relationship,
                delay=tu.delay,
                timestamp=int(tu.timestamp.timestamp()),
                stop_time_updates=[
                    gtfs_rt.StopTimeUpdateData(
                        stop_sequence=s.stop_sequence,
                        stop_id=s.stop_id,
                        arrival_delay=s.arrival_delay,
                        arrival_time=s.arrival_time,
                        departure_delay=s.departure_delay,
                        departure_time=s.departure_time,
                        schedule_relationship=s.schedule_relationship,
                    )
                    for s in tu.stop_time_updates.all()
                ],
            )
        )
    for v in vehicles_live(city, now=now):
        snap.vehicles.append(
            gtfs_rt.VehicleData(
                vehicle_id=v.vehicle_id,
                lat=v.lat,
                lon=v.lon,
                label=v.label,
                trip_id=v.trip_id,
                route_id=v.route_id,
                start_date=v.start_date,
                bearing=v.bearing,
                speed=v.speed,
                current_stop_sequence=v.current_stop_sequence,
                stop_id=v.stop_id,
                current_status=v.current_status,
                occupancy_status=v.occupancy_status,
                timestamp=int(v.timestamp.timestamp()),
            )
        )
    for a in Alert.objects.filter(city=city, expires_at__gt=now):
        snap.alerts.append(
            gtfs_rt.AlertData(
                alert_id=a.alert_id,
                header={k: v for k, v in (("ja", a.header_ja), ("en", a.header_en)) if v},
                description={
                    k: v for k, v in (("ja", a.description_ja), ("en", a.description_en)) if v
                },
                url=a.url,
                cause=a.cause,
                effect=a.effect,
                active_from=int(a.active_from.timestamp()) if a.active_from else None,
                active_until=int(a.active_until.timestamp()) if a.active_until else None,
                route_ids=list(a.route_ids),
                stop_ids=list(a.stop_ids),
                trip_ids=list(a.trip_ids),
            )
        )
    return snap


def simulator_plans(city: City, now: datetime | None = None) -> list[transit_simulator.TripPlan]:
    """Return the trips of the city's active feeds running today (and yesterday past midnight)."""
    now = now or timezone.now()
    today, _secs = service_seconds(now, city.time_zone)
    plans: list[transit_simulator.TripPlan] = []
    for feed in active_feeds(city):
        stops = {
            pk: (stop_id, lat, lon)
            for pk, stop_id, lat, lon in Stop.objects.filter(feed=feed).values_list(
                "pk", "stop_id", "lat", "lon"
            )
        }
        shapes: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for shape_id, lat, lon in (
            ShapePoint.objects.filter(feed=feed)
            .order_by("shape_id", "sequence")
            .values_list("shape_id", "lat", "lon")
        ):
            shapes[shape_id].append((lat, lon))
        for day in (today - timedelta(days=1), today):
            trips_qs = Trip.objects.filter(feed=feed, service_id__in=service_ids_on(feed.pk, day))
            if day < today:
                trips_qs = trips_qs.filter(last_arrival__gt=86400)
            trips = {t.pk: t for t in trips_qs.select_related("route")}
            rows: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
            for trip_pk, stop_pk, seq, arr, dep in (
                StopTime.objects.filter(trip_id__in=list(trips))
                .order_by("trip_id", "stop_sequence")
                .values_list("trip_id", "stop_id", "stop_sequence", "arrival", "departure")
            ):
                rows[trip_pk].append((stop_pk, seq, arr, dep))
            for trip_pk, seq_rows in rows.items():
                if len(seq_rows) < 2:
                    continue
                trip = trips[trip_pk]
                points = [(stops[r[0]][1] or 0.0, stops[r[0]][2] or 0.0) for r in seq_rows]
                plans.append(
                    transit_simulator.TripPlan(
                        trip_id=trip.trip_id,
                        route_id=trip.route.route_id,
                        service_day=day,
                        stop_ids=tuple(stops[r[0]][0] for r in seq_rows),
                        sequences=tuple(r[1] for r in seq_rows),
                        arrivals=tuple(r[2] for r in seq_rows),
                        departures=tuple(max(r[3], r[2]) for r in seq_rows),
                        legs=transit_simulator.legs_from(points, shapes.get(trip.shape_id)),
                    )
                )
    return plans
