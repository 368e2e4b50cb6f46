"""GTFS-Flex v2 zone services: written as OpenTripPlanner reads them, read back unchanged."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kyoso.mobility.algorithms.gtfs_flex import (
    FlexError,
    FlexService,
    flex_unzip,
    flex_zip,
    point_in_zone,
    read_flex,
    write_flex,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[140.60, 36.55], [140.70, 36.55], [140.70, 36.65], [140.60, 36.65], [140.60, 36.55]],
        [[140.64, 36.59], [140.66, 36.59], [140.66, 36.61], [140.64, 36.61], [140.64, 36.59]],
    ],
}
SERVICE = FlexService(
    id="minami",
    name="みなみ号",
    agency_name="坂下地区まちづくり推進会",
    zone=SQUARE,
    zone_name="坂下地区",
    start_seconds=8 * 3600 + 30 * 60,
    end_seconds=16 * 3600,
    weekdays="1111110",
    min_notice_minutes=30,
    max_notice_days=7,
    phone="0294-00-0000",
    info_url="https://example.invalid/minami",
    message="前日までにご予約ください",
)


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


def test_round_trip_through_a_zip_keeps_every_field() -> None:
    other = FlexService(
        "hills", "山側デマンド", "日立タクシー", SQUARE, "山側", 7 * 3600, 19 * 3600
    )
    files = write_flex([SERVICE, other], start_date="20260401", end_date="20270331")
    assert read_flex(flex_unzip(flex_zip(files))) == [SERVICE, other]


def test_the_files_are_what_opentripplanner_reads() -> None:
    files = write_flex([SERVICE], start_date="20260401", end_date="20270331")
    stop_times = rows(files, "stop_times.txt")
    assert [r["location_id"] for r in stop_times] == ["minami-zone", "minami-zone"]
    assert {r["start_pickup_drop_off_window"] for r in stop_times} == {"08:30:00"}
    assert {r["end_pickup_drop_off_window"] for r in stop_times} == {"16:00:00"}
    # Board at the first record, alight at the second; 2 = arrange with the operator.
    assert [(r["pickup_type"], r["drop_off_type"]) for r in stop_times] == [("2", "1"), ("1", "2")]
    assert "arrival_time" not in stop_times[0]  # forbidden beside a window
    rule = rows(files, "booking_rules.txt")[0]
    assert rule["booking_type"] == "1" and rule["prior_notice_duration_min"] == "30"
    assert rule["prior_notice_duration_max"] == str(7 * 24 * 60)
    assert stop_times[0]["pickup_booking_rule_id"] == rule["booking_rule_id"]
    location = json.loads(files["locations.geojson"])["features"][0]
    assert location["id"] == "minami-zone" and location["geometry"] == SQUARE
    assert rows(files, "calendar.txt")[0]["saturday"] == "1"
    assert rows(files, "calendar.txt")[0]["sunday"] == "0"


def test_reads_a_feed_written_by_hand_with_extra_stops_and_columns() -> None:
    files = write_flex([SERVICE], start_date="20260401", end_date="20270331")
    text = files["stop_times.txt"].decode()
    files["stop_times.txt"] = (text + "minami-trip,,3,,,,,,\r\n").encode("utf-8-sig")
    assert read_flex(files)[0].start_seconds == 8 * 3600 + 30 * 60


def test_errors_name_the_file() -> None:
    files = write_flex([SERVICE], start_date="20260401", end_date="20270331")
    with pytest.raises(FlexError, match=r"locations\.geojson"):
        read_flex({**files, "locations.geojson": b"{}"})
    with pytest.raises(FlexError, match=r"booking_rules\.txt: missing"):
        read_flex({k: v for k, v in files.items() if k != "booking_rules.txt"})
    bad = files["stop_times.txt"].replace(b"08:30:00", b"8.30", 1)
    with pytest.raises(FlexError, match=r"stop_times\.txt line 2"):
        read_flex({**files, "stop_times.txt": bad})
    with pytest.raises(FlexError, match="not a zip"):
        flex_unzip(b"no zip")


def test_point_in_zone_excludes_holes() -> None:
    assert point_in_zone(36.56, 140.61, SQUARE)
    assert not point_in_zone(36.60, 140.65, SQUARE)  # in the hole
    assert not point_in_zone(36.70, 140.65, SQUARE)
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    assert point_in_zone(36.56, 140.61, multi)
