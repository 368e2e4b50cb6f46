"""Reading and validating GTFS / GTFS-JP feeds: the two real feeds and small broken ones."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kyoso.mobility.algorithms.gtfs_feed import active_service_ids, read_feed
from kyoso.mobility.algorithms.gtfs_validation import GtfsValidationError, parse_time

DATA = Path(
    os.environ.get(
        "KYOSO_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    )
)
DONAN = DATA / "gtfs" / "donan-bus-muroran"
LRT = DATA / "gtfs" / "utsunomiya-lrt"

MINIMAL = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA1,日立バス,https://example.jp,Asia/Tokyo\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,parent_station,location_type\n"
    "駅,日立駅,36.59,140.65,,1\n駅_1,日立駅 1番,36.5901,140.6501,駅,0\nS2,市役所,36.60,140.66,,0\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type,jp_parent_route_id\nR1,A1,1,,3,親\n",
    "trips.txt": "route_id,service_id,trip_id,wheelchair_accessible,jp_trip_desc\nR1,平日,T1,1,深夜\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "T1,24:50:00,24:50:00,駅_1,1\nT1,25:10:00,25:10:00,S2,2\n",
    "calendar_dates.txt": "service_id,date,exception_type\n平日,20250401,1\n",
}


def write_feed(folder: Path, files: dict[str, str], bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return folder


def need(path: Path) -> Path:
    if not path.is_dir():
        pytest.skip(f"shared GTFS data not found at {path} (set KYOSO_SHARED_DATA)")
    return path


def test_parse_time_accepts_hours_past_midnight() -> None:
    assert parse_time("25:10:00") == 90600
    assert parse_time("7:05:09") == 25509
    assert parse_time("07:60:00") is None
    assert parse_time("7.05") is None


def test_donan_gtfs_jp_feed_reads_clean() -> None:
    feed, report = read_feed(need(DONAN))
    assert report.ok, report.errors[:3]
    assert (len(feed.stops), len(feed.trips), len(feed.stop_times.trip_index)) == (706, 541, 20594)
    assert len(feed.routes) == 74 and len(feed.routes_jp) == 74
    assert feed.agencies_jp[0].official_name == "道南バス株式会社"
    assert feed.routes[0].extra["jp_parent_route_id"] == "室蘭港・工大・ろう学校線"
    assert feed.fare_attributes[0].price == Decimal(160)
    old = feed.translations[0]
    assert old.table_name is None and old.field_value == "絵鞆団地"
    assert sum(1 for s in feed.stops if not s.parent_station) == 240
    assert active_service_ids(feed, date(2020, 6, 1)) == {"weekday"}
    # 2020-04-29 is a Wednesday holiday: calendar_dates swaps the services.
    assert active_service_ids(feed, date(2020, 4, 29)) == {"weekend"}
    assert active_service_ids(feed, date(2019, 6, 1)) == frozenset()


def test_utsunomiya_lrt_reads_with_traps(tmp_path: Path) -> None:
    feed, report = read_feed(need(LRT))
    assert report.ok, report.errors[:3]
    assert [p.field for p in report.warnings] == ["route_short_name"]
    assert (len(feed.stops), len(feed.trips), len(feed.stop_times.trip_index)) == (34, 365, 6383)
    assert feed.agencies[0].agency_id == "1060001027696"  # published with a trailing space
    assert "shape_id" in feed.extra_tables["shapes"][0]  # shapes.txt starts with a BOM
    assert feed.trips[0].service_id == "平日" and feed.trips[0].extra["jp_pattern_id"] == "111"
    assert feed.transfers == []
    assert (
        feed.translate("stops", "stop_name", "1_01", "宇都宮駅東口", "ja-Hrkt")
        == "うつのみやえきひがしぐち"
    )
    assert active_service_ids(feed, date(2024, 6, 3)) == {"平日"}
    archive = tmp_path / "lrt.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in LRT.glob("*.txt"):
            zf.write(f, f"Haga-Utsunomiya-LRT-GTFS/{f.name}")  # zipped folder, not contents
    zipped, zreport = read_feed(archive)
    assert zreport.ok and len(zipped.stop_times.trip_index) == 6383


def test_minimal_feed_with_bom_non_ascii_ids_and_late_times(tmp_path: Path) -> None:
    feed, report = read_feed(write_feed(tmp_path / "f", MINIMAL, bom=True))
    assert report.ok, report.problems
    assert feed.stop_times.arrival.tolist() == [89400, 90600]
    assert feed.stops[1].parent_station == "駅" and feed.trips[0].extra == {"jp_trip_desc": "深夜"}
    assert active_service_ids(feed, date(2025, 4, 1)) == {"平日"}
    archive = tmp_path / "f.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in MINIMAL.items():
            zf.writestr(name, text)
    assert read_feed(archive)[1].ok


def test_old_translation_layout(tmp_path: Path) -> None:
    files = dict(
        MINIMAL, **{"translations.txt": "trans_id,lang,translation\n日立駅,en,Hitachi Station\n"}
    )
    feed, report = read_feed(write_feed(tmp_path / "f", files))
    assert report.ok
    assert feed.translate("stops", "stop_name", "駅", "日立駅", "en") == "Hitachi Station"
    assert feed.translate("stops", "stop_name", "駅", "日立駅", "ko") == "日立駅"


def problems(tmp_path: Path, **changes: str | None) -> set[tuple[str, str, int, str]]:
    files = {k: v for k, v in {**MINIMAL, **changes}.items() if v is not None}
    _, report = read_feed(write_feed(tmp_path / "bad", files))
    return {(p.severity, p.file, p.line, p.field) for p in report.problems}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"stops.txt": None}, ("error", "stops.txt", 0, "")),
        ({"calendar_dates.txt": None}, ("error", "calendar.txt", 0, "")),
        (
            {
                "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id\nT1,08:00:00,08:00:00,S2\n"
            },
            ("error", "stop_times.txt", 1, "stop_sequence"),
        ),
        (
            {
                "stop_times.txt": MINIMAL["stop_times.txt"].replace(
                    "25:10:00,25:10", "25:1O:00,25:10"
                )
            },
            ("error", "stop_times.txt", 3, "arrival_time"),
        ),
        (
            {"stop_times.txt": MINIMAL["stop_times.txt"].replace(",S2,", ",S9,")},
            ("error", "stop_times.txt", 3, "stop_id"),
        ),
        (
            {"stops.txt": MINIMAL["stops.txt"] + "S2,重複,36.6,140.6,,0\n"},
            ("error", "stops.txt", 5, "stop_id"),
        ),
        (
            {"trips.txt": MINIMAL["trips.txt"] + "R1,平日,T1,0,\n"},
            ("error", "trips.txt", 3, "trip_id"),
        ),
        (
            {"stop_times.txt": MINIMAL["stop_times.txt"].replace("S2,2", "S2,1")},
            ("error", "stop_times.txt", 3, "stop_sequence"),
        ),
        (
            {
                "stop_times.txt": MINIMAL["stop_times.txt"].replace(
                    "25:10:00,25:10:00", "24:40:00,24:40:00"
                )
            },
            ("error", "stop_times.txt", 3, "arrival_time"),
        ),
        (
            {"stops.txt": MINIMAL["stops.txt"].replace("36.60,", "96.60,")},
            ("error", "stops.txt", 4, "stop_lat"),
        ),
        (
            {"trips.txt": MINIMAL["trips.txt"].replace("R1,平日", "R9,平日")},
            ("error", "trips.txt", 2, "route_id"),
        ),
        (
            {"trips.txt": MINIMAL["trips.txt"].replace(",平日,", ",休日,")},
            ("error", "trips.txt", 2, "service_id"),
        ),
        (
            {
                "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                "平日,1,1,1,1,1,0,0,2025-04-01,20260331\n"
            },
            ("error", "calendar.txt", 2, "start_date"),
        ),
        (
            {"stops.txt": MINIMAL["stops.txt"].replace("36.60,140.66", "0,0")},
            ("warning", "stops.txt", 4, "stop_lat"),
        ),
    ],
)
def test_broken_feed_problem_names_file_line_field(
    tmp_path: Path, changes: dict[str, str | None], expected: tuple[str, str, int, str]
) -> None:
    assert expected in problems(tmp_path, **changes)


def test_feed_with_errors_is_rejected(tmp_path: Path) -> None:
    bad = {**MINIMAL, "stop_times.txt": MINIMAL["stop_times.txt"].replace(",S2,", ",S9,")}
    _, report = read_feed(write_feed(tmp_path / "bad", bad))
    with pytest.raises(GtfsValidationError, match="unknown stop_id 'S9'"):
        report.raise_for_errors()
    _, good = read_feed(write_feed(tmp_path / "good", MINIMAL))
    good.raise_for_errors()


def test_calendar_exceptions_remove_and_add(tmp_path: Path) -> None:
    files = dict(
        MINIMAL,
        **{
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
            "平日,1,1,1,1,1,0,0,20250401,20260331\n",
            "calendar_dates.txt": "service_id,date,exception_type\n平日,20250429,2\n平日,20250503,1\n",
        },
    )
    feed, report = read_feed(write_feed(tmp_path / "f", files))
    assert report.ok
    assert active_service_ids(feed, date(2025, 4, 28)) == {"平日"}
    assert active_service_ids(feed, date(2025, 4, 29)) == frozenset()
    assert active_service_ids(feed, date(2025, 5, 3)) == {"平日"}
    assert active_service_ids(feed, date(2025, 5, 4)) == frozenset()
