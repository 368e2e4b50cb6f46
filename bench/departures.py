"""Benchmark: server time of the live departures pages with 100 vehicles updating every 15 s.

Loads the demo network into a fresh database (embedded SQLite, or DATABASE_URL), merges GTFS-RT
snapshots of 100 vehicles (the simulator's trips over the next hours, so 100 distinct trips),
then requests the stop page, its htmx departures fragment, the sign mode and the JSON API of
the busiest stop (多賀駅前) through Django's test client. Between requests a writer process
merges a fresh snapshot every --update seconds (15 s by default; the benchmark compresses
time with --update 1 to put many updates under the measured requests).

    .venv/bin/python bench/departures.py [--requests 400] [--update 1]

Prints one JSON object: p50/p95/max milliseconds per page. Goal: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--vehicles", type=int, default=100)
    parser.add_argument("--update", type=float, default=1.0)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kyoso-bench-")
    os.environ.setdefault("KYOSO_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from kyoso.core.models import City
    from kyoso.mobility import selectors, services
    from kyoso.mobility.algorithms import gtfs_rt
    from kyoso.mobility.algorithms.transit_simulator import Simulator
    from kyoso.mobility.demo_feed import write_demo_feed
    from kyoso.mobility.models import Stop

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    city, _ = City.objects.get_or_create(
        slug="hitachi",
        defaults={
            "name_ja": "日立市",
            "name_en": "Hitachi",
            "municipality_code": "082023",
            "population": 166000,
            "center_lat": 36.59,
            "center_lon": 140.65,
        },
    )
    result = services.feed_import(
        city=city, source=write_demo_feed(Path(tmp) / "demo"), actor=None, is_demo=True
    )
    assert result.feed is not None
    day = timezone.localdate()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    base = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    base = base.replace(hour=8)
    sim = Simulator(selectors.simulator_plans(city, base), seed=1)

    def snapshot(offset: int) -> gtfs_rt.Snapshot:
        # Vehicles at several instants ahead give 100 distinct trips with delays.
        merged = gtfs_rt.Snapshot(timestamp=int(timezone.now().timestamp()))
        seen: set[str] = set()
        minute = 0
        while len(merged.vehicles) < args.vehicles and minute < 12 * 60:
            snap = sim.snapshot(base + timedelta(minutes=minute, seconds=offset))
            for v, tu in zip(snap.vehicles, snap.trip_updates, strict=True):
                if v.trip_id not in seen and len(merged.vehicles) < args.vehicles:
                    seen.add(v.trip_id)
                    merged.vehicles.append(v)
                    merged.trip_updates.append(tu)
            minute += 7
        return merged

    # Snapshots are built before the clock starts so the writer only merges (as a poller does).
    prepared = [snapshot(15 * k) for k in range(8)]
    first = prepared[0]
    services.realtime_apply(city=city, snapshot=first, source="bench")
    stop = Stop.objects.get(feed=result.feed, stop_id="TAGA_EKIMAE")
    pages = {
        "stop_page": reverse("mobility:stop", args=[city.slug, stop.pk]),
        "departures_fragment": reverse("mobility:stop_departures", args=[city.slug, stop.pk]),
        "sign_mode": reverse("mobility:sign", args=[city.slug, stop.pk]),
        "api_departures": f"/api/v1/mobility/{city.slug}/stops/{stop.pk}/departures",
    }
    stop_writer = multiprocessing.Event()
    updates = multiprocessing.Value("i", 0)

    def writer() -> None:
        # A separate process, as the GTFS-RT poller is in production (one writer, many readers).
        while not stop_writer.wait(args.update):
            with updates.get_lock():
                updates.value += 1
                k = updates.value
            services.realtime_apply(city=city, snapshot=prepared[k % len(prepared)], source="bench")
        connection.close()

    client = Client()
    for url in pages.values():  # warm caches and templates
        assert client.get(url).status_code == 200, url
    connections.close_all()
    process = multiprocessing.get_context("fork").Process(target=writer, daemon=True)
    process.start()
    times: dict[str, list[float]] = {name: [] for name in pages}
    for i in range(args.requests):
        for name, url in pages.items():
            t = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        if i % 50 == 0:
            time.sleep(0.01)
    stop_writer.set()
    process.join()
    out = {
        "database": connection.vendor,
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "vehicles": len(first.vehicles),
        "trip_updates": len(first.trip_updates),
        "requests_per_page": args.requests,
        "snapshots_merged_during_run": updates.value,
        "goal_p95_ms": 50,
        "pages": {
            name: {
                "p50_ms": round(statistics.median(ts), 1),
                "p95_ms": round(statistics.quantiles(ts, n=20)[18], 1),
                "max_ms": round(max(ts), 1),
            }
            for name, ts in times.items()
        },
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
