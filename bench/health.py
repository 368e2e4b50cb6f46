"""Health benchmark: the FHIR API under consent checks, and a private city statistic.

1. FHIR over HTTP against ``kyoso serve`` in production settings with ONE gunicorn worker
   (4 threads) on a throwaway PostgreSQL database: ``--observations`` Observations for
   ``--patients`` patients are loaded first (encrypted like real entries), every patient shares
   vitals with one hospital, then a client on the same machine, sequentially over keep-alive:
   - create: ``POST /fhir/R4/Observation`` as the patient (``patient/Observation.c``);
   - read: ``GET /fhir/R4/Observation/<id>`` as the hospital's doctor (``user/Observation.r``),
     each read checked against the patient's consent and written to the access log;
   - search: ``GET /fhir/R4/Observation?patient=…&date=ge…`` as the doctor, p50/p95.
   Rates are per server process (one worker), i.e. roughly per CPU core. The peer figure is
   PUBLISHED, not measured here: HealthSamurai's fhir-server-performance-benchmark reports HAPI
   FHIR at about 3,900 CRUD requests/s on 8 vCPU, i.e. about 490 per vCPU.
2. A differentially private district × age band × sex count table over ``--residents``
   synthetic residents (OpenDP Laplace, the function the statistics page uses): time and the
   95% accuracy OpenDP reports. No peer: no open tool publishes such tables for a city.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
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

HAPI_PUBLISHED = {"crud_per_s": 3900, "vcpu": 8, "source": "HealthSamurai fhir-server-performance-benchmark (published)"}  # fmt: skip


def _observation(patient_id: int, at: datetime, value: float) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": at.isoformat(),
        "valueQuantity": {"value": value, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }  # fmt: skip


def _seed(
    database_url: str, var_dir: str, keys: dict[str, str], patients: int, observations: int
) -> dict[str, Any]:
    """Migrate and load the data in this process, with the keys the server will use."""
    os.environ.update({"DATABASE_URL": database_url, "KYOSO_VAR_DIR": var_dir, **keys})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyoso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kyoso.core.models import City, Membership, User
    from kyoso.core.services import system_actor
    from kyoso.health import services
    from kyoso.health.keys import cipher
    from kyoso.health.models import FhirAccessToken, FhirClientApp, HealthEntry, token_hash
    from kyoso.health.records import fhir_resources
    from kyoso.health.services.records import code_hashes

    city = City.objects.create(
        slug="hitachi", name_ja="日立市", name_en="Hitachi City", municipality_code="082023",
        population=166_000, center_lat=36.59, center_lon=140.65,
    )  # fmt: skip
    system = system_actor()
    hospital = services.care_provider_ensure(
        city=city, actor=system, code="hospital", name_ja="日立総合病院", kind="hospital"
    )
    doctor = User.objects.create_user("doctor@bench.example", None)
    Membership.objects.create(city=city, user=doctor, role="clinic")
    TOTPDevice.objects.create(user=doctor, name="bench", confirmed=True)
    services.care_staff_ensure(
        city=city, actor=system, provider=hospital, user=doctor, profession="doctor"
    )
    people = User.objects.bulk_create(
        [User(email=f"p{i}@bench.example", birth_year=1940 + i % 60) for i in range(patients)]
    )
    Membership.objects.bulk_create([Membership(city=city, user=u, role="citizen") for u in people])
    for u in people:  # the consent every read is checked against
        services.share_grant(
            city=city, actor=u, patient=u, items=["vitals"], purpose="treatment", days=365,
            provider=hospital,
        )  # fmt: skip
    c = cipher()
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    per = max(1, observations // patients)
    batch: list[HealthEntry] = []
    loaded = 0
    t0 = time.perf_counter()
    for u in people:
        for k in range(per):
            resource = _observation(
                u.pk, start + timedelta(hours=k * 7), round(rng.gauss(60, 8), 1)
            )
            tokens = code_hashes(resource)
            batch.append(HealthEntry(
                city=city, patient=u, resource_type="Observation",
                item=fhir_resources.data_item(resource) or "", effective_at=fhir_resources.effective_at(resource),
                code_index="\n" + "\n".join(tokens) + "\n", payload=c.encrypt(resource), source="fhir",
            ))  # fmt: skip
            if len(batch) == 5000:
                HealthEntry.objects.bulk_create(batch)
                loaded += len(batch)
                batch = []
    if batch:
        HealthEntry.objects.bulk_create(batch)
        loaded += len(batch)
    load_seconds = time.perf_counter() - t0
    app = FhirClientApp.objects.create(
        city=city,
        name="bench",
        client_id="bench",
        redirect_uris="http://localhost/cb",
        created_by=system,
    )
    tokens = {}
    for who, user, scopes in (
        ("doctor", doctor, "user/Observation.rs"),
        ("patient", people[0], "patient/Observation.crs"),
    ):
        raw = secrets.token_urlsafe(32)
        FhirAccessToken.objects.create(
            city=city, client=app, user=user, token_hash=token_hash(raw), scopes=scopes,
            expires_at=datetime.now(UTC) + timedelta(hours=6),
        )  # fmt: skip
        tokens[who] = raw
    ids = [str(x) for x in HealthEntry.objects.values_list("fhir_id", flat=True)[:5000]]
    pids = [u.pk for u in people]
    from django.db import connections

    connections.close_all()
    return {
        "tokens": tokens,
        "entry_ids": ids,
        "patient_ids": pids,
        "loaded": loaded,
        "load_seconds": round(load_seconds, 1),
    }


def _client(port: int, token: str) -> Http:
    return Http(port, {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"})


def _timed(client: Http, calls: list[tuple[str, str, Any]], ok: set[int]) -> list[float]:
    out = []
    for method, path, body in calls:
        t0 = time.perf_counter()
        status, text = client.request(method, path, body, "application/fhir+json")
        out.append(time.perf_counter() - t0)
        if status not in ok:
            raise RuntimeError(f"{method} {path} answered {status}: {text[:300]!r}")
    return out


def _concurrent(
    port: int, token: str, calls: list[tuple[str, str, Any]], ok: set[int], clients: int
) -> dict[str, Any]:
    """Run the calls from ``clients`` threads (one connection each); return rate and latency."""
    from concurrent.futures import ThreadPoolExecutor

    shares = [calls[i::clients] for i in range(clients)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        parts = list(pool.map(lambda part: _timed(_client(port, token), part, ok), shares))
    wall = time.perf_counter() - t0
    runs = [r for part in parts for r in part]
    return {**_summary(runs), "clients": clients, "per_s": round(len(runs) / wall, 1)}


def _summary(runs: list[float]) -> dict[str, Any]:
    ordered = sorted(runs)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"requests": len(runs), "per_s": round(len(runs) / sum(runs), 1), "p50_ms": pct(0.5), "p95_ms": pct(0.95), "mean_ms": round(statistics.fmean(runs) * 1000, 2)}  # fmt: skip


def _private_table(residents: int, epsilon: float) -> dict[str, Any]:
    from kyoso.health.records.private_stats import AGE_BANDS, SEXES, Budget, count_table

    rng = random.Random(11)
    districts = [f"d{i:02d}" for i in range(23)]
    cells = [(d, a, s) for d in districts for a in AGE_BANDS for s in SEXES]
    counts: dict[Any, int] = {}
    for _ in range(residents):
        cell = (rng.choice(districts), rng.choice(AGE_BANDS), rng.choice(SEXES[:2]))
        counts[cell] = counts.get(cell, 0) + 1
    timings = []
    for _run in range(2):  # the first call loads OpenDP's library: cold, then warm
        t0 = time.perf_counter()
        table = count_table(counts, cells=cells, epsilon=epsilon, budget=Budget(total=10.0))
        timings.append(time.perf_counter() - t0)
    released = table.released()
    errors = [abs(released[c] - counts.get(c, 0)) for c in released]
    return {
        "residents": residents, "cells": len(cells), "epsilon": epsilon,
        "seconds_cold": round(timings[0], 4), "seconds_warm": round(timings[1], 4), "accuracy95_opendp": round(table.accuracy95, 2),
        "suppressed_cells": len(cells) - len(released),
        "observed_abs_error_p95": sorted(errors)[int(0.95 * (len(errors) - 1))] if errors else None,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--patients", type=int, default=1_000)
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--residents", type=int, default=166_000)
    parser.add_argument("--clients", type=int, default=4, help="client threads (the worker has 4)")
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    out: dict[str, Any] = {"benchmark": "health.fhir", **machine(), "uptime_before": uptime()}
    keys = {"KYOSO_HEALTH_KEYS": Fernet.generate_key().decode(), "KYOSO_HEALTH_INDEX_KEY": secrets.token_urlsafe(32)}  # fmt: skip
    var_dir = tempfile.mkdtemp(prefix="kyoso-bench-health-")
    database_url, admin, name = throwaway_database(args.pg, "kyoso_bench_health")
    server = None
    try:
        seeded = _seed(database_url, var_dir, keys, args.patients, args.observations)
        out["data"] = {"patients": args.patients, "observations": seeded["loaded"], "bulk_load_seconds": seeded["load_seconds"]}  # fmt: skip
        port = free_port()
        server = serve(database_url, var_dir, port, keys)
        doctor = _client(port, seeded["tokens"]["doctor"])
        rng = random.Random(3)
        me = seeded["patient_ids"][0]
        warm = [("GET", f"/fhir/R4/Observation/{seeded['entry_ids'][0]}", None)] * 5
        _timed(doctor, warm, {200})  # the first requests import and connect: not timed
        creates = [("POST", "/fhir/R4/Observation", _observation(me, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i), 60.0)) for i in range(args.requests)]  # fmt: skip
        tok = seeded["tokens"]
        out["create"] = _concurrent(port, tok["patient"], creates, {201}, args.clients)
        reads = [("GET", f"/fhir/R4/Observation/{rng.choice(seeded['entry_ids'])}", None) for _ in range(args.requests)]  # fmt: skip
        out["read_with_consent_check"] = _concurrent(
            port, tok["doctor"], reads, {200}, args.clients
        )
        searches = [("GET", f"/fhir/R4/Observation?patient={rng.choice(seeded['patient_ids'])}&date=ge2025-03-01&_count=20", None) for _ in range(args.requests)]  # fmt: skip
        out["search_by_patient_and_date"] = _concurrent(
            port, tok["doctor"], searches, {200}, args.clients
        )
        crud = (out["create"]["per_s"] + out["read_with_consent_check"]["per_s"]) / 2
        out["vs_hapi_published"] = {
            **HAPI_PUBLISHED,
            "hapi_per_vcpu": round(HAPI_PUBLISHED["crud_per_s"] / HAPI_PUBLISHED["vcpu"], 1),
            "kyoso_create_read_mean_per_worker": round(crud, 1),
            "ratio_per_core": round(crud / (HAPI_PUBLISHED["crud_per_s"] / HAPI_PUBLISHED["vcpu"]), 2),
            "note": "HAPI's figure is published, not measured here; Kyoso's includes a consent check and an access-log write on every read.",
        }  # fmt: skip
    finally:
        stop(server)
        from django.db import connections

        connections.close_all()
        drop_database(admin, name)
    out["private_table"] = _private_table(args.residents, 1.0)
    out["load_after"] = load()
    out["uptime_after"] = uptime()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
