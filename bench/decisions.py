"""Benchmark: every Kyoso voting method on 166,000 ballots (one per Hitachi resident).

No library implements all six methods, so the peer is a plain-Python count of the same ballots
(dicts and loops, as a first implementation would be); both must name the same winner. Ballots
are seeded: 8 options with Plackett–Luce preferences, rankings truncated at random lengths,
3% empty ballots. Also times the bulletin board: append, verify and recount of every ballot.

    .venv/bin/python bench/decisions.py [--ballots 166000]

Prints one JSON object with seconds per method for Kyoso and the baseline, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kyoso.commons.algorithms import bulletin_board as bb  # noqa: E402
from kyoso.commons.algorithms.ranked_voting import instant_runoff, schulze  # noqa: E402
from kyoso.commons.algorithms.voting import approval, plurality, quadratic, score  # noqa: E402

OPTIONS = [f"plan-{c}" for c in "ABCDEFGH"]


def generate(n: int, seed: int = 166) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = len(OPTIONS)
    weights = np.log(rng.uniform(0.5, 2.0, k))
    order = np.argsort(-(weights + rng.gumbel(size=(n, k))), axis=1)
    length = rng.integers(1, k + 1, n)
    length[rng.random(n) < 0.03] = 0
    ranks = np.where(np.arange(k)[None, :] < length[:, None], order, -1)
    util = np.argsort(order, axis=1)  # position of each option: 0 = favourite
    approvals = (util < rng.integers(1, 4, n)[:, None]).astype(np.int64)
    approvals[length == 0] = 0
    scores = np.clip(5 - util + rng.integers(-1, 2, (n, k)), 0, 5)
    scores[length == 0] = -1
    qv = np.zeros((n, k), dtype=np.int64)
    qv[np.arange(n), order[:, 0]] = 3  # 9 credits on the favourite …
    qv[np.arange(n), order[:, 1]] = 1  # … and 1 on the second: 10 of 10 credits
    qv[length == 0] = 0
    return {
        "ranks": ranks,
        "first": ranks[:, 0],
        "approvals": approvals,
        "scores": scores,
        "qv": qv,
    }


def _py_top(counts: dict[int, int]) -> str:
    return OPTIONS[max(counts, key=lambda i: (counts[i], -i))]


def py_plurality(first: list[int]) -> str:
    return _py_top(Counter(c for c in first if c >= 0))


def py_sum(rows: list[list[int]], floor: int = 0) -> str:
    totals = dict.fromkeys(range(len(OPTIONS)), 0)
    for row in rows:
        if any(v != -1 for v in row):
            for i, v in enumerate(row):
                totals[i] += max(v, floor)
    return _py_top(totals)


def py_irv(ranks: list[list[int]]) -> str:
    alive = set(range(len(OPTIONS)))
    while True:
        counts = dict.fromkeys(alive, 0)
        for row in ranks:
            for c in row:
                if c in alive:
                    counts[c] += 1
                    break
        total = sum(counts.values())
        best = max(counts, key=lambda i: counts[i])
        if 2 * counts[best] > total or len(alive) == 1:
            return OPTIONS[best]
        alive.remove(min(counts, key=lambda i: counts[i]))


def py_schulze(ranks: list[list[int]]) -> str:
    k = len(OPTIONS)
    d = [[0] * k for _ in range(k)]
    for row in ranks:
        ranked = [c for c in row if c >= 0]
        if not ranked:
            continue
        rest = [c for c in range(k) if c not in ranked]
        for a_pos, a in enumerate(ranked):
            for b in ranked[a_pos + 1 :] + rest:
                d[a][b] += 1
    p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(k)] for i in range(k)]
    for m in range(k):
        for i in range(k):
            for j in range(k):
                if i != j != m != i:
                    p[i][j] = max(p[i][j], min(p[i][m], p[m][j]))
    return OPTIONS[max(range(k), key=lambda i: sum(p[i][j] > p[j][i] for j in range(k)))]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=166_000)
    args = parser.parse_args()
    data = generate(args.ballots)
    lists = {name: arr.tolist() for name, arr in data.items()}
    cases: dict[str, tuple[Callable[[], Any], Callable[[], str]]] = {
        "plurality": (
            lambda: plurality(OPTIONS, data["first"]),
            lambda: py_plurality(lists["first"]),
        ),
        "approval": (
            lambda: approval(OPTIONS, data["approvals"]),
            lambda: py_sum(lists["approvals"]),
        ),
        "score": (lambda: score(OPTIONS, data["scores"]), lambda: py_sum(lists["scores"])),
        "quadratic": (
            lambda: quadratic(OPTIONS, data["qv"], credits=10),
            lambda: py_sum(lists["qv"], floor=-100),
        ),
        "instant_runoff": (
            lambda: instant_runoff(OPTIONS, data["ranks"]),
            lambda: py_irv(lists["ranks"]),
        ),
        "schulze": (lambda: schulze(OPTIONS, data["ranks"]), lambda: py_schulze(lists["ranks"])),
    }
    report: dict[str, Any] = {
        "benchmark": "decisions",
        "ballots": args.ballots,
        "options": len(OPTIONS),
        "peer": "plain-Python count of the same ballots",
    }
    for name, (kyoso, baseline) in cases.items():
        kyoso_s, result = timed(kyoso)
        base_s, base_winner = timed(baseline)
        report[name] = {
            "kyoso_s": round(kyoso_s, 4),
            "baseline_s": round(base_s, 4),
            "speedup": round(base_s / kyoso_s, 1),
            "winner": result.winner,
            "same_winner": result.winner == base_winner,
        }
    payloads = [{"ranking": [OPTIONS[c] for c in row if c >= 0]} for row in lists["ranks"]]
    codes = [bb.new_receipt_code() for _ in payloads]

    def build() -> list[bb.BoardEntry]:
        entries: list[bb.BoardEntry] = []
        head = None
        for code, payload in zip(codes, payloads, strict=True):
            head = bb.append_entry(head, "bench", code, payload)
            entries.append(head)
        return entries

    append_s, entries = timed(build)
    verify_s, verdict = timed(lambda: bb.verify_chain(entries, "bench"))
    recount_s, recount = timed(lambda: bb.recompute_result(entries, "schulze", OPTIONS))
    report["bulletin_board"] = {
        "append_all_s": round(append_s, 3),
        "verify_s": round(verify_s, 3),
        "recount_schulze_from_board_s": round(recount_s, 3),
        "verified": verdict.ok,
        "recount_winner": recount.winner,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
