"""Benchmark: every Kyoso voting method on 166,000 ballots (one per Hitachi resident).

No library implements all six methods, so the peer is a plain-Python count of the same ballots
(dicts and loops, as a first implementation would be); both must name the same winner. Ballots
are seeded: 8 options with Plackett–Luce preferences, rankings truncated at random lengths,
3% empty ballots. Then the secret-ballot pipeline of the homomorphic methods: encrypt with
validity proofs, verify, tally by multiplying ciphertexts, and decrypt the totals with 2 of 3
trustees (with proofs), on a sample scaled to the whole electorate.

    .venv/bin/python bench/decisions.py [--ballots 166000]

Prints one JSON object with seconds per method for Kyoso and the baseline, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kyoso.commons.algorithms import election_ballot as eb  # noqa: E402
from kyoso.commons.algorithms import election_crypto as ec  # noqa: E402
from kyoso.commons.algorithms import election_trustee as et  # noqa: E402
from kyoso.commons.algorithms import election_verifier as ev  # noqa: E402
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


def committee(election_id: str, n: int = 3, k: int = 2) -> tuple[bytes, list[dict[str, Any]]]:
    """Run the trustees' key ceremony as their tool would; return the joint key and secrets."""
    secrets, announcements = {}, {}
    for i in range(1, n + 1):
        secrets[i], announcements[i] = et.announce(election_id, i, k)
    deals = {i: et.deal(secrets[i], announcements) for i in secrets}
    for i in secrets:
        et.confirm(secrets[i], announcements, deals, k)
    commitments = [et.check_announcement(election_id, k, announcements[i], i) for i in secrets]
    return ec.joint_public_key(commitments), [secrets[i] for i in sorted(secrets)]


def payloads_of(method: str, lists: dict[str, list[Any]], n: int) -> list[dict[str, Any]]:
    if method == "plurality":
        return [{"choice": OPTIONS[c] if c >= 0 else None} for c in lists["first"][:n]]
    if method == "approval":
        rows = lists["approvals"][:n]
        return [{"approve": [OPTIONS[i] for i, a in enumerate(row) if a]} for row in rows]
    if method == "score":
        rows = lists["scores"][:n]
        return [
            {"scores": {o: v for o, v in zip(OPTIONS, row, strict=True) if v > 0}} for row in rows
        ]
    rows = lists["qv"][:n]
    return [{"votes": {o: v for o, v in zip(OPTIONS, row, strict=True) if v}} for row in rows]


def encrypted_pipeline(lists: dict[str, list[Any]], n: int, scale_to: int) -> dict[str, Any]:
    """Encrypt and prove, verify, tally homomorphically and decrypt (2 of 3 trustees) n ballots
    of each homomorphic method; per-ballot costs are scaled to ``scale_to`` ballots."""
    out: dict[str, Any] = {"sample_ballots": n, "scaled_to": scale_to, "trustees": "2 of 3"}
    for method in ("plurality", "approval", "score", "quadratic"):
        eid = f"bench-{method}"
        params = eb.params_of(method, max_score=5, voice_credits=10)
        pk, secrets = committee(eid)
        payloads = payloads_of(method, lists, n)
        enc_s, ballots = timed(
            lambda: [eb.encrypt_ballot(method, OPTIONS, params, pk, p, eid) for p in payloads]  # noqa: B023
        )
        ver_s, _ = timed(
            lambda: [eb.verify_ballot(method, OPTIONS, params, pk, b, eid) for b in ballots]  # noqa: B023
        )
        agg_s, agg = timed(
            lambda: ev.aggregate(method, OPTIONS, params, pk, ballots, eid, check=False)  # noqa: B023
        )
        names = ev.positions(method, 0, len(OPTIONS))

        def decrypt(
            agg: list[Any] = agg,
            names: list[str] = names,
            secrets: list[dict[str, Any]] = secrets,
            bound: int = eb.total_bound(method, len(OPTIONS), n, params),
        ) -> list[int]:
            cts = [c.to_json() for c in agg]
            partials = {}
            for secret in secrets[:2]:
                msg = et.decrypt(secret, cts, names)
                partials[int(msg["index"])] = [ec.point(p["d"]) for p in msg["partials"]]
            plain = ev.decrypt_with(partials, agg)
            table = ec.DiscreteLog(bound)
            return [table.solve(g) for g in plain]

        dec_s, totals = timed(decrypt)
        vectors = [eb.plaintext_vector(method, OPTIONS, p, params) for p in payloads]
        expected = [sum(col) for col in zip(*vectors, strict=True)]
        per = scale_to / n
        out[method] = {
            "encrypt_and_prove_ms_per_ballot": round(1000 * enc_s / n, 3),
            "verify_ms_per_ballot": round(1000 * ver_s / n, 3),
            "homomorphic_tally_s": round(agg_s, 3),
            "decrypt_2_of_3_s": round(dec_s, 3),
            "ballot_bytes": len(eb.canonical_json(ballots[0])),
            "totals_match_plaintext_count": totals == expected,
            f"estimated_{scale_to}_s": {
                "encrypt_and_prove (all voters' devices together)": round(enc_s * per, 1),
                "verify (server, at casting)": round(ver_s * per, 1),
                "tally_and_decrypt": round(agg_s * per + dec_s, 1),
            },
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=166_000)
    parser.add_argument(
        "--sample",
        type=int,
        default=2_000,
        help="ballots per method put through the encrypted pipeline (scaled to --ballots)",
    )
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
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
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
    report["encrypted"] = encrypted_pipeline(lists, min(args.sample, args.ballots), args.ballots)
    report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
