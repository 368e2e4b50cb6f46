"""Peer benchmarks: percentiles only, and only when enough peers consent (never a name)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_PEERS = 5


@dataclass(frozen=True)
class PeerBenchmark:
    peers: int
    p25: float
    median: float
    p75: float
    rank_pct: float | None  # share of peers with a lower intensity than the company, in %


def benchmark(value: float | None, peer_values: list[float]) -> PeerBenchmark | None:
    """Return the peer distribution, or None when fewer than ``MIN_PEERS`` peers consented."""
    if len(peer_values) < MIN_PEERS:
        return None
    arr = np.asarray(peer_values, dtype=float)
    p25, med, p75 = (float(x) for x in np.percentile(arr, [25, 50, 75]))
    rank = None if value is None else float(100.0 * np.mean(arr < value))
    return PeerBenchmark(len(peer_values), p25, med, p75, rank)
