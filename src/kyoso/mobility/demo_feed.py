"""A deterministic, plausible GTFS-JP feed of Hitachi City for the demo (no Django).

No public GTFS of Hitachi City exists, so this invents one from public facts: the JR Joban
line stations in the city, the ひたちBRT busway stops in order, the 中央線 bus corridor and a
hospital line. Stop positions and timetables are approximate and every agency name says
"demo data" (デモデータ). ``write_demo_feed`` writes it as a folder or a zip that the normal
import service reads, exactly like an operator's feed.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from pathlib import Path

DEMO_FEED_VERSION = "demo-2026.12"
JR, BUS = "jr-demo", "bus-demo"

# stop_id: (name ja, name en, lat, lon, location_type, parent, wheelchair)
STOPS: dict[str, tuple[str, str, float, float, int, str, int]] = {
    "JR_JUO": ("十王駅", "Juo Station", 36.6710, 140.6860, 1, "", 1),
    "JR_JUO_P": ("十王駅 のりば", "Juo Station platform", 36.6709, 140.6858, 0, "JR_JUO", 1),
    "JR_OGITSU": ("小木津駅", "Ogitsu Station", 36.6360, 140.6760, 1, "", 1),
    "JR_OGITSU_P": (
        "小木津駅 のりば",
        "Ogitsu Station platform",
        36.6359,
        140.6758,
        0,
        "JR_OGITSU",
        1,
    ),
    "JR_HITACHI": ("日立駅", "Hitachi Station", 36.5920, 140.6620, 1, "", 1),
    "JR_HITACHI_P": (
        "日立駅 のりば",
        "Hitachi Station platform",
        36.5921,
        140.6618,
        0,
        "JR_HITACHI",
        1,
    ),
    "JR_TAGA": ("常陸多賀駅", "Hitachi-Taga Station", 36.5520, 140.6320, 1, "", 1),
    "JR_TAGA_P": (
        "常陸多賀駅 のりば",
        "Hitachi-Taga Station platform",
        36.5521,
        140.6318,
        0,
        "JR_TAGA",
        1,
    ),
    "JR_OMIKA": ("大甕駅", "Omika Station", 36.5130, 140.6200, 1, "", 1),
    "JR_OMIKA_P": ("大甕駅 のりば", "Omika Station platform", 36.5131, 140.6198, 0, "JR_OMIKA", 1),
    "BRT_OSAKANA": ("おさかなセンター", "Osakana Center", 36.4995, 140.6330, 0, "", 1),
    "BRT_SUNPIA": ("サンピア日立", "Sunpia Hitachi", 36.5045, 140.6290, 0, "", 1),
    "BRT_SEGAMI": ("瀬上新橋", "Segami-shinbashi", 36.5085, 140.6245, 0, "", 1),
    "BRT_NANBU": ("南部図書館", "Nanbu Library", 36.5110, 140.6215, 0, "", 1),
    "BRT_OMIKA_W": ("大甕駅西口", "Omika Station West", 36.5132, 140.6188, 0, "", 1),
    "BRT_ONUMA": ("大沼小学校東", "Onuma Elementary School East", 36.5205, 140.6230, 0, "", 1),
    "BRT_MIZUKI": ("水木(BRT)", "Mizuki (BRT)", 36.5265, 140.6285, 0, "", 1),
    "BRT_ISOTSUBO": ("磯坪", "Isotsubo", 36.5315, 140.6320, 0, "", 1),
    "BRT_KAWARAGO": ("河原子(BRT)", "Kawarago (BRT)", 36.5370, 140.6350, 0, "", 1),
    "BRT_HIGASHITAGA": ("東多賀町", "Higashi-Taga-cho", 36.5425, 140.6365, 0, "", 1),
    "BRT_KAWARAGO_JHS": (
        "河原子中学校入口",
        "Kawarago Junior High School",
        36.5465,
        140.6372,
        0,
        "",
        1,
    ),
    "BRT_IZUMI": ("泉町", "Izumi-cho", 36.5500, 140.6360, 0, "", 1),
    "TAGA_EKIMAE": ("多賀駅前", "Taga Station", 36.5524, 140.6330, 0, "", 1),
    "HITACHI_CHUO": ("日立駅中央口", "Hitachi Station Central Exit", 36.5915, 140.6605, 0, "", 1),
    "NISSEI_YAMA": ("日製山側門", "Hitachi Works Hill Gate", 36.5830, 140.6520, 0, "", 2),
    "UNDO_KOEN": ("運動公園前", "Sports Park", 36.5740, 140.6460, 0, "", 1),
    "IBADAI": ("茨大前", "Ibaraki University", 36.5650, 140.6410, 0, "", 1),
    "KOJO_IRIGUCHI": ("工場入口", "Factory Entrance", 36.5590, 140.6370, 0, "", 1),
    "HOSPITAL": ("日立総合病院", "Hitachi General Hospital", 36.5858, 140.6478, 0, "", 1),
}

BRT_STOPS = [
    "BRT_OSAKANA",
    "BRT_SUNPIA",
    "BRT_SEGAMI",
    "BRT_NANBU",
    "BRT_OMIKA_W",
    "BRT_ONUMA",
    "BRT_MIZUKI",
    "BRT_ISOTSUBO",
    "BRT_KAWARAGO",
    "BRT_HIGASHITAGA",
    "BRT_KAWARAGO_JHS",
    "BRT_IZUMI",
    "TAGA_EKIMAE",
]
CHUO_STOPS = ["HITACHI_CHUO", "NISSEI_YAMA", "UNDO_KOEN", "IBADAI", "KOJO_IRIGUCHI", "TAGA_EKIMAE"]
HOSPITAL_STOPS = ["HITACHI_CHUO", "HOSPITAL", "UNDO_KOEN", "IBADAI", "TAGA_EKIMAE"]
JR_STOPS = ["JR_JUO_P", "JR_OGITSU_P", "JR_HITACHI_P", "JR_TAGA_P", "JR_OMIKA_P"]


# route_id: (agency, short, long ja, long en, type, colour, stops, minutes between stops,
#            (weekday first, last, headway), (weekend first, last, headway), wheelchair)
ROUTES: dict[str, tuple] = {
    "JOBAN": (
        JR, "常磐線", "常磐線", "Joban Line", 2, "0072BC", JR_STOPS,
        [4, 5, 4, 4], ("05:30", "23:30", 20), ("05:40", "23:20", 30), 1,
    ),
    "BRT": (
        BUS, "BRT", "ひたちBRT", "Hitachi BRT", 3, "E4007F", BRT_STOPS,
        [2] * 12, ("06:00", "22:00", 15), ("06:30", "21:30", 20), 1,
    ),
    "CHUO": (
        BUS, "中央線", "中央線", "Chuo Line", 3, "1B7F3B", CHUO_STOPS,
        [4, 4, 3, 3, 4], ("06:10", "21:50", 20), ("07:00", "21:00", 30), 0,
    ),
    "HOSPITAL": (
        BUS, "病院線", "病院線", "Hospital Line", 3, "8A4B08", HOSPITAL_STOPS,
        [5, 6, 3, 6], ("07:00", "19:00", 30), ("08:00", "17:00", 60), 1,
    ),
}  # fmt: skip


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _gtfs_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def demo_tables() -> dict[str, list[list[str]]]:
    """Return the feed as {file name: rows, header first}; the same every time."""
    t: dict[str, list[list[str]]] = {
        "agency.txt": [
            ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
            [JR, "JR常磐線（デモデータ）", "https://example.org/demo/jr", "Asia/Tokyo", "ja"],
            [BUS, "日立市内バス（デモデータ）", "https://example.org/demo/bus", "Asia/Tokyo", "ja"],
        ],
        "agency_jp.txt": [
            ["agency_id", "agency_official_name", "agency_zip_number", "agency_address"],
            [BUS, "日立市内バス（デモデータ・架空の事業者）", "3170000", "茨城県日立市（デモ）"],
        ],
        "feed_info.txt": [
            ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_version"],
            ["Kyoso デモデータ", "https://example.org/demo", "ja", DEMO_FEED_VERSION],
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
            ["weekday", "1", "1", "1", "1", "1", "0", "0", "20240401", "20300331"],
            ["weekend", "0", "0", "0", "0", "0", "1", "1", "20240401", "20300331"],
        ],
        "calendar_dates.txt": [["service_id", "date", "exception_type"]],
        "stops.txt": [
            [
                "stop_id",
                "stop_name",
                "stop_lat",
                "stop_lon",
                "location_type",
                "parent_station",
                "wheelchair_boarding",
            ],
        ],
        "routes.txt": [
            [
                "route_id",
                "agency_id",
                "route_short_name",
                "route_long_name",
                "route_type",
                "route_color",
                "route_text_color",
                "jp_parent_route_id",
            ],
        ],
        "routes_jp.txt": [
            ["route_id", "route_update_date", "origin_stop", "via_stop", "destination_stop"]
        ],
        "trips.txt": [
            [
                "route_id",
                "service_id",
                "trip_id",
                "trip_headsign",
                "direction_id",
                "shape_id",
                "wheelchair_accessible",
            ],
        ],
        "stop_times.txt": [
            ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
        ],
        "shapes.txt": [["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"]],
        "fare_attributes.txt": [
            ["fare_id", "price", "currency_type", "payment_method", "transfers"],
            ["bus_flat", "200", "JPY", "0", "0"],
            ["jr_base", "150", "JPY", "1", "0"],
        ],
        "fare_rules.txt": [["fare_id", "route_id"], ["jr_base", "JOBAN"]],
        "translations.txt": [
            ["table_name", "field_name", "language", "translation", "record_id"],
        ],
    }
    # New Year holidays run the weekend timetable.
    for day in ("20261231", "20270101", "20270102", "20270103"):
        t["calendar_dates.txt"] += [["weekday", day, "2"], ["weekend", day, "1"]]
    for stop_id, (ja, en, lat, lon, kind, parent, wheel) in STOPS.items():
        t["stops.txt"].append(
            [stop_id, ja, f"{lat:.6f}", f"{lon:.6f}", str(kind), parent, str(wheel)]
        )
        t["translations.txt"].append(["stops", "stop_name", "en", en, stop_id])
    for route_id, r in ROUTES.items():
        agency, short, long_ja, long_en, kind, colour, stops, gaps, wd, we, wheel = r
        t["routes.txt"].append(
            [route_id, agency, short, long_ja, str(kind), colour, "FFFFFF", short]
        )
        t["translations.txt"].append(["routes", "route_long_name", "en", long_en, route_id])
        if agency == BUS:
            t["fare_rules.txt"].append(["bus_flat", route_id])
            t["routes_jp.txt"].append(
                [route_id, "20261101", STOPS[stops[0]][0], "", STOPS[stops[-1]][0]]
            )
        for direction in (0, 1):
            seq_stops = stops if direction == 0 else stops[::-1]
            seq_gaps = gaps if direction == 0 else gaps[::-1]
            shape_id = f"{route_id}_{direction}"
            _shape(t["shapes.txt"], shape_id, seq_stops)
            headsign = STOPS[seq_stops[-1]][0].removesuffix(" のりば")
            for service, (first, last, headway) in (("weekday", wd), ("weekend", we)):
                # The return direction starts a few minutes later so vehicles interleave.
                start = _minutes(first) + (7 if direction else 0)
                for dep in range(start, _minutes(last) + 1, headway):
                    trip_id = f"{route_id}_{service}_{direction}_{dep // 60:02d}{dep % 60:02d}"
                    t["trips.txt"].append(
                        [route_id, service, trip_id, headsign, str(direction), shape_id, str(wheel)]
                    )
                    clock = dep * 60
                    for seq, stop_id in enumerate(seq_stops, start=1):
                        if seq > 1:
                            clock += seq_gaps[seq - 2] * 60
                        dwell = 30 if route_id == "JOBAN" and 1 < seq < len(seq_stops) else 0
                        t["stop_times.txt"].append(
                            [
                                trip_id,
                                _gtfs_time(clock),
                                _gtfs_time(clock + dwell),
                                stop_id,
                                str(seq),
                            ]
                        )
                        clock += dwell
    return t


def _shape(rows: list[list[str]], shape_id: str, stops: list[str], steps: int = 4) -> None:
    seq = 1
    for a, b in itertools.pairwise(stops):
        (lat1, lon1), (lat2, lon2) = STOPS[a][2:4], STOPS[b][2:4]
        for k in range(steps):
            f = k / steps
            rows.append(
                [
                    shape_id,
                    f"{lat1 + (lat2 - lat1) * f:.6f}",
                    f"{lon1 + (lon2 - lon1) * f:.6f}",
                    str(seq),
                ]
            )
            seq += 1
    lat, lon = STOPS[stops[-1]][2:4]
    rows.append([shape_id, f"{lat:.6f}", f"{lon:.6f}", str(seq)])


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def write_demo_feed(target: Path, *, as_zip: bool = False) -> Path:
    """Return the path written: a folder of .txt files, or a zip when ``as_zip``."""
    tables = demo_tables()
    if as_zip:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, rows in tables.items():
                zf.writestr(name, _csv_bytes(rows))
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (target / name).write_bytes(_csv_bytes(rows))
    return target
