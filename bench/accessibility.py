"""Accessibility benchmark: the level-of-service KPIs of the 23 districts of the demo city.

Loads the demo city into a throwaway SQLite database, then computes the report (share of
residents near a frequent stop, and the trip to the main hospital at 10:00 from every resident
point of every district: one earliest-arrival RAPTOR query per point and hospital stop) cold
(first call in the process: the network is built and the RAPTOR kernel compiled) and warm (the
network cached, the report's own cache cleared). No peer: no open tool computes these KPIs from
a city's merged GTFS for its vision. Prints JSON with the load average before and after.

    .venv/bin/python bench/accessibility.py [--repeat 5]
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
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import load, machine, spread, uptime  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    before, up_before = load(), uptime()
    os.environ.update(
        {"KYOSO_VAR_DIR": tempfile.mkdtemp(prefix="kyoso-access-"), "DATABASE_URL": ""}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from kyoso.core.demo import load_demo
    from kyoso.core.models import City
    from kyoso.mobility.selectors.accessibility import accessibility_report

    call_command("migrate", verbosity=0, interactive=False)
    load_demo()
    city = City.objects.get(slug="hitachi")
    t0 = time.perf_counter()
    report = accessibility_report(city)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(args.repeat):
        cache.clear()
        t0 = time.perf_counter()
        accessibility_report(city)
        warm.append(time.perf_counter() - t0)
    from kyoso.core.models import District
    from kyoso.mobility.algorithms.accessibility import district_points

    points = sum(
        len(
            district_points(
                d.outline or {}, (d.center_lat, d.center_lon), 1, report.rules.spacing_m
            ).lat
        )
        for d in District.objects.filter(city=city)
    )
    print(json.dumps({
        "benchmark": "mobility.accessibility",
        **machine(),
        "load_before": before, "uptime_before": up_before,
        "districts": len(report.rows), "resident_points": points,
        "destination": str(report.destination), "day": str(report.day),
        "cold_seconds": round(cold, 3),
        "warm_seconds": spread(warm),
        "warm_median_seconds": round(statistics.median(warm), 3),
        "near_frequent_percent": round(report.near_frequent * 100, 1),
        "near_frequent_65_percent": round(report.near_frequent_65 * 100, 1),
        "mean_minutes_to_hospital": report.minutes,
        "load_after": load(), "uptime_after": uptime(),
    }, ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
