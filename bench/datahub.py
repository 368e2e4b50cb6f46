"""Data hub benchmarks: the NGSI-LD API over HTTP on PostgreSQL.

    .venv/bin/python bench/datahub.py [--pg postgres://postgres@127.0.0.1:5432/postgres]
        [--entities 10000] [--seconds 15] [--temporal-runs 60]

A throwaway database is migrated and seeded (one city, a staff API token, one air-quality
sensor with 30 days of 1-minute PM2.5 readings, so its hourly rollups exist), then
``kyoso serve`` runs in production settings with ONE gunicorn worker (4 threads), so rates are
per server process; the client runs on the same machine, sequentially, over keep-alive HTTP.

1. Batch upsert: ``--entities`` AirQualityObserved-like entities in batches of 1,000
   (``POST /entityOperations/upsert``): first pass creates, second replaces. Entities/s.
2. Query by type+q: ``GET /entities?type=AirQualityObserved&q=pm25>80;airQualityLevel=="poor"``
   (limit 20, count) for ``--seconds``: req/s. Stellio publishes 30 req/s on 8 vCPU for its
   type+q query (≈3.75 req/s per vCPU): a PUBLISHED figure from other hardware, not run here.
3. Temporal: the sensor's hourly mean over 30 days
   (``/temporal/entities/{id}?aggrMethods=avg&aggrPeriodDuration=PT1H``, 720 buckets), p50/p95,
   from rollups (hour-aligned window) and from the raw readings (a window not on the hour).

The MQTT ingest and dashboard benchmarks of issue 13 are not in this file yet. Prints JSON with
the load average (``uptime``) before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    Http,
    drop_database,
    free_port,
    load,
    machine,
    serve,
    stop,
    throwaway_database,
    uptime,
)

STELLIO_TYPE_Q_REQ_S = 30.0  # published, 8 vCPU
STELLIO_VCPUS = 8
ENV_CONTEXT = "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld"
LINK = f'<{ENV_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'


def _seed(database_url: str, var_dir: str) -> dict[str, Any]:
    """Migrate and seed in this process (development settings on the bench database)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["KYOSO_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kyoso.core.models import City, Membership, User
    from kyoso.core.services import api_token_create, system_actor
    from kyoso.datahub.services import device_register, readings_ingest
    from kyoso.datahub.services.devices import PropertySpec
    from kyoso.datahub.wire import Observation

    city = City.objects.create(
        slug="hitachi", name_ja="日立市", name_en="Hitachi City", municipality_code="082023",
        population=166_000, center_lat=36.59, center_lon=140.65,
    )  # fmt: skip
    user = User.objects.create_user(email="bench@hitachi.example", password=None)
    Membership.objects.create(city=city, user=user, role="staff")
    # Staff keys work only once the account has two-step sign-in set up.
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    token = api_token_create(user=user, name="bench")[1]
    device = device_register(
        actor=system_actor(), city=city, key="air-bench", name="bench", entity_type="AirQualityObserved",
        lat=36.59, lon=140.65, properties=[PropertySpec("pm25", "µg/m3", 0, 1000)],
    )  # fmt: skip
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=30)
    rng = random.Random(13)
    moment = start
    batch: list[Observation] = []
    while moment < end:
        batch.append(Observation("pm25", moment, round(10 + rng.gauss(0, 3), 2)))
        moment += timedelta(minutes=1)
        if len(batch) == 5000:
            readings_ingest(city=city, device=device, observations=batch)
            batch = []
    if batch:
        readings_ingest(city=city, device=device, observations=batch)
    from django.db import connections

    connections.close_all()
    return {"token": token, "start": start, "end": end, "readings": 30 * 24 * 60}


def _entities(n: int, rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        pm25 = round(rng.uniform(0, 120), 1)
        out.append(
            {
                "id": f"urn:ngsi-ld:AirQualityObserved:bench-{i}",
                "type": "AirQualityObserved",
                "pm25": {"type": "Property", "value": pm25, "unitCode": "GQ",
                         "observedAt": "2026-11-01T00:00:00Z"},
                "airQualityLevel": {"type": "Property", "value": "poor" if pm25 > 75 else "good"},
                "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [
                    round(140.55 + rng.random() * 0.2, 5), round(36.5 + rng.random() * 0.2, 5)]}},
                "refDevice": {"type": "Relationship", "object": f"urn:ngsi-ld:Device:d{i % 97}"},
            }
        )  # fmt: skip
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--temporal-runs", type=int, default=60)
    args = parser.parse_args()
    out: dict[str, Any] = {"benchmark": "datahub.ngsi_ld", **machine(), "uptime_before": uptime()}
    var_dir = tempfile.mkdtemp(prefix="kyoso-bench-ngsi-")
    database_url, admin, name = throwaway_database(args.pg, "kyoso_bench_ngsi")
    server = None
    try:
        seeded = _seed(database_url, var_dir)
        free = free_port()
        server = serve(database_url, var_dir, free)
        client = Http(free, {"Authorization": f"Bearer {seeded['token']}", "Link": LINK})
        rng = random.Random(4)
        entities = _entities(args.entities, rng)

        timings = {}
        for label in ("create", "replace"):
            t0 = time.perf_counter()
            for i in range(0, len(entities), 1000):
                status, body = client.request(
                    "POST", "/ngsi-ld/v1/entityOperations/upsert", entities[i : i + 1000]
                )
                if status not in (201, 204):
                    raise RuntimeError(f"upsert answered {status}: {body[:300]!r}")
            timings[label] = time.perf_counter() - t0
        out["batch_upsert"] = {
            "entities": len(entities),
            "batch": 1000,
            "entities_per_s_creating": round(len(entities) / timings["create"], 1),
            "entities_per_s_replacing": round(len(entities) / timings["replace"], 1),
            "anchor_orion_ld": "≈1,800 NGSI-LD updates/s on 1 CPU (FIWARE's published load test)",
        }

        q = quote('pm25>80;airQualityLevel=="poor"')
        path = f"/ngsi-ld/v1/entities?type=AirQualityObserved&q={q}&limit=20&count=true"
        status, body = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"query answered {status}: {body[:300]!r}")
        matched = sum(1 for e in entities if e["pm25"]["value"] > 80)
        latencies = []
        deadline = time.perf_counter() + args.seconds
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            client.request("GET", path)
            latencies.append(time.perf_counter() - t0)
        per_core = STELLIO_TYPE_Q_REQ_S / STELLIO_VCPUS
        rate = len(latencies) / sum(latencies)
        out["query_type_q"] = {
            "query": 'type=AirQualityObserved&q=pm25>80;airQualityLevel=="poor"&limit=20&count=true',
            "entities_of_type": len(entities) + 1,
            "matching": matched,
            "requests": len(latencies),
            "req_per_s_one_worker": round(rate, 1),
            "p50_ms": _pct(latencies, 0.5),
            "p95_ms": _pct(latencies, 0.95),
            "stellio_published": "30 req/s on 8 vCPU (published figure, other hardware, not run here)",
            "stellio_per_vcpu_published": per_core,
            "ratio_to_stellio_per_vcpu": round(rate / per_core, 1),
        }

        def iso(moment: datetime) -> str:
            return moment.isoformat().replace("+00:00", "Z")

        eid = "urn:ngsi-ld:AirQualityObserved:hitachi:air-bench"
        temporal = {}
        for label, shift in (
            ("from_rollups", timedelta(0)),
            ("from_readings", timedelta(minutes=30)),
        ):
            start, end = seeded["start"] + shift, seeded["end"] - timedelta(hours=1) + shift
            tpath = (
                f"/ngsi-ld/v1/temporal/entities/{eid}?attrs=pm25&timerel=between"
                f"&timeAt={quote(iso(start))}&endTimeAt={quote(iso(end))}"
                "&aggrMethods=avg&aggrPeriodDuration=PT1H"
            )
            runs = []
            buckets = 0
            for _ in range(args.temporal_runs):
                t0 = time.perf_counter()
                status, body = client.request("GET", tpath)
                runs.append(time.perf_counter() - t0)
                if status != 200:
                    raise RuntimeError(f"temporal answered {status}: {body[:300]!r}")
                buckets = len(json.loads(body)["pm25"]["avg"])
            temporal[label] = {
                "buckets": buckets,
                "runs": len(runs),
                "p50_ms": _pct(runs, 0.5),
                "p95_ms": _pct(runs, 0.95),
                "mean_ms": round(statistics.fmean(runs) * 1000, 2),
            }
        out["temporal_hourly_mean_30_days"] = {"readings": seeded["readings"], **temporal}
    finally:
        stop(server)
        from django.db import connections

        connections.close_all()
        drop_database(admin, name)
    out["load_after"] = load()
    out["uptime_after"] = uptime()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
