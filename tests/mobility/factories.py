"""Test data for mobility: tiny GTFS folders written on the fly, and live-state rows."""

from __future__ import annotations

import csv
from pathlib import Path

import factory
from factory.django import DjangoModelFactory

from kyoso.mobility.models import Facility

TINY: dict[str, list[list[str]]] = {
    "agency.txt": [
        ["agency_id", "agency_name", "agency_url", "agency_timezone"],
        ["A1", "テストバス", "https://example.org", "Asia/Tokyo"],
    ],
    "agency_jp.txt": [["agency_id", "agency_official_name"], ["A1", "テストバス株式会社"]],
    "stops.txt": [
        ["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type", "parent_station"],
        ["駅", "中央駅", "36.5900", "140.6600", "1", ""],
        ["駅_1", "中央駅 1番のりば", "36.5901", "140.6601", "0", "駅"],
        ["S2", "市役所前", "36.5800", "140.6500", "0", ""],
        ["S3", "病院前", "36.5700", "140.6400", "0", ""],
    ],
    "routes.txt": [
        [
            "route_id",
            "agency_id",
            "route_short_name",
            "route_long_name",
            "route_type",
            "jp_parent_route_id",
        ],
        ["R1", "A1", "1", "病院線", "3", "P1"],
    ],
    "routes_jp.txt": [
        ["route_id", "route_update_date", "origin_stop", "via_stop", "destination_stop"],
        ["R1", "20260401", "中央駅", "", "病院前"],
    ],
    "trips.txt": [
        ["route_id", "service_id", "trip_id", "trip_headsign", "wheelchair_accessible"],
        ["R1", "ALL", "T1", "病院前", "1"],
        ["R1", "ALL", "T2", "病院前", "1"],
        ["R1", "ALL", "T_LATE", "病院前", "0"],
    ],
    "stop_times.txt": [
        ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
        ["T1", "08:00:00", "08:00:00", "駅_1", "1"],
        ["T1", "08:10:00", "08:10:00", "S2", "2"],
        ["T1", "08:20:00", "08:20:00", "S3", "3"],
        ["T2", "09:00:00", "09:00:00", "駅_1", "1"],
        ["T2", "09:10:00", "09:10:00", "S2", "2"],
        ["T2", "09:20:00", "09:20:00", "S3", "3"],
        ["T_LATE", "24:50:00", "24:50:00", "駅_1", "1"],
        ["T_LATE", "25:10:00", "25:10:00", "S3", "2"],
    ],
    "calendar.txt": [
        [
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ],
        ["ALL", "1", "1", "1", "1", "1", "1", "1", "20200101", "20351231"],
    ],
    "translations.txt": [
        ["trans_id", "lang", "translation"],
        ["中央駅", "en", "Central Station"],
        ["病院前", "en", "Hospital"],
    ],
    "fare_attributes.txt": [
        ["fare_id", "price", "currency_type", "payment_method", "transfers"],
        ["F1", "200", "JPY", "0", "0"],
    ],
    "fare_rules.txt": [["fare_id", "route_id"], ["F1", "R1"]],
    "shapes.txt": [
        ["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"],
        ["SH1", "36.59", "140.66", "1"],
        ["SH1", "36.57", "140.64", "2"],
    ],
}


def write_feed(
    folder: Path, changes: dict[str, list[list[str]]] | None = None, version: str = ""
) -> Path:
    """Return a folder holding the tiny feed with whole files replaced by ``changes``."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {**TINY, **(changes or {})}
    if version:
        tables["feed_info.txt"] = [
            ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_version"],
            ["test", "https://example.org", "ja", version],
        ]
    for name, rows in tables.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    return folder


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"facility-{n}")
    name_ja = "日立総合病院"
    name_en = "Hitachi General Hospital"
    kind = "hospital"
    stop_ids = factory.LazyFunction(lambda: ["S3"])
