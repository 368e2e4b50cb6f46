"""Journey-planner benchmark: Kyoso's RAPTOR vs pyraptor (PyPI) on the same random queries.

Usage: python bench/journey.py [--feed DIR ...] [--queries N] [--peer-queries M] [--date YYYYMMDD]

For each feed: N seeded random (origin stop, target stop, departure) queries on the busiest
service day; Kyoso's median/p95 per query (one earliest-arrival journey with legs), agreement
with the Connection Scan reference from tests/, and pyraptor (needs pandas<2, so it runs in its
own venv .venv-pyraptor in the repository, created here with the uv the Makefile uses) on the first M of the same queries
(default 30: pyraptor deep-copies every label each round and needs seconds per query).
pyraptor has no walking footpaths, so its answers are compared with the reference run without
walking (Kyoso is also timed that way, for a like-for-like ratio). Every agency of the feed is
given to pyraptor as one agency, so it searches the whole network. If pyraptor fails on a feed,
Kyoso's figures are still reported with the peer's error; if it answers nothing (every query
"unreachable"), the ratio is marked not comparable. Prints JSON with the load before and after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]

from tests.mobility.reference_csa import ConnectionScan  # noqa: E402

from benchlib import load, machine, uv  # noqa: E402
from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed, active_service_ids, read_feed  # noqa: E402
from kyoso.mobility.algorithms.raptor import Raptor, warm_up  # noqa: E402
from kyoso.mobility.algorithms.timetable import build_timetable  # noqa: E402

DATA = Path(os.environ.get("KYOSO_SHARED_DATA", ROOT.parent / "shared" / "data")) / "gtfs"
PEER_VENV = ROOT / ".venv-pyraptor"
PY = shutil.which("python3.11") or sys.executable

PEER_SCRIPT = r"""
import json, sys, time
from loguru import logger
logger.remove()
from pyraptor.gtfs.timetable import read_gtfs_timetable, gtfs_to_pyraptor_timetable
from pyraptor.model.raptor import RaptorAlgorithm
from pyraptor.util import LARGE_NUMBER
folder, day, agency, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tt = gtfs_to_pyraptor_timetable(read_gtfs_timetable(folder, day, [agency]), False)
names = {st.name for st in tt.stations}
out = []
for origin, target, dep in json.load(sys.stdin):
    t = time.perf_counter()
    best = LARGE_NUMBER
    if origin in names and target in names:
        # run_raptor reads only the last round, which stays empty when the search ends earlier.
        bags = RaptorAlgorithm(tt).run(tt.stations.get(origin).stops, dep, rounds)
        to_stops = tt.stations.get(target).stops
        best = min(bag[s].earliest_arrival_time for bag in bags.values() for s in to_stops)
    out.append([time.perf_counter() - t, None if best >= LARGE_NUMBER else best])
json.dump(out, sys.stdout)
"""


def ensure_peer() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [uv(), "venv", "--python", PY, str(PEER_VENV)], check=True, capture_output=True
        )
    probe = subprocess.run([str(python), "-c", "import pyraptor.query_raptor"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run(
            [
                uv(),
                "pip",
                "install",
                "--python",
                str(python),
                "pyraptor==1.3.10",
                "numpy<2",
                "attrs",
            ],
            check=True,
            capture_output=True,
        )
    return python


def adapt_for_pyraptor(feed: GtfsFeed, day: date, folder: Path) -> str:
    """Write the feed as pyraptor's importer expects it; return the agency name to select.

    pyraptor reads only calendar_dates.txt, keeps only stops with a parent_station, groups
    stops by name into stations and casts trip_short_name to an integer, so: services of the
    day become calendar_dates rows, each stop is its own station named by its stop_id (no
    walking), and trip names are dropped.
    """
    agency = feed.agencies[0].name
    day_s = day.strftime("%Y%m%d")

    def write(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    write("agency.txt", ["agency_id", "agency_name"], [["A", agency]])
    write(
        "routes.txt",
        ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
        [[r.route_id, "A", r.short_name, r.long_name, r.route_type] for r in feed.routes],
    )
    write(
        "trips.txt",
        ["route_id", "service_id", "trip_id", "trip_short_name", "trip_long_name"],
        [[t.route_id, t.service_id, t.trip_id, "", ""] for t in feed.trips],
    )
    write(
        "calendar_dates.txt",
        ["service_id", "date", "exception_type"],
        [[s, day_s, 1] for s in sorted(active_service_ids(feed, day))],
    )
    write(
        "stops.txt",
        ["stop_id", "stop_name", "parent_station", "platform_code", "stop_code"],
        [[s.stop_id, s.stop_id, "P" + s.stop_id, "1", "c" + s.stop_id] for s in feed.stops],
    )
    st = feed.stop_times

    def hms(x: int) -> str:
        return f"{x // 3600:02d}:{x // 60 % 60:02d}:{x % 60:02d}"

    write(
        "stop_times.txt",
        ["trip_id", "stop_sequence", "stop_id", "arrival_time", "departure_time"],
        [
            [feed.trips[t].trip_id, q, feed.stops[s].stop_id, hms(a), hms(d)]
            for t, q, s, a, d in zip(
                st.trip_index.tolist(),
                st.stop_sequence.tolist(),
                st.stop_index.tolist(),
                st.arrival.tolist(),
                st.departure.tolist(),
                strict=True,
            )
        ],
    )
    return agency


def busiest_day(feed: GtfsFeed) -> date:
    days = [c.start_date for c in feed.calendars if c.start_date] + [
        d.date for d in feed.calendar_dates if d.date
    ]
    counts = Counter(t.service_id for t in feed.trips)
    start = min(days)
    candidates = [date.fromordinal(start.toordinal() + i) for i in range(14)]
    return max(candidates, key=lambda d: sum(counts[s] for s in active_service_ids(feed, d)))


def timed(fn, queries):
    times, answers = [], []
    for q in queries:
        t = time.perf_counter()
        answers.append(fn(*q))
        times.append(time.perf_counter() - t)
    return times, answers


def ms(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(times) * 1e3, 4),
        "p95_ms": round(float(np.percentile(times, 95)) * 1e3, 4),
    }


def bench_feed(
    folder: Path, n: int, n_peer: int, day: date | None, seed: int, peer_rounds: int
) -> dict[str, object]:
    feed, report = read_feed(folder)
    day = day or busiest_day(feed)
    tt = build_timetable(feed, day)
    tt0 = build_timetable(feed, day, max_walk_m=0.0)
    ref, ref0 = ConnectionScan(feed, day), ConnectionScan(feed, day, max_walk_m=0.0)
    rng = np.random.default_rng(seed)
    served = np.unique(tt.route_stops)
    queries = [
        (int(rng.choice(served)), int(rng.choice(served)), int(rng.integers(5 * 3600, 22 * 3600)))
        for _ in range(n)
    ]
    raptor, raptor0 = Raptor(tt), Raptor(tt0)

    def kyoso(r: Raptor):
        def run(o: int, d: int, t: int) -> int | None:
            j = r.earliest_arrival(o, d, t)
            return None if j is None else j.arrival

        return run

    k_times, k_ans = timed(kyoso(raptor), queries)
    k0_times, k0_ans = timed(kyoso(raptor0), queries)
    truth = [ref.earliest_arrival({o: t}, d) for o, d, t in queries]
    truth0 = [ref0.earliest_arrival({o: t}, d) for o, d, t in queries]
    peer_q = queries[:n_peer]
    own = {
        "feed": folder.name,
        "date": day.isoformat(),
        "valid": report.ok,
        "stops": len(feed.stops),
        "agencies": len(feed.agencies),
        "trips_on_day": len(tt.trip_ids),
        "queries": n,
        "kyoso": ms(k_times),
        "kyoso_no_walk": ms(k0_times),
        "kyoso_agrees_with_reference": sum(a == b for a, b in zip(k_ans, truth, strict=True)),
        "kyoso_no_walk_agrees_with_reference": sum(
            a == b for a, b in zip(k0_ans, truth0, strict=True)
        ),
    }
    try:
        python = ensure_peer()
        with tempfile.TemporaryDirectory() as tmp:
            agency = adapt_for_pyraptor(feed, day, Path(tmp))
            payload = [[feed.stops[o].stop_id, feed.stops[d].stop_id, t] for o, d, t in peer_q]
            proc = subprocess.run(
                [str(python), "-c", PEER_SCRIPT, tmp, day.strftime("%Y%m%d"), agency,
                 str(peer_rounds)],
                input=json.dumps(payload), capture_output=True, text=True,
            )  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed")
        peer = json.loads(proc.stdout)
    except (OSError, RuntimeError, ValueError, subprocess.CalledProcessError) as exc:
        return {**own, "pyraptor_error": str(exc)[-500:], "comparable": False}
    p_times = [p[0] for p in peer]
    # pyraptor answers "unreachable" by omission and origin==target by omission too.
    p_ans = [p[1] if o != d else t for (o, d, t), p in zip(peer_q, peer, strict=True)]
    k0_peer_times = k0_times[:n_peer]
    if all(a is None for a, (o, d, _t) in zip(p_ans, peer_q, strict=True) if o != d):
        return {
            **own,
            "pyraptor_error": "pyraptor found no journey at all: ratio not comparable",
            "comparable": False,
        }
    return {
        "comparable": True,
        "feed": folder.name,
        "date": day.isoformat(),
        "valid": report.ok,
        "stops": len(feed.stops),
        "trips_on_day": len(tt.trip_ids),
        "queries": n,
        "kyoso": ms(k_times),
        "kyoso_no_walk": ms(k0_times),
        "kyoso_agrees_with_reference": sum(a == b for a, b in zip(k_ans, truth, strict=True)),
        "kyoso_no_walk_agrees_with_reference": sum(
            a == b for a, b in zip(k0_ans, truth0, strict=True)
        ),
        "pyraptor_queries": len(peer_q),
        "pyraptor": ms(p_times),
        "pyraptor_agrees_with_reference_no_walk": sum(
            a == b for a, b in zip(p_ans, truth0[:n_peer], strict=True)
        ),
        "pyraptor_disagreements": dict(
            Counter(
                "unreachable"
                if a is None
                else "none_in_reference"
                if b is None
                else "earlier"
                if a < b
                else "later"
                for a, b in zip(p_ans, truth0[:n_peer], strict=True)
                if a != b
            )
        ),
        "ratio_median_pyraptor_over_kyoso_no_walk": round(
            statistics.median(p_times) / statistics.median(k0_peer_times), 1
        ),
        "ratio_median_pyraptor_over_kyoso": round(
            statistics.median(p_times) / statistics.median(k_times), 1
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed", action="append", type=Path)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--peer-queries", type=int, default=30)
    parser.add_argument("--date", type=lambda s: date(int(s[:4]), int(s[4:6]), int(s[6:8])))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--peer-rounds", type=int, default=5, help="pyraptor rounds (its default)")
    args = parser.parse_args()
    feeds = args.feed or [DATA / "donan-bus-muroran", DATA / "utsunomiya-lrt"]
    feeds = [f for f in feeds if (f / "stops.txt").exists()]
    if not feeds:
        print(json.dumps({"benchmark": "journey", "skipped": f"no GTFS feeds in {DATA}"}))
        return
    before = machine()
    t = time.perf_counter()
    warm_up()
    warm = time.perf_counter() - t
    results = [
        bench_feed(
            f,
            args.queries,
            min(args.peer_queries, args.queries),
            args.date,
            args.seed,
            args.peer_rounds,
        )
        for f in feeds
    ]
    print(
        json.dumps(
            {
                "benchmark": "journey",
                **before,
                "warm_up_s": round(warm, 2),
                "results": results,
                "load_after": load(),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
