"""Least squares with weights on the probability simplex, the inner problem of synthetic control.

The problem  min_w ½ wᵀGw − cᵀw  subject to  w ≥ 0, Σw = 1  is solved exactly by a
Lawson–Hanson style active-set method compiled with numba. A solution has at most
rank(G) + 1 non-zero weights, so the linear systems stay small even with hundreds of
donors, and each solve costs microseconds. That matters because the outer search over
predictor weights V calls it thousands of times.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@njit(cache=True)
def _cholesky_solve(a: FloatArray, b: FloatArray) -> FloatArray:  # pragma: no cover - numba
    # Plain loops rather than np.linalg: numba compiles them in a fraction of the time.
    n = a.shape[0]
    low = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1):
            total = a[i, j]
            for k in range(j):
                total -= low[i, k] * low[j, k]
            if i == j:
                low[i, i] = np.sqrt(max(total, 1e-300))
            else:
                low[i, j] = total / low[j, j]
    y = np.zeros(n)
    for i in range(n):
        total = b[i]
        for k in range(i):
            total -= low[i, k] * y[k]
        y[i] = total / low[i, i]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        total = y[i]
        for k in range(i + 1, n):
            total -= low[k, i] * x[k]
        x[i] = total / low[i, i]
    return x


@njit(cache=True)
def _solve_on_support(
    g: FloatArray, c: FloatArray, support: NDArray[np.int64], size: int
) -> FloatArray:  # pragma: no cover - numba
    # Minimiser of ½zᵀGz − cᵀz on the support subject to Σz = 1, from two SPD solves.
    sub = np.empty((size, size))
    rhs = np.empty(size)
    scale = 0.0
    for a in range(size):
        scale = max(scale, abs(g[support[a], support[a]]))
    # A tiny ridge keeps the system regular when two donors are identical.
    ridge = 1e-10 * max(scale, 1e-300)
    for a in range(size):
        for b in range(size):
            sub[a, b] = g[support[a], support[b]]
        sub[a, a] += ridge
        rhs[a] = c[support[a]]
    free = _cholesky_solve(sub, rhs)
    ones = _cholesky_solve(sub, np.ones(size))
    shift = (1.0 - free.sum()) / ones.sum()
    return free + shift * ones


@njit(cache=True)
def simplex_qp(g: FloatArray, c: FloatArray) -> FloatArray:  # pragma: no cover - numba
    """Return w minimising ½ wᵀGw − cᵀw over the probability simplex (G positive semidefinite)."""
    n = g.shape[0]
    w = np.zeros(n)
    if n == 1:
        w[0] = 1.0
        return w
    scale = 0.0
    for i in range(n):
        scale = max(scale, abs(g[i, i]), abs(c[i]))
    tol = 1e-11 * max(scale, 1e-300)
    best = 0
    best_value = 0.5 * g[0, 0] - c[0]
    for i in range(1, n):
        value = 0.5 * g[i, i] - c[i]
        if value < best_value:
            best, best_value = i, value
    w[best] = 1.0
    in_support = np.zeros(n, dtype=np.bool_)
    in_support[best] = True
    for _ in range(4 * n + 20):
        grad = np.zeros(n)
        for j in range(n):
            if w[j] != 0.0:
                for i in range(n):
                    grad[i] += g[i, j] * w[j]
        lam = 0.0
        for i in range(n):
            grad[i] -= c[i]
            lam += w[i] * grad[i]
        entering = -1
        lowest = lam - tol
        for i in range(n):
            if not in_support[i] and grad[i] < lowest:
                entering, lowest = i, grad[i]
        if entering < 0:
            break
        in_support[entering] = True
        support = np.empty(n, dtype=np.int64)
        for _inner in range(n + 1):
            size = 0
            for i in range(n):
                if in_support[i]:
                    support[size] = i
                    size += 1
            z = _solve_on_support(g, c, support, size)
            positive = True
            for a in range(size):
                if z[a] <= 0.0:
                    positive = False
            if positive:
                for a in range(size):
                    w[support[a]] = z[a]
                break
            alpha = 1.0
            for a in range(size):
                if z[a] <= 0.0:
                    current = w[support[a]]
                    alpha = min(alpha, current / (current - z[a]))
            for a in range(size):
                i = support[a]
                w[i] += alpha * (z[a] - w[i])
                if w[i] <= 1e-14:
                    w[i] = 0.0
                    in_support[i] = False
            if not in_support[entering] and alpha == 0.0:
                # Round-off made the entering donor useless: the current point is optimal.
                break
        else:
            break
    total = w.sum()
    return w / total


def simplex_weights(
    x_donors: FloatArray, x_treated: FloatArray, v: FloatArray | None = None
) -> FloatArray:
    """Return simplex weights w minimising (x₁ − X₀w)ᵀ diag(v) (x₁ − X₀w).

    ``x_donors`` has one column per donor; ``v`` defaults to equal weights.
    """
    x_donors = np.ascontiguousarray(x_donors, dtype=np.float64)
    x_treated = np.ascontiguousarray(x_treated, dtype=np.float64)
    weights = np.ones(x_donors.shape[0]) if v is None else np.asarray(v, dtype=np.float64)
    weighted = x_donors * weights.reshape(-1, 1)
    result: FloatArray = simplex_qp(
        np.ascontiguousarray(x_donors.T @ weighted), np.ascontiguousarray(weighted.T @ x_treated)
    )
    return result
