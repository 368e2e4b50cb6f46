"""Benchmark: community-points transfers per second vs pgbench's TPC-B-like script, one run.

On the same PostgreSQL server, at the same client counts (1, 8, 32), alternating the two sides
``--repeat`` times (median and spread reported), it runs

* pgbench's built-in ``tpcb-like`` script (a bank transfer: update an account, a teller and a
  branch, insert a history row) on a throwaway database made with ``pgbench -i`` (scale 1);
* Kyoso's ``transfer_create`` (the real service: row locks on both balances in id order, funds
  and limits, the journal entry, the idempotency key; the hash chain is extended by the sealer
  that the clients themselves run after commits, so its cost is inside the figure) from N
  processes, each with its own connection, over 10,000 citizen accounts of one city, with
  Django's query log off as in production — once with random accounts and once with every
  client on its own disjoint slice of the accounts;
* a final ``journal_seal`` and ``ledger_verify`` (how many entries waited, how long sealing them
  took, and whether the ledger verifies);

then the rate on SQLite (one client, the embedded mode) and the batched import rate
(``transfers_import``: 10,000 transfers in one transaction, sealed) on both databases.

    .venv/bin/python bench/ledger.py [--seconds 5] [--repeat 3] [--clients 1 8 32] [--pg URL]

Prints one JSON object (with the load average before and after). Throwaway databases are
dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
ACCOUNTS = 10_000


def _psql(pg: str, sql: str) -> None:
    subprocess.run(["psql", f"{pg}/postgres", "-q", "-c", sql], check=True, capture_output=True)


def _pg_params(pg: str) -> list[str]:
    m = re.match(r"postgres(?:ql)?://(?P<user>[^@/]+)@(?P<host>[^:/]+)(?::(?P<port>\d+))?", pg)
    if not m:
        raise SystemExit(f"cannot read {pg}")
    return ["-h", m["host"], "-p", m["port"] or "5432", "-U", m["user"]]


def pgbench_init(pg: str) -> str:
    db = f"kyoso_bench_pgbench_{os.getpid()}"
    _psql(pg, f"DROP DATABASE IF EXISTS {db}")
    _psql(pg, f"CREATE DATABASE {db}")
    subprocess.run(["pgbench", *_pg_params(pg), "-i", "-q", db], check=True, capture_output=True)
    return db


def pgbench_rate(pg: str, db: str, clients: int, seconds: int) -> float:
    out = subprocess.run(
        ["pgbench", *_pg_params(pg), "-n", "-b", "tpcb-like", "-c", str(clients),
         "-j", str(clients), "-T", str(seconds), db],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found = re.search(r"tps = ([\d.]+) \((?:without initial connection time|excluding)", out)
    return float(found.group(1)) if found else float("nan")


def _setup_django(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kyoso.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"  # no query log, as in production
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "commons", verbosity=0)


def _make_city(slug: str, code: str, accounts: int) -> tuple[int, list[int]]:
    """Return a city id and its citizen account ids, funded through the real service."""
    from kyoso.commons.models import AccountBalance, AccountKind, LedgerAccount
    from kyoso.commons.services import ledger
    from kyoso.core.models import City, User

    city = City.objects.create(
        slug=slug, name_ja=slug, name_en=slug, municipality_code=code, population=166000,
        center_lat=36.6, center_lon=140.65, rules={"points.daily_limit": 10**12,
                                                   "points.account_limit": 10**12},
    )  # fmt: skip
    issuer = ledger.system_account(city=city, kind=AccountKind.ISSUER)
    users = User.objects.bulk_create(
        [User(email=f"bench{n}@{slug}.example") for n in range(accounts)]
    )
    made = LedgerAccount.objects.bulk_create(
        [LedgerAccount(city=city, kind="citizen", owner=u, name=u.email) for u in users]
    )
    AccountBalance.objects.bulk_create([AccountBalance(account=a, city=city) for a in made])
    rows = [ledger.TransferRow(issuer.pk, a.pk, 1_000_000, f"fund-{a.pk}", "issue") for a in made]
    for i in range(0, len(rows), 5000):
        ledger.transfers_import(city=city, rows=rows[i : i + 5000])
    return city.pk, [a.pk for a in made]


def _worker(city_id: int, ids: list[int], seconds: float, tag: str, start: Any, out: Any) -> None:
    from django.db import connection

    from kyoso.commons.models import LedgerAccount
    from kyoso.commons.services import ledger
    from kyoso.core.models import City

    connection.close()
    city = City.objects.get(pk=city_id)
    accounts = LedgerAccount.objects.in_bulk(ids)
    rng = random.Random(tag)
    start.wait()
    done, n = 0, 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        a, b = rng.sample(ids, 2)
        n += 1
        ledger.transfer_create(
            city=city, debit=accounts[a], credit=accounts[b], amount=rng.randint(1, 500),
            idempotency_key=f"{tag}-{n}", kind="gift",
        )  # fmt: skip
        done += 1
    out.put(done)
    connection.close()


def run_clients(
    cities: list[tuple[int, list[int]]], clients: int, seconds: float, *, disjoint: bool = False
) -> float:
    """Return transfers/second with ``clients`` processes spread round-robin over the cities.

    ``disjoint``: each client pays only among its own slice of the city's accounts, so no two
    clients ever touch the same account (throughput should then grow with clients).
    """
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    start = ctx.Barrier(clients + 1)
    out = ctx.Queue()
    procs = []
    for n in range(clients):
        city_id, ids = cities[n % len(cities)]
        if disjoint:
            ids = ids[n::clients]
        tag = f"c{clients}-{len(cities)}-{n}-{disjoint}-{time.time_ns()}"
        p = ctx.Process(target=_worker, args=(city_id, ids, seconds, tag, start, out))
        p.start()
        procs.append(p)
    start.wait()
    began = time.perf_counter()
    total = sum(out.get() for _ in procs)
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join()
    return total / max(elapsed, seconds)


def import_rate(city_id: int, ids: list[int], n: int = 10_000) -> float:
    from kyoso.commons.services import ledger
    from kyoso.core.models import City

    city = City.objects.get(pk=city_id)
    rng = random.Random(7)
    rows = []
    for k in range(n):
        a, b = rng.sample(ids, 2)
        rows.append(
            ledger.TransferRow(a, b, rng.randint(1, 50), f"import-{time.time_ns()}-{k}", "gift")
        )
    began = time.perf_counter()
    ledger.transfers_import(city=city, rows=rows)
    return n / (time.perf_counter() - began)


def bench_postgres(pg: str, clients: list[int], seconds: int, repeat: int) -> dict[str, Any]:
    from benchlib import spread

    db = f"kyoso_bench_ledger_{os.getpid()}"
    _psql(pg, f"DROP DATABASE IF EXISTS {db}")
    _psql(pg, f"CREATE DATABASE {db}")
    peer_db = pgbench_init(pg)
    try:
        _setup_django(f"{pg}/{db}")
        main_city = _make_city("bench", "990001", ACCOUNTS)
        runs: dict[str, dict[int, list[float]]] = {
            side: {n: [] for n in clients} for side in ("pgbench", "kyoso", "kyoso_disjoint")
        }
        for rep in range(repeat):
            for n in clients:
                order = ["pgbench", "kyoso", "kyoso_disjoint"]
                if rep % 2:
                    order.reverse()
                for side in order:
                    if side == "pgbench":
                        rate = pgbench_rate(pg, peer_db, n, seconds)
                    else:
                        rate = run_clients(
                            [main_city], n, seconds, disjoint=side == "kyoso_disjoint"
                        )
                    runs[side][n].append(rate)
        from django.db import connections

        from kyoso.commons.selectors.ledger import ledger_verify
        from kyoso.commons.services.ledger_seal import journal_seal
        from kyoso.core.models import City

        connections.close_all()
        city = City.objects.get(pk=main_city[0])
        before = ledger_verify(city)
        began = time.perf_counter()
        sealed = journal_seal(city=city)
        seal_seconds = time.perf_counter() - began
        imported = import_rate(*main_city)
        verified = all(ledger_verify(c).ok for c in City.objects.all())
        connections.close_all()
        return {
            "clients": {
                str(n): {
                    "kyoso_transfers_per_s": spread(runs["kyoso"][n], 1),
                    "kyoso_disjoint_accounts_per_s": spread(runs["kyoso_disjoint"][n], 1),
                    "pgbench_tps": spread(runs["pgbench"][n], 1),
                    "ratio": round(
                        statistics.median(runs["kyoso"][n]) / statistics.median(runs["pgbench"][n]),
                        3,
                    ),
                    "ratio_disjoint": round(
                        statistics.median(runs["kyoso_disjoint"][n])
                        / statistics.median(runs["pgbench"][n]),
                        3,
                    ),
                }
                for n in clients
            },
            "journal_entries": before.transfers,
            "unsealed_after_runs": before.unsealed,
            "oldest_unsealed_seconds_after_runs": before.oldest_unsealed_seconds,
            "final_seal": {"entries": sealed, "seconds": round(seal_seconds, 3)},
            "postgres_batched_import_per_s": round(imported, 1),
            "ledger_verify_ok": verified,
        }
    finally:
        from django.db import connections

        connections.close_all()
        _psql(pg, f"DROP DATABASE IF EXISTS {db}")
        _psql(pg, f"DROP DATABASE IF EXISTS {peer_db}")


def sqlite_child(tmp: str, seconds: int) -> None:
    _setup_django(f"sqlite:///{tmp}/bench.sqlite3")
    city = _make_city("bench", "990001", 1000)
    rate = run_clients([city], 1, seconds)
    from django.db import connections

    connections.close_all()
    print(json.dumps({"rate": rate, "import": import_rate(*city)}))


def bench_sqlite(seconds: int) -> dict[str, float]:
    """Run in a child process: Django can be set up only once per process."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KYOSO_VAR_DIR": tmp}
        out = subprocess.run(
            [sys.executable, __file__, "--sqlite-child", tmp, "--seconds", str(seconds)],
            check=True, capture_output=True, text=True, env=env, cwd=ROOT,
        ).stdout  # fmt: skip
        return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 8, 32])
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--sqlite-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sqlite_child:
        sqlite_child(args.sqlite_child, args.seconds)
        return
    from benchlib import load, machine

    report: dict[str, Any] = {
        "benchmark": "ledger",
        "peer": "pgbench -b tpcb-like (scale 1)",
        **machine(),
        "seconds_per_run": args.seconds,
        "repeat": args.repeat,
    }
    report.update(bench_postgres(args.pg, args.clients, args.seconds, args.repeat))
    sqlite = bench_sqlite(args.seconds)
    report["sqlite_1_client_per_s"] = round(sqlite["rate"], 1)
    report["sqlite_batched_import_per_s"] = round(sqlite["import"], 1)
    report["load_after"] = load()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
