"""Polis's two-level clustering: 100 base clusters, then k groups of base clusters.

Participants are first summarised by up to ``base_k`` k-means centres; groups are a weighted
k-means of those centres for k = 2 … max_k, with k picked by silhouette over base centres as
Polis does. Each k-means starts from the previous update's centres when there are some, so
groups move smoothly as votes arrive; the chosen k only changes after a new k has won several
updates in a row, and group ids are carried over by matching centres (Hungarian).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

BIN_ABOVE = 5_000  # participants above which base k-means runs on a grid summary
GRID = 256  # cells per axis of that grid
SAME_CLUSTERING = 0.01  # clusters.clj same-clustering?: every centre moved less than this
GROUP_ITERS = 20  # clusters.clj kmeans's default max-iters (conversation.clj's :group-iters is
# passed as :cluster-iters, a key kmeans does not read)
DENSE_PAIRS = 2_000_000  # point × centre pairs up to which nearest centres use a dense table


@dataclass
class KSmoother:
    """Polis's k smoother: the k shown changes only after ``buffer`` consecutive wins."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass
class Grouping:
    """Group centres, each base cluster's group index, and the k-selection diagnostics."""

    k: int
    centers: NDArray[np.float64]
    base_labels: NDArray[np.int64]
    silhouettes: dict[int, float] = field(default_factory=dict)
    clusterings: dict[int, NDArray[np.float64]] = field(default_factory=dict)
    smoother: KSmoother = field(default_factory=KSmoother)


def first_distinct(points: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """Return the first ``k`` distinct rows of ``points`` in their order (Polis's init)."""
    if len(points) == 0:
        return points[:0].copy()
    _, idx = np.unique(points, axis=0, return_index=True)
    return points[np.sort(idx)[:k]].copy()


def kmeans(
    points: NDArray[np.float64],
    init: NDArray[np.float64],
    *,
    weights: NDArray[np.float64] | None = None,
    max_iter: int = 100,
    tol: float = SAME_CLUSTERING,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return (centres, labels) of Lloyd's k-means started from ``init``; empty clusters dropped.

    As Polis's ``clusters/kmeans``: each step assigns every point to its nearest centre and
    moves each centre to its members' (weighted) mean; it stops after ``max_iter`` steps or
    when no centre moved ``tol`` or more, returning the last step's members and means.
    """
    k = len(init)
    if k <= 1 or len(points) <= k:
        if k <= 1:
            center = np.average(points, axis=0, weights=weights)[None, :]
            return center, np.zeros(len(points), dtype=np.int64)
        return points.copy(), np.arange(len(points), dtype=np.int64)
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    wx = w[:, None] * points
    centers = np.asarray(init, dtype=np.float64).copy()
    # Plain Lloyd iterations: deterministic and thread-free.
    for _ in range(max(max_iter, 1)):
        labels = _nearest(centers, points)
        mass = np.bincount(labels, weights=w, minlength=k)
        sums = np.stack(
            [np.bincount(labels, weights=wx[:, d], minlength=k) for d in range(points.shape[1])],
            axis=1,
        )
        moved = np.where(mass[:, None] > 0, sums / np.maximum(mass, 1e-300)[:, None], centers)
        shift = float(np.sqrt(((moved - centers) ** 2).sum(axis=1)).max())
        centers = moved
        if shift < tol:
            break
    used = np.bincount(labels, minlength=k) > 0
    remap = np.cumsum(used) - 1
    return centers[used], remap[labels]


def _nearest(centers: NDArray[np.float64], points: NDArray[np.float64]) -> NDArray[np.int64]:
    if len(points) * len(centers) > DENSE_PAIRS:
        _, idx = cKDTree(centers).query(points)
        return np.asarray(idx, dtype=np.int64)
    # Few pairs: one vectorised distance table is cheaper than building and querying a tree.
    d = np.zeros((len(points), len(centers)))
    for j in range(points.shape[1]):
        d += np.subtract.outer(points[:, j], centers[:, j]) ** 2
    return np.asarray(d.argmin(axis=1), dtype=np.int64)


def distances(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the matrix of Euclidean distances between rows (Polis's ``bucket-dists``)."""
    return np.asarray(np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)))


def silhouette(
    points: NDArray[np.float64],
    labels: NDArray[np.int64],
    dist: NDArray[np.float64] | None = None,
) -> float:
    """Return the mean silhouette coefficient of ``labels`` (0 for a point alone in its cluster).

    Polis's ``clusters/silhouette`` over base-cluster centres, unweighted: for each point, a is
    its mean distance to the rest of its cluster, b the least mean distance to another cluster,
    and its coefficient (b - a) / max(a, b).
    """
    n = len(points)
    k = int(labels.max()) + 1 if n else 0
    if n < 2 or k < 2:
        return 0.0
    if dist is None:
        dist = distances(points)
    member = np.zeros((n, k))
    member[np.arange(n), labels] = 1.0
    sums = dist @ member  # n × k: total distance from each point to each cluster
    size = member.sum(axis=0)
    own = size[labels]
    a = sums[np.arange(n), labels] / np.maximum(own - 1, 1)
    other = np.where(member > 0, np.inf, sums / np.maximum(size, 1)[None, :])
    other[:, size == 0] = np.inf
    b = other.min(axis=1)
    coef = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    return float(np.nan_to_num(coef).mean())


def base_clusters(
    points: NDArray[np.float64], previous: NDArray[np.float64] | None, base_k: int
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Return (centres, each point's base cluster, cluster sizes) of the base clustering."""
    fresh = first_distinct(points, base_k)
    k = len(fresh)
    if previous is not None and len(previous):
        init = previous[:k]
        if len(init) < k:
            # Newcomers' first distinct points seed the extra clusters, as Polis's clean start.
            far = _farthest_from(fresh, init, k - len(init))
            init = np.vstack([init, far])
    else:
        init = fresh
    if len(points) <= BIN_ABOVE:
        centers, labels = kmeans(points, init)
    else:
        centers, labels = _binned_kmeans(points, init)
    sizes = np.bincount(labels, minlength=len(centers)).astype(np.float64)
    return centers, labels, sizes


def _binned_kmeans(
    points: NDArray[np.float64], init: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    # A city has far more participants than a 2-D map has distinguishable places: k-means runs
    # on grid cells weighted by head count, then one exact assignment and recentring step.
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    cell = np.minimum(((points - lo) / span * GRID).astype(np.int64), GRID - 1)
    flat = cell[:, 0] * GRID + cell[:, 1]
    occupied, inverse = np.unique(flat, return_inverse=True)
    counts = np.bincount(inverse).astype(np.float64)
    means = np.stack(
        [np.bincount(inverse, weights=points[:, d]) / counts for d in range(points.shape[1])],
        axis=1,
    )
    centers, _ = kmeans(means, init[: len(occupied)], weights=counts)
    labels = _nearest(centers, points)
    sizes = np.bincount(labels, minlength=len(centers))
    used = sizes > 0
    sums = np.stack(
        [np.bincount(labels, weights=points[:, d], minlength=len(centers)) for d in range(2)],
        axis=1,
    )
    remap = np.cumsum(used) - 1
    return sums[used] / sizes[used][:, None], remap[labels]


def choose_groups(
    centers: NDArray[np.float64],
    sizes: NDArray[np.float64],
    *,
    max_k: int,
    previous: dict[int, NDArray[np.float64]] | None,
    smoother: KSmoother | None,
    k_buffer: int,
    k_margin: float,
) -> Grouping:
    """Return the grouping of base clusters with k picked by silhouette and smoothed."""
    n = len(centers)
    top_k = min(max_k, 2 + n // 12, n - 1)
    clusterings: dict[int, NDArray[np.float64]] = {}
    labels_by_k: dict[int, NDArray[np.int64]] = {}
    silhouettes: dict[int, float] = {}
    dist = distances(centers)
    for k in range(2, top_k + 1):
        init = (previous or {}).get(k)
        if init is None or len(init) != k:
            init = first_distinct(centers, k)
        if len(init) < k:
            continue
        cents, labels = kmeans(centers, init, weights=sizes, max_iter=GROUP_ITERS)
        if len(cents) < 2:
            continue
        clusterings[k], labels_by_k[k] = cents, labels
        silhouettes[k] = silhouette(centers, labels, dist) if len(cents) < n else 0.0
    if not silhouettes:
        return Grouping(
            1,
            np.average(centers, axis=0, weights=sizes)[None, :],
            np.zeros(n, dtype=np.int64),
            smoother=smoother or KSmoother(),
        )
    state = _smooth(silhouettes, smoother or KSmoother(), k_buffer, k_margin)
    k = state.smoothed_k if state.smoothed_k in clusterings else best_k(silhouettes)
    return Grouping(k, clusterings[k], labels_by_k[k], silhouettes, clusterings, state)


def match_ids(
    centers: NDArray[np.float64],
    sizes: NDArray[np.float64],
    previous_centers: NDArray[np.float64] | None,
    previous_ids: list[int] | None,
    next_id: int,
) -> tuple[list[int], int]:
    """Return a stable id for each group and the next unused id.

    Groups are matched to the previous ones by minimum total centre distance; unmatched
    groups get fresh ids. Without history, ids follow decreasing group size.
    """
    ids = [-1] * len(centers)
    if previous_centers is not None and previous_ids and len(previous_centers):
        cost = np.linalg.norm(centers[:, None, :] - previous_centers[None, :, :], axis=2)
        rows, cols = linear_sum_assignment(cost)
        for r, c in zip(rows, cols, strict=True):
            ids[r] = previous_ids[c]
    for r in np.argsort(-sizes, kind="stable"):
        if ids[r] < 0:
            ids[r] = next_id
            next_id += 1
    return ids, next_id


def best_k(silhouettes: dict[int, float]) -> int:
    """Return the k of highest silhouette, the larger k on ties (as Clojure's ``max-key``)."""
    top = max(silhouettes.values())
    return max(k for k, v in silhouettes.items() if v == top)


def _smooth(
    silhouettes: dict[int, float], prev: KSmoother, buffer: int, margin: float
) -> KSmoother:
    best = best_k(silhouettes)
    current = prev.smoothed_k
    if current in silhouettes and silhouettes[best] < silhouettes[current] + margin:
        best = current  # a new k must beat the shown one by a margin to count as a win
    count = prev.last_k_count + 1 if prev.last_k == best else 1
    smoothed = best if current is None or count >= buffer else current
    return KSmoother(best, count, smoothed)


def _farthest_from(
    candidates: NDArray[np.float64], taken: NDArray[np.float64], n: int
) -> NDArray[np.float64]:
    d = np.linalg.norm(candidates[:, None, :] - taken[None, :, :], axis=2).min(axis=1)
    return candidates[np.argsort(-d, kind="stable")[:n]]
