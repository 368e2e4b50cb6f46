"""Benchmark: Kyoso's GTFS import (validate + write to the database) vs gtfs-kit reading the feed.

For each feed in ../shared/data/gtfs (or the folders given with --feed), times
``kyoso.mobility.services.feed_import`` into a fresh embedded SQLite database (or the database
of DATABASE_URL) and ``gtfs_kit.read_feed`` on the same folder, median of --repeat runs each.
gtfs-kit only parses into pandas; Kyoso parses, validates every row and cross-file reference,
and writes every table (COPY on PostgreSQL), so a ratio near 1 means the database costs little.

    .venv/bin/python bench/gtfs_import.py [--feed DIR ...] [--repeat 3]

Prints one JSON object: per feed, rows, seconds for each side and kyoso/gtfs_kit.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("KYOSO_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gtfs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feed", action="append", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    feeds = args.feed or sorted(p for p in SHARED.iterdir() if (p / "stops.txt").exists())
    tmp = tempfile.mkdtemp(prefix="kyoso-bench-")
    os.environ.setdefault("KYOSO_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    import django

    django.setup()
    import gtfs_kit
    from django.core.management import call_command
    from django.db import connection

    from kyoso.core.models import City
    from kyoso.mobility.algorithms.gtfs_feed import read_feed
    from kyoso.mobility.services import feed_import

    call_command("migrate", "mobility", verbosity=0)
    city, _ = City.objects.get_or_create(
        slug="bench",
        defaults={
            "name_ja": "ベンチ市",
            "name_en": "Bench",
            "municipality_code": "999999",
            "population": 1,
            "center_lat": 36.6,
            "center_lon": 140.6,
        },
    )
    out: dict[str, object] = {
        "database": connection.vendor,
        "repeat": args.repeat,
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "feeds": {},
    }
    for feed in feeds:
        kyoso_times, kit_times, read_times, counts = [], [], [], {}
        for _ in range(args.repeat):
            t = time.perf_counter()
            read_feed(feed)
            read_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            result = feed_import(city=city, source=feed, actor=None)
            kyoso_times.append(time.perf_counter() - t)
            if not result.ok or result.feed is None:
                raise SystemExit(f"{feed}: rejected {result.errors[:3]}")
            counts = result.feed.counts
            t = time.perf_counter()
            gtfs_kit.read_feed(feed, dist_units="km")
            kit_times.append(time.perf_counter() - t)
        k, g = statistics.median(kyoso_times), statistics.median(kit_times)
        out["feeds"][feed.name] = {  # type: ignore[index]
            "stop_times": counts.get("stop_times"),
            "shape_points": counts.get("shape_points"),
            "kyoso_import_s": round(k, 3),
            "kyoso_read_and_validate_s": round(statistics.median(read_times), 3),
            "kyoso_database_write_s": round(k - statistics.median(read_times), 3),
            "gtfs_kit_read_s": round(g, 3),
            "ratio_kyoso_over_gtfs_kit": round(k / g, 2),
        }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
