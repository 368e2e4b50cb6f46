"""Dial-a-ride benchmark: Kyoso's dispatcher (OR-Tools) against greedy insertion on the same requests.

A 10 km × 10 km zone (centred on 日立市), 6 vehicles (4 wagons with 7 seats and 1 wheelchair place,
2 taxis with 4 seats) on shift 07:00–20:00 from one depot in the middle, and 200 requests over the
day: origins and destinations uniform in the zone, earliest pickup uniform over 07:00–18:00, a
30-minute window (latest arrival = earliest pickup + 30 min + the direct drive), 1–3 passengers,
5% with a wheelchair. Travel is straight-line × 1.3 at 20 km/h (``TravelModel``'s defaults),
60 s at each stop (180 s with a wheelchair); maximum ride time 1.5 × direct, at least direct + 10 min.

It measures, per seed: OR-Tools at its first local optimum (what each booking runs), OR-Tools
with guided local search for ``--time-limit`` seconds (what the dispatch task can afford), and
greedy insertion in booking order: solve time, requests served, vehicle-km and the mean ride-time
ratio (ride ÷ direct). Prints JSON with the load average before and after.

    .venv/bin/python bench/drt.py [--requests 200 --vehicles 6 --seeds 3 --time-limit 30]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import load, machine, spread, uptime  # noqa: E402
from kyoso.mobility.algorithms.dial_a_ride import (  # noqa: E402
    Instance,
    Plan,
    Request,
    TravelModel,
    Vehicle,
    insert_greedy,
    ride_time_ratio,
    solve,
)

CENTRE = (36.60, 140.65)
KM_LAT = 1 / 110.95
KM_LON = 1 / (111.32 * 0.8028)  # cos(36.6°)


def instance(
    n_requests: int, n_vehicles: int, side_km: float, seed: int
) -> tuple[list[Vehicle], list[Request]]:
    rng = random.Random(seed)

    def point() -> tuple[float, float]:
        return (
            CENTRE[0] + (rng.random() - 0.5) * side_km * KM_LAT,
            CENTRE[1] + (rng.random() - 0.5) * side_km * KM_LON,
        )

    vehicles = [
        Vehicle(f"v{i}", 7 if i < 4 else 4, 1 if i < 4 else 0, CENTRE, 7 * 3600, 20 * 3600)
        for i in range(n_vehicles)
    ]
    travel = TravelModel()
    requests = []
    for k in range(n_requests):
        a, b = point(), point()
        earliest = rng.randint(7 * 3600, 18 * 3600)
        chairs = 1 if rng.random() < 0.05 else 0
        passengers = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
        direct = Instance([], [Request("x", a, b, 0, 0)], travel).direct_seconds(0)
        requests.append(
            Request(f"r{k}", a, b, earliest, earliest + 1800 + direct + 60, passengers, chairs)
        )
    # booking order: most book an hour or two ahead, so sort by earliest pickup with some noise
    requests.sort(key=lambda q: q.earliest_pickup - rng.randint(0, 7200))
    return vehicles, requests


def figures(plan: Plan, requests: list[Request], travel: TravelModel) -> dict[str, Any]:
    return {
        "seconds": plan.seconds,
        "served": plan.served,
        "vehicle_km": round(plan.metres / 1000, 1),
        "km_per_served": round(plan.metres / 1000 / max(plan.served, 1), 3),
        "ride_time_ratio": round(ride_time_ratio(plan, requests, travel), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--vehicles", type=int, default=6)
    ap.add_argument("--side-km", type=float, default=10.0)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=30.0)
    args = ap.parse_args()
    out: dict[str, Any] = {"benchmark": "drt", **machine(), "uptime_before": uptime()}
    out["setup"] = {
        "requests": args.requests,
        "vehicles": args.vehicles,
        "zone_km": f"{args.side_km} x {args.side_km}",
        "travel": "straight line x 1.3 at 20 km/h, 60 s a stop (180 s wheelchair)",
        "window_min": 30,
        "time_limit_s": args.time_limit,
    }
    travel = TravelModel()
    runs: list[dict[str, Any]] = []
    for seed in range(args.seeds):
        vehicles, requests = instance(args.requests, args.vehicles, args.side_km, seed)
        greedy = insert_greedy(vehicles, requests, travel)
        local = solve(vehicles, requests, travel)
        guided = solve(vehicles, requests, travel, time_limit_s=args.time_limit)
        run = {
            "seed": seed,
            "greedy": figures(greedy, requests, travel),
            "ortools_local_optimum": figures(local, requests, travel),
            "ortools_guided": figures(guided, requests, travel),
        }
        for name in ("ortools_local_optimum", "ortools_guided"):
            g, o = run["greedy"], run[name]
            run[f"{name}_vs_greedy"] = {
                "served": round(o["served"] / max(g["served"], 1), 3),
                "km_per_served": round(o["km_per_served"] / max(g["km_per_served"], 1e-9), 3),
                "ride_time_ratio": round(o["ride_time_ratio"] / g["ride_time_ratio"], 3),
            }
        runs.append(run)
        print(json.dumps(run), file=sys.stderr)
    out["runs"] = runs
    for name in ("greedy", "ortools_local_optimum", "ortools_guided"):
        out[name] = {
            key: spread([float(r[name][key]) for r in runs], 3)
            for key in ("seconds", "served", "vehicle_km", "ride_time_ratio")
        }
    out["load_after"] = load()
    out["uptime_after"] = uptime()
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
