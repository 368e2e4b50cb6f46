"""Benchmark: Kyoso's GTFS import (validate + write to the database) vs gtfs-kit reading the feed.

For each feed in ../shared/data/gtfs (or the folders given with --feed), times
``kyoso.mobility.services.feed_import`` into a fresh embedded SQLite database (or the database
of DATABASE_URL) and ``gtfs_kit.read_feed`` on the same folder, median of --repeat runs each.
gtfs-kit only parses into pandas; Kyoso parses, validates every row and cross-file reference,
and writes every table (COPY on PostgreSQL), so a ratio near 1 means the database costs little.

    .venv/bin/python bench/gtfs_import.py [--feed DIR ...] [--repeat 3] [--scale 50]

``--scale N`` also builds a large feed from Donan Bus: its trips and stop_times copied N times
under new trip ids (N=50 gives 1.03 M stop_times; stops, shapes and fares once), in a
temporary folder, and imports it with the others. Kyoso and gtfs-kit alternate on each feed.

Prints one JSON object: per feed, rows, seconds for each side and kyoso/gtfs_kit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("KYOSO_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gtfs"


def build_scaled(source: Path, folder: Path, copies: int) -> Path:
    """Return a feed folder with the trips and stop times of ``source`` copied ``copies`` times."""
    import csv
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for f in source.glob("*.txt"):
        if f.name not in ("trips.txt", "stop_times.txt"):
            shutil.copy(f, folder / f.name)
    for name in ("trips.txt", "stop_times.txt"):
        with (
            (source / name).open(newline="", encoding="utf-8-sig") as fin,
            (folder / name).open("w", newline="", encoding="utf-8") as fout,
        ):
            reader, writer = csv.reader(fin), csv.writer(fout)
            header = next(reader)
            writer.writerow(header)
            col = header.index("trip_id")
            rows = list(reader)
            for k in range(copies):
                for row in rows:
                    writer.writerow([*row[:col], f"{row[col]}~{k}", *row[col + 1 :]])
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feed", action="append", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=0, help="also import Donan Bus x N")
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    if not args.feed and not SHARED.exists():
        print(json.dumps({"benchmark": "gtfs_import", "skipped": f"no feeds in {SHARED}"}))
        return
    feeds = args.feed or sorted(p for p in SHARED.iterdir() if (p / "stops.txt").exists())
    tmp = tempfile.mkdtemp(prefix="kyoso-bench-")
    if args.scale and (SHARED / "donan-bus-muroran").exists():
        feeds.append(
            build_scaled(
                SHARED / "donan-bus-muroran", Path(tmp) / f"donan-x{args.scale}", args.scale
            )
        )
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
        "benchmark": "gtfs_import",
        "load_before": load_before,
        "cpus": os.cpu_count(),
        "feeds": {},
    }
    for feed in feeds:
        kyoso_times, kit_times, read_times, counts = [], [], [], {}
        kyoso_cpu: list[float] = []
        peak = 0
        for rep in range(args.repeat):
            if rep % 2:  # alternate which side runs first
                t = time.perf_counter()
                gtfs_kit.read_feed(feed, dist_units="km")
                kit_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            read_feed(feed)
            read_times.append(time.perf_counter() - t)
            t, cpu = time.perf_counter(), time.process_time()
            result = feed_import(city=city, source=feed, actor=None)
            kyoso_times.append(time.perf_counter() - t)
            kyoso_cpu.append(time.process_time() - cpu)
            peak = max(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
            if not result.ok or result.feed is None:
                raise SystemExit(f"{feed}: rejected {result.errors[:3]}")
            counts = result.feed.counts
            if not rep % 2:
                t = time.perf_counter()
                gtfs_kit.read_feed(feed, dist_units="km")
                kit_times.append(time.perf_counter() - t)
        k, g = statistics.median(kyoso_times), statistics.median(kit_times)
        out["feeds"][feed.name] = {  # type: ignore[index]
            "stop_times": counts.get("stop_times"),
            "shape_points": counts.get("shape_points"),
            "kyoso_import_s": round(k, 3),
            "kyoso_import_runs_s": [round(x, 3) for x in kyoso_times],
            # This process's CPU (not the database server's): what a loaded machine cannot stretch.
            "kyoso_import_cpu_runs_s": [round(x, 3) for x in kyoso_cpu],
            "gtfs_kit_runs_s": [round(x, 3) for x in kit_times],
            "peak_rss_mib_so_far": peak,
            "kyoso_read_and_validate_s": round(statistics.median(read_times), 3),
            "kyoso_database_write_s": round(k - statistics.median(read_times), 3),
            "gtfs_kit_read_s": round(g, 3),
            "ratio_kyoso_over_gtfs_kit": round(k / g, 2),
        }
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
