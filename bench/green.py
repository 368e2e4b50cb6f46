"""Green benchmarks: factor parsing, the least-cost plan, and recomputing an inventory.

    .venv/bin/python bench/green.py [--companies 1000] [--runs 3] [--pg postgres://…]

1. Parse ``denki.txt`` (the packaged copy): time, and that all 511 retail suppliers, the 10 grid
   operators and the 代替値 are found.
2. The least-cost plan of one company with 40 candidate measures and a budget (HiGHS 0/1
   programme): time to optimal, the first call (cold: the solver is loaded) apart.
3. Recompute the inventory after a factor-year update of companies × 5 sites × 36 months ×
   8 fuels activity rows (1,000 companies = 1.44 M rows): Kyoso's accounting code path
   (factor resolution by the dual Scope 2 rules, pint units, the multiplication) against a single
   PostgreSQL ``INSERT … SELECT`` doing only the multiplication by a pre-resolved factor on the
   same rows. Runs alternate; median and spread of ``--runs``; load average before and after.

The Django write path (``inventory_recalculate`` storing results with ``bulk_update``) is not
timed here. Prints JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402

from benchlib import load, machine, spread  # noqa: E402
from kyoso.green.accounting import abatement  # noqa: E402
from kyoso.green.accounting import inventory as acc  # noqa: E402
from kyoso.green.accounting.factor_lists import parse_denki  # noqa: E402

PACKAGED = ROOT / "src" / "kyoso" / "green" / "data" / "official"
FUELS: list[tuple[acc.Category, str, str, str]] = [
    (acc.Category.ELECTRICITY, "kWh", "A0269", "メニューM(残差)"),
    (acc.Category.ELECTRICITY, "kWh", "A0009", ""),  # residual by rule
    (acc.Category.CITY_GAS, "千m3", "A0026", "福島地区、茨城地区"),
    (acc.Category.LPG, "t", "", ""),
    (acc.Category.KEROSENE, "kL", "", ""),
    (acc.Category.DIESEL, "L", "", ""),
    (acc.Category.GASOLINE, "kL", "", ""),
    (acc.Category.HEAVY_OIL_A, "kL", "", ""),
]


def bench_parse(runs: int) -> dict[str, Any]:
    text = (PACKAGED / "denki.txt").read_text(encoding="utf-8")
    times, parsed = [], None
    for _ in range(runs):
        t = time.perf_counter()
        parsed = parse_denki(text)
        times.append(time.perf_counter() - t)
    assert parsed is not None
    return {
        "seconds": spread(times),
        "retail_suppliers": len({s.number for s in parsed.suppliers}),
        "grid_operators": len(parsed.grid_operators),
        "substitute": str(parsed.substitute),
        "national_average": str(parsed.national_average),
        "all_511_found": len({s.number for s in parsed.suppliers}) == 511,
    }


def _quiet_stdout() -> Any:
    """Silence C-level stdout (HiGHS prints a banner on its first use) so the JSON stays clean."""
    import contextlib
    import os

    @contextlib.contextmanager
    def quiet() -> Any:
        sys.stdout.flush()
        saved = os.dup(1)
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(saved, 1)
                os.close(saved)

    return quiet()


def bench_plan(runs: int) -> dict[str, Any]:
    rng = random.Random(11)
    cands = [
        abatement.Candidate(
            f"m{i}",
            f"measure {i}",
            rng.randint(1, 80) * 100_000,
            rng.randint(-800, 400) * 1000,
            rng.randint(5, 20),
            rng.uniform(1, 40),
            group=f"g{i % 5}" if i < 10 else "",
        )
        for i in range(40)
    ]
    total = sum(c.abated_t for c in cands)
    times, plan = [], None
    for _ in range(runs + 1):
        t = time.perf_counter()
        plan = abatement.least_cost_plan(cands, target_t=0.5 * total, budget_yen=60_000_000)
        times.append(time.perf_counter() - t)
    assert plan is not None
    return {
        "candidates": 40,
        "cold_seconds": round(times[0], 4),
        "warm_seconds": spread(times[1:]),
        "status": plan.status,
        "chosen": len(plan.chosen),
        "abated_t": round(plan.abated_t, 1),
    }


def _book() -> acc.FactorBook:
    from kyoso.green.accounting.factor_lists import parse_tsv

    book = acc.FactorBook(2025)
    e = parse_denki((PACKAGED / "denki.txt").read_text(encoding="utf-8"))
    for s in e.suppliers:
        for m in s.menus:
            book.electricity.setdefault(s.number, {})[m.menu] = acc.FactorRef(
                None, float(m.basic), float(m.adjusted), "t-CO2/kWh", s.name, 2025
            )
    book.national = acc.FactorRef(
        None, float(e.national_average or 0), float(e.national_average or 0), "t-CO2/kWh", "", 2025
    )
    book.substitute = acc.FactorRef(
        None, float(e.substitute or 0), float(e.substitute or 0), "t-CO2/kWh", "", 2025
    )
    for r in parse_tsv((PACKAGED / "gas.tsv").read_text(encoding="utf-8"))[1]:
        book.gas.setdefault(r.key, {})[r.detail] = acc.FactorRef(
            None, float(r.unit_or_basic), float(r.value), "t-CO2/千m3", r.name, 2025
        )
    for r in parse_tsv((PACKAGED / "fuels.tsv").read_text(encoding="utf-8"))[1]:
        book.fuels[r.key] = acc.FactorRef(
            None, float(r.value), float(r.value), r.unit_or_basic, r.name, 2025
        )
    return book


def _quantities(rows: int) -> list[float]:
    rng = random.Random(3)
    return [rng.uniform(1, 1000) for _ in range(rows)]


def kyoso_recompute(quantities: list[float], book: acc.FactorBook) -> float:
    """The service's per-row work: build the line, resolve the factors, convert, multiply."""
    total = 0.0
    n = len(FUELS)
    for i, q in enumerate(quantities):
        cat, unit, supplier, menu = FUELS[i % n]
        e = acc.compute(acc.ActivityLine(cat, q, unit, supplier, menu), book)
        total += e.co2_market_t
    return total


def _pg_setup(url: str, quantities: list[float]) -> tuple[str, str]:
    name = f"kyoso_green_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db_url = url.rstrip("/") + "/" + name
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE factor (id int PRIMARY KEY, value numeric(16,9) NOT NULL)")
        conn.execute(
            "CREATE TABLE activity (id bigint PRIMARY KEY, factor_id int NOT NULL, quantity numeric(16,4) NOT NULL)"
        )
        conn.execute(
            "CREATE TABLE result (activity_id bigint NOT NULL, co2 numeric(16,6) NOT NULL)"
        )
        conn.execute(
            "INSERT INTO factor VALUES (1, 0.000452), (2, 0.000547), (3, 2.09), (4, 2.99), (5, 2.50), (6, 0.00262), (7, 2.29), (8, 2.75)"
        )
        buf = io.StringIO()
        for i, q in enumerate(quantities):
            buf.write(f"{i}\t{i % 8 + 1}\t{q:.4f}\n")
        buf.seek(0)
        with conn.cursor() as cur, cur.copy("COPY activity FROM STDIN") as copy:
            copy.write(buf.read())
        conn.execute("ANALYZE activity")
    return name, db_url


def pg_recompute(db_url: str) -> float:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("TRUNCATE result")
        t = time.perf_counter()
        conn.execute(
            "INSERT INTO result SELECT a.id, a.quantity * f.value FROM activity a JOIN factor f ON f.id = a.factor_id"
        )
        return time.perf_counter() - t


def bench_recompute(companies: int, runs: int, pg_url: str) -> dict[str, Any]:
    rows = companies * 5 * 36 * 8
    quantities = _quantities(rows)
    book = _book()
    name, db_url = _pg_setup(pg_url, quantities)
    kyoso_times, pg_times = [], []
    try:
        pg_cold = pg_recompute(db_url)
        t = time.perf_counter()
        kyoso_recompute(quantities, book)
        kyoso_cold = time.perf_counter() - t
        for _ in range(runs):
            pg_times.append(pg_recompute(db_url))
            t = time.perf_counter()
            kyoso_recompute(quantities, book)
            kyoso_times.append(time.perf_counter() - t)
    finally:
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    k, p = spread(kyoso_times), spread(pg_times)
    return {
        "rows": rows,
        "kyoso_seconds": k,
        "kyoso_cold_seconds": round(kyoso_cold, 3),
        "kyoso_rows_per_s": round(rows / k["median"]),
        "postgres_insert_select_seconds": p,
        "postgres_cold_seconds": round(pg_cold, 3),
        "postgres_rows_per_s": round(rows / p["median"]),
        "ratio_kyoso_time_over_postgres": round(k["median"] / p["median"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    out: dict[str, Any] = {"machine": machine()}
    out["parse_denki"] = bench_parse(max(3, args.runs))
    with _quiet_stdout():
        out["least_cost_plan"] = bench_plan(max(3, args.runs))
    out["recompute"] = bench_recompute(args.companies, args.runs, args.pg)
    out["machine"]["load_after"] = load()
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
