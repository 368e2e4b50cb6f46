"""Benchmark: Kyoso's MES and greedy vs pabutools on one generated Hitachi-sized PB election.

100 projects, 166,000 approval voters (seeded): costs log-normal around ¥5M (¥0.5M–¥60M,
rounded to ¥10,000), a budget of 30% of the total cost, project popularity Beta(1.2, 12) so a
voter approves about nine projects. Both sides run on the same arrays; pabutools runs in a
subprocess with a time limit (its ballots are built before the clock starts). When pabutools
does not finish at full size the script says so and compares at the largest size it finishes.

    .venv/bin/python bench/participatory_budget.py [--voters 166000] [--timeout 600]
        [--rules greedy mes] [--smaller 16600 5000] [--skip-iterated-full]

Prints one JSON object: per size, per rule, seconds for each side, the ratio and whether the
selected projects are identical.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kyoso.commons.algorithms.participatory_budget import PBProject, equal_shares, greedy  # noqa: E402


def generate(
    n_voters: int, n_projects: int = 100, seed: int = 166
) -> tuple[np.ndarray, np.ndarray, int]:
    rng = np.random.default_rng(seed)
    costs = np.clip(np.exp(rng.normal(np.log(5e6), 0.9, n_projects)), 5e5, 6e7)
    costs = (np.round(costs / 1e4) * 1e4).astype(np.int64)
    popularity = rng.beta(1.2, 12.0, n_projects)
    # Voters differ in how much they approve; scale each voter's rates by a gamma factor.
    keen = rng.gamma(2.0, 0.5, n_voters)[:, None]
    ballots = (rng.random((n_voters, n_projects)) < np.minimum(popularity * keen, 1.0)).astype(
        np.uint8
    )
    budget = int(costs.sum() * 3 // 10)
    return costs, ballots, budget


def run_kyoso(
    rule: str, costs: np.ndarray, ballots: np.ndarray, budget: int, step: int
) -> tuple[float, list[str]]:
    projects = [PBProject(f"p{j:03d}", int(c)) for j, c in enumerate(costs)]
    start = time.perf_counter()
    if rule == "greedy":
        result = greedy(projects, budget, ballots)
    elif rule == "mes":
        result = equal_shares(projects, budget, ballots)
    else:
        result = equal_shares(projects, budget, ballots, increment=step, complete_with_greedy=True)
    return time.perf_counter() - start, sorted(result.selected)


def peer_main(path: str, rule: str, step: int) -> None:
    """Run pabutools on the saved instance; print seconds and the selected projects."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    data = np.load(path)
    costs, ballots, budget = data["costs"], data["ballots"], int(data["budget"])
    instance = Instance(budget_limit=budget)
    projects = [Project(f"p{j:03d}", int(c)) for j, c in enumerate(costs)]
    for p in projects:
        instance.add(p)
    profile = ApprovalProfile(
        [ApprovalBallot([projects[j] for j in np.flatnonzero(row)]) for row in ballots],
        instance=instance,
    )
    start = time.perf_counter()
    if rule == "greedy":
        out = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        out = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    else:
        out = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": step}, {"sat_class": Cost_Sat}],
        )
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "selected": sorted(p.name for p in out)}))


def run_peer(
    rule: str, costs: np.ndarray, ballots: np.ndarray, budget: int, step: int, timeout: float
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "instance.npz")
        np.savez(path, costs=costs, ballots=ballots, budget=budget)
        cmd = [sys.executable, __file__, "--peer", path, "--rule", rule, "--step", str(step)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
        except subprocess.TimeoutExpired:
            return {"timeout": timeout}
        return json.loads(done.stdout.strip().splitlines()[-1])


def compare(n_voters: int, rules: list[str], timeout: float) -> dict[str, object]:
    costs, ballots, budget = generate(n_voters)
    # The iterated variant raises each voter's budget by 1% of the initial share per step.
    step = max(1, budget // n_voters // 100)
    out: dict[str, object] = {
        "voters": n_voters,
        "projects": len(costs),
        "budget_yen": budget,
        "mean_approvals_per_voter": round(float(ballots.sum(axis=1).mean()), 2),
        "increment_yen_per_voter": step,
    }
    for rule in rules:
        kyoso_s, kyoso_sel = run_kyoso(rule, costs, ballots, budget, step)
        peer = run_peer(rule, costs, ballots, budget, step, timeout)
        row: dict[str, object] = {"kyoso_s": round(kyoso_s, 4), "selected": len(kyoso_sel)}
        if "timeout" in peer:
            row["pabutools"] = f"did not finish within {timeout:.0f} s"
        else:
            peer_s = float(peer["seconds"])  # type: ignore[arg-type]
            row["pabutools_s"] = round(peer_s, 3)
            row["speedup"] = round(peer_s / kyoso_s, 1)
            row["identical"] = kyoso_sel == peer["selected"]
        out[rule] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=166_000)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--smaller", type=int, nargs="*", default=[16_600, 5_000])
    parser.add_argument("--rules", nargs="*", default=["greedy", "mes"])
    parser.add_argument("--skip-iterated-full", action="store_true")
    parser.add_argument("--peer")
    parser.add_argument("--rule", default="mes")
    parser.add_argument("--step", type=int, default=1)
    args = parser.parse_args()
    if args.peer:
        peer_main(args.peer, args.rule, args.step)
        return
    report: dict[str, object] = {"benchmark": "participatory_budget", "peer": "pabutools"}
    # numba compiles (or loads from cache) MES's inner loops on first use; time that apart.
    start = time.perf_counter()
    equal_shares([PBProject("a", 1)], 1, np.ones((1, 1), dtype=np.uint8))
    report["kyoso_first_call_jit_s"] = round(time.perf_counter() - start, 3)
    full = compare(args.voters, args.rules, args.timeout)
    report["full"] = full
    # The iterated MES reruns MES once per step; pabutools cannot do that at full size in any
    # reasonable time, so it is compared at the smaller sizes only (Kyoso's full-size time is
    # still reported).
    if not args.skip_iterated_full:
        kyoso_s, _ = run_kyoso("mes_full", *_full_args(args.voters))
        report["full_kyoso_only_mes_iterated_greedy_s"] = round(kyoso_s, 3)
    report["smaller"] = [
        compare(n, ["greedy", "mes", "mes_iterated_greedy"], args.timeout) for n in args.smaller
    ]
    print(json.dumps(report, indent=2))


def _full_args(n_voters: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    costs, ballots, budget = generate(n_voters)
    return costs, ballots, budget, max(1, budget // n_voters // 100)


if __name__ == "__main__":
    main()
