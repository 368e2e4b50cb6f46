"""Kyoso's opinion map beside red-dwarf: agreement with Polis's groups, then speed and memory.

Usage: .venv/bin/python bench/opinion_map.py [--polis-dir DIR] [--quick] [--timeout S]

Prints JSON. Quality: adjusted Rand index against Polis's published ``group-id`` for the
participants Polis clustered, for every conversation folder in DIR. Speed: each side and case
runs in its own subprocess (input built there, untimed) which reports wall time of the
computation and its own peak RSS. Cases: vtaiwan.uberx, bowling-green, 10,000 × 2,000 and
166,000 × 2,000 (~30 votes each) resampled from the real participants with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import spread  # noqa: E402
from kyoso.voice.algorithms.opinion_map import OpinionMap, compute_opinion_map  # noqa: E402
from kyoso.voice.algorithms.polis_csv import read_conversation, replay_snapshots  # noqa: E402
from kyoso.voice.algorithms.vote_matrix import VoteMatrix  # noqa: E402

DEFAULT_DIR = Path(os.environ.get("KYOSO_SHARED_DATA", ROOT.parent / "shared" / "data")) / "polis"
SEED = 20261123
REPLAY_STEPS = 20
WARM_RUNS = 3  # warm calls after the cold one, per side and case
UPDATE_RUNS = 7  # one-vote updates timed on conversations of up to 20,000 participants
PER_PARTICIPANT = 36  # cap per resampled participant; ~30 votes on average after it


def folders(polis_dir: Path) -> list[Path]:
    """Return the conversation folders of a Polis open-data directory."""
    return sorted(d for d in polis_dir.iterdir() if (d / "participants-votes.csv").exists())


def ari_section(polis_dir: Path, with_peer: bool) -> list[dict[str, Any]]:
    """Return ARI of Kyoso (and red-dwarf) against Polis's groups, per conversation."""
    from sklearn.metrics import adjusted_rand_score

    out = []
    for folder in folders(polis_dir):
        conv = read_conversation(folder)
        votes = conv.participants.votes
        polis = np.array(
            [
                -1
                if conv.participants.group_ids.get(int(p)) is None
                else conv.participants.group_ids[int(p)]
                for p in votes.participant_ids
            ]
        )
        t0 = time.perf_counter()
        m = compute_opinion_map(votes, moderated_out=conv.moderated_out)
        row: dict[str, Any] = {
            "conversation": folder.name,
            "kyoso_seconds": time.perf_counter() - t0,
        }
        both = (polis >= 0) & (m.labels >= 0)
        row["kyoso_ari"] = round(float(adjusted_rand_score(polis[both], m.labels[both])), 3)
        row["kyoso_groups"] = m.group_sizes
        # Polis's groups are the end of many warm-started updates; replaying the export as
        # REPLAY_STEPS updates (with each previous state) is the like-for-like comparison.
        t0 = time.perf_counter()
        state = None
        for snap in replay_snapshots(conv, REPLAY_STEPS):
            m = compute_opinion_map(snap, moderated_out=conv.moderated_out, previous=state)
            state = m.state
        row["kyoso_replay_seconds"] = round(time.perf_counter() - t0, 3)
        both_r = (polis >= 0) & (m.labels >= 0)
        row["kyoso_replay_ari"] = round(
            float(adjusted_rand_score(polis[both_r], m.labels[both_r])), 3
        )
        row["kyoso_replay_groups"] = m.group_sizes
        row["polis_clustered"] = int((polis >= 0).sum())
        row["compared"] = int(both.sum())
        if with_peer:
            labels = reddwarf_labels(votes, conv.moderated_out)
            lab = np.array([labels.get(int(p), -1) for p in votes.participant_ids])
            both = (polis >= 0) & (lab >= 0)
            row["reddwarf_ari"] = round(float(adjusted_rand_score(polis[both], lab[both])), 3)
        out.append(row)
    return out


def reddwarf_labels(votes: VoteMatrix, moderated_out: list[int]) -> dict[int, int]:
    """Return red-dwarf's group of each participant it clustered."""
    from reddwarf.implementations.polis import run_pipeline

    res = run_pipeline(
        votes=reddwarf_votes(votes), mod_out_statement_ids=moderated_out, random_state=0
    )
    df = res.participants_df
    df = df[df["to_cluster"]]
    return {int(p): int(c) for p, c in zip(df.index, df["cluster_id"], strict=True)}


def reddwarf_votes(votes: VoteMatrix) -> list[dict[str, Any]]:
    """Return votes as red-dwarf's list of dicts (agree = +1, as in Polis's exports)."""
    m = votes.votes
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    pids = votes.participant_ids[rows].tolist()
    sids = votes.statement_ids[m.indices].tolist()
    vals = m.data.astype(int).tolist()
    return [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": 0}
        for p, s, v in zip(pids, sids, vals, strict=True)
    ]


def synthetic(polis_dir: Path, n_participants: int, n_statements: int, per: int) -> VoteMatrix:
    """Return real participants resampled into an n_participants × n_statements matrix."""
    rng = np.random.default_rng(SEED)
    pool_rows, pool_cols, pool_vals, offset, n_pool = [], [], [], 0, 0
    for folder in folders(polis_dir):
        m = read_conversation(folder).participants.votes
        counts = m.seen_counts()
        for i in np.flatnonzero(counts >= 7):
            lo, hi = m.votes.indptr[i], m.votes.indptr[i + 1]
            pool_rows.append(np.full(hi - lo, n_pool))
            pool_cols.append(m.votes.indices[lo:hi] + offset)
            pool_vals.append(m.votes.data[lo:hi])
            n_pool += 1
        offset += m.shape[1]
    rows, cols, vals = (np.concatenate(x) for x in (pool_rows, pool_cols, pool_vals))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_pool))])
    src = rng.integers(0, n_pool, n_participants)
    copies = max(1, -(-n_statements // offset))
    shift = rng.integers(0, copies, n_participants) * offset
    lens = indptr[src + 1] - indptr[src]
    owner = np.repeat(np.arange(n_participants), lens)
    pos = np.repeat(indptr[src], lens) + (
        np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
    )
    # Keep a random `per` of each source participant's votes.
    key = rng.random(len(owner))
    order = np.lexsort((key, owner))
    owner, pos = owner[order], pos[order]
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(lens) - lens, lens)
    keep = rank < per
    owner, pos = owner[keep], pos[keep]
    col = (cols[pos] + shift[owner]) % n_statements
    return VoteMatrix.from_triples(
        owner, col, vals[pos],
        participant_ids=np.arange(n_participants), statement_ids=np.arange(n_statements),
    )  # fmt: skip


def case_input(polis_dir: Path, case: str) -> tuple[VoteMatrix, list[int]]:
    """Return the vote matrix and moderated-out ids of a speed case."""
    if case in ("vtaiwan", "bowling-green"):
        name = "vtaiwan.uberx" if case == "vtaiwan" else "american-assembly.bowling-green"
        conv = read_conversation(polis_dir / name)
        return conv.participants.votes, conv.moderated_out
    sizes = {"10k": 10_000, "city": 166_000}
    n = sizes.get(case) or int(case.removeprefix("n"))
    return synthetic(polis_dir, n, 2_000, PER_PARTICIPANT), []


def run_case(side: str, case: str, polis_dir: Path) -> dict[str, Any]:
    """Run one side on one case in this process and return its timing."""
    votes, mod = case_input(polis_dir, case)
    # Symmetric: each side's libraries are imported before its timers (red-dwarf imports
    # scikit-learn and pandas at module load); "seconds" is the first call in the process
    # (cold), "warm" the next WARM_RUNS calls on the same input (median and spread).
    times: list[float] = []
    extra: dict[str, Any] = {}
    if side == "kyoso":
        for _ in range(1 + WARM_RUNS):
            t0 = time.perf_counter()
            m = compute_opinion_map(votes, moderated_out=mod)
            times.append(time.perf_counter() - t0)
        extra["groups"] = m.group_sizes
        if votes.shape[0] <= 20_000:
            extra["update_ms"] = spread([t * 1000 for t in update_times(votes, mod, m)], 2)
    else:
        from reddwarf.implementations.polis import run_pipeline

        data = reddwarf_votes(votes)
        for _ in range(1 + WARM_RUNS):
            t0 = time.perf_counter()
            res = run_pipeline(votes=data, mod_out_statement_ids=mod, random_state=0)
            times.append(time.perf_counter() - t0)
        sizes = res.participants_df["cluster_id"].value_counts()
        extra["groups"] = sorted((int(n) for n in sizes), reverse=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    warm = spread(times[1:], 4)
    return {"seconds": round(times[0], 3), "warm_seconds": warm["median"], "warm": warm,
            "peak_rss_gib": round(peak, 3), "shape": list(votes.shape),
            "votes": int(votes.votes.nnz), **extra}  # fmt: skip


def update_times(votes: VoteMatrix, mod: list[int], current: OpinionMap) -> list[float]:
    """Return the times of UPDATE_RUNS map updates, each after one new vote of a participant.

    This is what a conversation does on every vote: the map is recomputed from the stored
    previous state (axes, base clusters, groups, k smoother), without replaying history.
    """
    rng = np.random.default_rng(SEED)
    coo = votes.votes.tocoo()
    out = []
    for _ in range(UPDATE_RUNS):
        row = int(rng.integers(votes.shape[0]))
        seen = set(votes.votes.indices[votes.votes.indptr[row] : votes.votes.indptr[row + 1]])
        col = next(int(j) for j in rng.permutation(votes.shape[1]) if j not in seen)
        after = VoteMatrix.from_triples(
            np.append(votes.participant_ids[coo.row], votes.participant_ids[row]),
            np.append(votes.statement_ids[coo.col], votes.statement_ids[col]),
            np.append(coo.data, 1.0),
            participant_ids=votes.participant_ids, statement_ids=votes.statement_ids,
        )  # fmt: skip
        t0 = time.perf_counter()
        compute_opinion_map(after, moderated_out=mod, previous=current.state)
        out.append(time.perf_counter() - t0)
    return out


def spawn(side: str, case: str, polis_dir: Path, timeout: float) -> dict[str, Any]:
    """Run one side/case in a subprocess with a timeout and a 16 GiB address-space cap."""
    cmd = [sys.executable, __file__, "--polis-dir", str(polis_dir), "--run", side, case]

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (16 << 30, 16 << 30))

    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=cap, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1][:200] if done.stderr else "failed"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Parse arguments and print the benchmark JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--polis-dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--quick", action="store_true", help="ARI plus cases (a)-(c) only")
    ap.add_argument("--no-peer", action="store_true", help="skip red-dwarf")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--run", nargs=2, metavar=("SIDE", "CASE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run_case(args.run[0], args.run[1], args.polis_dir)))
        return
    if not args.polis_dir.exists():
        print(json.dumps({"benchmark": "opinion_map", "skipped": f"no {args.polis_dir}"}))
        return
    report: dict[str, Any] = {
        "benchmark": "opinion_map",
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "ari": ari_section(args.polis_dir, not args.no_peer),
        "speed": {},
    }
    print(json.dumps({"ari": report["ari"]}), file=sys.stderr)
    cases = ["vtaiwan", "bowling-green", "10k"] + ([] if args.quick else ["city"])
    for case in cases:
        row: dict[str, Any] = {"kyoso": spawn("kyoso", case, args.polis_dir, args.timeout)}
        if not args.no_peer:
            row["reddwarf"] = spawn("reddwarf", case, args.polis_dir, args.timeout)
            k, r = row["kyoso"].get("seconds"), row["reddwarf"].get("seconds")
            if k and r:
                row["speedup"] = round(r / k, 1)
            kw, rw = row["kyoso"].get("warm_seconds"), row["reddwarf"].get("warm_seconds")
            if kw and rw:
                row["speedup_warm"] = round(rw / kw, 1)
        report["speed"][case] = row
        print(json.dumps({case: row}), file=sys.stderr)
    if not args.quick and not args.no_peer and "error" in report["speed"]["city"]["reddwarf"]:
        # Find the largest size red-dwarf finishes, halving from the city size.
        n = 83_000
        while n >= 10_000:
            got = spawn("reddwarf", f"n{n}", args.polis_dir, args.timeout)
            report["speed"][f"reddwarf_n{n}"] = got
            print(json.dumps({f"reddwarf_n{n}": got}), file=sys.stderr)
            if "error" not in got:
                break
            n //= 2
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
