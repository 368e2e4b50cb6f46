"""GTFS-Flex v2 for zone services, read and written with no Django.

A demand-responsive zone service is, in GTFS-Flex v2 (part of GTFS since 2024, what
OpenTripPlanner 2 reads): a polygon in ``locations.geojson``; a trip whose ``stop_times.txt``
names that location twice (board anywhere in it, alight anywhere in it) with
``start_pickup_drop_off_window`` / ``end_pickup_drop_off_window`` for the service hours and
``pickup_type`` / ``drop_off_type`` 2 (arrange with the operator); and a rule in
``booking_rules.txt`` (``booking_type`` 1: book the same day or earlier, at least
``prior_notice_duration_min`` minutes ahead, at most ``prior_notice_duration_max``).
``calendar.txt`` gives the weekdays. ``point_in_zone`` answers whether a place is in the zone.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kyoso.mobility.algorithms.gtfs_feed import FeedLimits, _read_entry

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FLEX_FILES = (
    "agency.txt",
    "routes.txt",
    "calendar.txt",
    "trips.txt",
    "stop_times.txt",
    "booking_rules.txt",
    "locations.geojson",
)


class FlexError(ValueError):
    """The files do not describe a zone service; the message names the file (and line)."""


@dataclass(frozen=True)
class FlexService:
    id: str
    name: str
    agency_name: str
    zone: dict[str, Any]  # GeoJSON Polygon or MultiPolygon geometry, lon/lat
    zone_name: str
    start_seconds: int
    end_seconds: int
    weekdays: str = "1111100"  # Monday first
    min_notice_minutes: int = 30
    max_notice_days: int = 7
    phone: str = ""
    info_url: str = ""
    message: str = ""


def _gtfs_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _seconds(raw: str, where: str) -> int:
    try:
        h, m, s = (int(x) for x in raw.strip().split(":"))
    except ValueError:
        raise FlexError(f"{where}: {raw!r} is not a time (HH:MM:SS)") from None
    return h * 3600 + m * 60 + s


def _csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_flex(
    services: list[FlexService],
    *,
    start_date: str,
    end_date: str,
    agency_url: str = "https://example.invalid/",
    timezone: str = "Asia/Tokyo",
) -> dict[str, bytes]:
    """Return the GTFS-Flex files (name → bytes) describing the services; dates are YYYYMMDD."""
    agencies = {
        name: f"a{i + 1}" for i, name in enumerate(dict.fromkeys(s.agency_name for s in services))
    }
    files = {
        "agency.txt": _csv(
            ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
            ([aid, name, agency_url, timezone, "ja"] for name, aid in agencies.items()),
        ),
        "routes.txt": _csv(
            ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
            ([s.id, agencies[s.agency_name], "", s.name, 3] for s in services),
        ),
        "calendar.txt": _csv(
            ["service_id", *WEEKDAYS, "start_date", "end_date"],
            ([f"{s.id}-days", *s.weekdays, start_date, end_date] for s in services),
        ),
        "trips.txt": _csv(
            ["route_id", "service_id", "trip_id"],
            ([s.id, f"{s.id}-days", f"{s.id}-trip"] for s in services),
        ),
        "booking_rules.txt": _csv(
            [
                "booking_rule_id",
                "booking_type",
                "prior_notice_duration_min",
                "prior_notice_duration_max",
                "message",
                "phone_number",
                "info_url",
            ],
            (
                [
                    f"{s.id}-booking",
                    1,
                    s.min_notice_minutes,
                    s.max_notice_days * 24 * 60,
                    s.message,
                    s.phone,
                    s.info_url,
                ]
                for s in services
            ),
        ),
    }
    stop_times: list[list[Any]] = []
    for s in services:
        window = [_gtfs_time(s.start_seconds), _gtfs_time(s.end_seconds)]
        rule = f"{s.id}-booking"
        # Board anywhere in the zone (no alighting at this record), then alight anywhere in it.
        stop_times.append([f"{s.id}-trip", f"{s.id}-zone", 1, *window, 2, 1, rule, rule])
        stop_times.append([f"{s.id}-trip", f"{s.id}-zone", 2, *window, 1, 2, rule, rule])
    files["stop_times.txt"] = _csv(
        [
            "trip_id",
            "location_id",
            "stop_sequence",
            "start_pickup_drop_off_window",
            "end_pickup_drop_off_window",
            "pickup_type",
            "drop_off_type",
            "pickup_booking_rule_id",
            "drop_off_booking_rule_id",
        ],
        stop_times,
    )
    features = [
        {
            "type": "Feature",
            "id": f"{s.id}-zone",
            "properties": {"stop_name": s.zone_name or s.name},
            "geometry": s.zone,
        }
        for s in services
    ]
    geojson = {"type": "FeatureCollection", "features": features}
    files["locations.geojson"] = json.dumps(geojson, ensure_ascii=False, indent=1).encode("utf-8")
    return files


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    if name not in files:
        raise FlexError(f"{name}: missing")
    try:
        text = files[name].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FlexError(f"{name}: not UTF-8") from None
    return [
        {k.strip(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def read_flex(files: dict[str, bytes]) -> list[FlexService]:
    """Return the zone services in GTFS-Flex files; raise FlexError naming the file and line."""
    try:
        locations = json.loads(files["locations.geojson"].decode("utf-8-sig"))
        zones = {str(f["id"]): f for f in locations["features"]}
    except KeyError as exc:
        raise FlexError(f"locations.geojson: missing or without {exc}") from None
    except (ValueError, TypeError):
        raise FlexError("locations.geojson: not a GeoJSON FeatureCollection") from None
    for zid, feature in zones.items():
        if (feature.get("geometry") or {}).get("type") not in ("Polygon", "MultiPolygon"):
            raise FlexError(f"locations.geojson: {zid} is not a Polygon or MultiPolygon")
    agencies = {
        r.get("agency_id", ""): r.get("agency_name", "") for r in _rows(files, "agency.txt")
    }
    routes = {r["route_id"]: r for r in _rows(files, "routes.txt")}
    calendar = {r["service_id"]: r for r in _rows(files, "calendar.txt")}
    trips = {r["trip_id"]: r for r in _rows(files, "trips.txt")}
    rules = {r["booking_rule_id"]: r for r in _rows(files, "booking_rules.txt")}
    by_trip: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in enumerate(_rows(files, "stop_times.txt"), start=2):
        if row.get("location_id") and row.get("start_pickup_drop_off_window"):
            by_trip.setdefault(row["trip_id"], []).append((line, row))
    services: dict[str, FlexService] = {}
    for trip_id, records in by_trip.items():
        line, first = records[0]
        where = f"stop_times.txt line {line}"
        trip = trips.get(trip_id)
        if trip is None or trip.get("route_id") not in routes:
            raise FlexError(f"{where}: trip {trip_id} is not in trips.txt with a known route")
        zone = zones.get(first["location_id"])
        if zone is None:
            raise FlexError(f"{where}: location {first['location_id']} is not in locations.geojson")
        route = routes[trip["route_id"]]
        if route["route_id"] in services:
            continue
        rule = rules.get(first.get("pickup_booking_rule_id", ""), {})
        days = calendar.get(trip.get("service_id", ""), {})
        max_minutes = int(rule.get("prior_notice_duration_max") or 7 * 24 * 60)
        services[route["route_id"]] = FlexService(
            id=route["route_id"],
            name=route.get("route_long_name") or route.get("route_short_name", ""),
            agency_name=agencies.get(route.get("agency_id", ""), next(iter(agencies.values()), "")),
            zone=zone["geometry"],
            zone_name=str((zone.get("properties") or {}).get("stop_name", "")),
            start_seconds=_seconds(first["start_pickup_drop_off_window"], where),
            end_seconds=_seconds(first["end_pickup_drop_off_window"], where),
            weekdays="".join(days.get(d, "1") or "0" for d in WEEKDAYS),
            min_notice_minutes=int(rule.get("prior_notice_duration_min") or 0),
            max_notice_days=max(1, max_minutes // (24 * 60)),
            phone=rule.get("phone_number", ""),
            info_url=rule.get("info_url", ""),
            message=rule.get("message", ""),
        )
    if not services:
        raise FlexError("stop_times.txt: no trip serves a location with a pickup/drop-off window")
    return list(services.values())


def flex_zip(files: dict[str, bytes]) -> bytes:
    """Return the files as one zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in FLEX_FILES:
            if name in files:
                zf.writestr(name, files[name])
    return out.getvalue()


def flex_unzip(data: bytes, limits: FeedLimits | None = None) -> dict[str, bytes]:
    """Return the GTFS-Flex files of a zip (folders inside ignored), within the feed size limits."""
    limits = limits or FeedLimits(max_file_bytes=16 * 2**20, max_total_bytes=64 * 2**20)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FlexError("not a zip file") from None
    files: dict[str, bytes] = {}
    total = 0
    with zf:
        for info in zf.infolist()[: limits.max_entries]:
            name = info.filename.rsplit("/", 1)[-1]
            if name in FLEX_FILES and not info.filename.startswith("__MACOSX"):
                files[name] = _read_entry(zf, info, limits.max_total_bytes - total, limits)
                total += len(files[name])
    return files


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_zone(lat: float, lon: float, zone: dict[str, Any]) -> bool:
    """Return whether the point lies in the GeoJSON Polygon or MultiPolygon (holes excluded)."""
    polygons = zone.get("coordinates") or []
    if zone.get("type") == "Polygon":
        polygons = [polygons]
    for rings in polygons:
        inside = bool(rings) and _in_ring(lon, lat, [p[:2] for p in rings[0]])
        if inside and not any(_in_ring(lon, lat, [p[:2] for p in h]) for h in rings[1:]):
            return True
    return False


def zone_centre(zone: dict[str, Any]) -> tuple[float, float]:
    """Return (lat, lon) of the mean of the outer ring's corners (for maps and a depot default)."""
    rings = zone.get("coordinates") or [[[0.0, 0.0]]]
    outer = rings[0] if zone.get("type") == "Polygon" else rings[0][0]
    pts = outer[:-1] if len(outer) > 1 and outer[0] == outer[-1] else outer
    return (sum(p[1] for p in pts) / len(pts), sum(p[0] for p in pts) / len(pts))
