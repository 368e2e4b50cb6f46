"""The outer search of synthetic control: predictor weights V minimising the outcome MSPE.

The loss is piecewise smooth in V (the donor support changes), so a derivative-free
Nelder–Mead search is used, as in R's Synth and pysyncon. Unlike them, the whole search runs
inside numba: one evaluation costs a few microseconds, so restarts and placebo refits are cheap.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from kyoso.evaluation.estimators.simplex_regression import simplex_qp

FloatArray = NDArray[np.float64]


@njit(cache=True)
def v_loss(
    raw: FloatArray,
    x_donors: FloatArray,
    x_treated: FloatArray,
    z_donors: FloatArray,
    z_treated: FloatArray,
) -> float:  # pragma: no cover - numba
    """Return the outcome MSPE of the synthetic control built with predictor weights |raw|."""
    v = np.abs(raw)
    total = v.sum()
    if total <= 0.0:
        return np.inf
    v = v / total
    k, n = x_donors.shape
    g = np.zeros((n, n))
    c = np.zeros(n)
    for a in range(n):
        for r in range(k):
            c[a] += x_donors[r, a] * v[r] * x_treated[r]
        for b in range(a + 1):
            total = 0.0
            for r in range(k):
                total += x_donors[r, a] * v[r] * x_donors[r, b]
            g[a, b] = total
            g[b, a] = total
    w = simplex_qp(g, c)
    loss = 0.0
    for t in range(z_donors.shape[0]):
        fit = 0.0
        for a in range(n):
            fit += z_donors[t, a] * w[a]
        loss += (z_treated[t] - fit) ** 2
    return loss / z_donors.shape[0]


@njit(cache=True)
def _nelder_mead(
    x0: FloatArray,
    x_donors: FloatArray,
    x_treated: FloatArray,
    z_donors: FloatArray,
    z_treated: FloatArray,
    max_iter: int,
    xatol: float,
    fatol: float,
) -> tuple[FloatArray, float]:  # pragma: no cover - numba
    n = x0.shape[0]
    # Gao & Han's adaptive coefficients keep the simplex from collapsing in higher dimensions.
    rho, chi, psi, sigma = 1.0, 1.0 + 2.0 / n, 0.75 - 1.0 / (2.0 * n), 1.0 - 1.0 / n
    sim = np.empty((n + 1, n))
    fsim = np.empty(n + 1)
    sim[0] = x0
    for k in range(n):
        y = x0.copy()
        y[k] = y[k] * 1.05 if y[k] != 0.0 else 0.00025
        sim[k + 1] = y
    for k in range(n + 1):
        fsim[k] = v_loss(sim[k], x_donors, x_treated, z_donors, z_treated)
    for _ in range(max_iter):
        # Insertion sort: the simplex is nearly sorted after one step.
        for i in range(1, n + 1):
            j = i
            while j > 0 and fsim[j - 1] > fsim[j]:
                value = fsim[j - 1]
                fsim[j - 1] = fsim[j]
                fsim[j] = value
                row = sim[j - 1].copy()
                sim[j - 1] = sim[j]
                sim[j] = row
                j -= 1
        spread_x = 0.0
        spread_f = 0.0
        for k in range(1, n + 1):
            spread_f = max(spread_f, abs(fsim[k] - fsim[0]))
            for i in range(n):
                spread_x = max(spread_x, abs(sim[k, i] - sim[0, i]))
        if spread_x <= xatol and spread_f <= fatol:
            break
        centre = np.zeros(n)
        for k in range(n):
            centre += sim[k]
        centre /= n
        xr = (1 + rho) * centre - rho * sim[n]
        fr = v_loss(xr, x_donors, x_treated, z_donors, z_treated)
        shrink = False
        if fr < fsim[0]:
            xe = (1 + rho * chi) * centre - rho * chi * sim[n]
            fe = v_loss(xe, x_donors, x_treated, z_donors, z_treated)
            if fe < fr:
                sim[n] = xe
                fsim[n] = fe
            else:
                sim[n] = xr
                fsim[n] = fr
        elif fr < fsim[n - 1]:
            sim[n] = xr
            fsim[n] = fr
        elif fr < fsim[n]:
            xc = (1 + psi * rho) * centre - psi * rho * sim[n]
            fc = v_loss(xc, x_donors, x_treated, z_donors, z_treated)
            if fc <= fr:
                sim[n] = xc
                fsim[n] = fc
            else:
                shrink = True
        else:
            xcc = (1 - psi) * centre + psi * sim[n]
            fcc = v_loss(xcc, x_donors, x_treated, z_donors, z_treated)
            if fcc < fsim[n]:
                sim[n] = xcc
                fsim[n] = fcc
            else:
                shrink = True
        if shrink:
            for k in range(1, n + 1):
                sim[k] = sim[0] + sigma * (sim[k] - sim[0])
                fsim[k] = v_loss(sim[k], x_donors, x_treated, z_donors, z_treated)
    best = 0
    for k in range(1, n + 1):
        if fsim[k] < fsim[best]:
            best = k
    return sim[best].copy(), fsim[best]


def _ols_start(x: FloatArray, z: FloatArray) -> FloatArray:
    # R Synth's second starting point: predictor importance from regressing outcomes on predictors.
    design = np.hstack([np.ones((x.shape[1], 1)), x.T])
    beta, *_ = np.linalg.lstsq(design, z.T, rcond=None)
    importance = np.sum(beta[1:] ** 2, axis=1)
    total = importance.sum()
    if not (total > 0 and np.isfinite(total)):
        return np.full(x.shape[0], 1.0 / x.shape[0])
    return np.asarray(importance / total, dtype=np.float64)


def optimise_v(
    x_donors: FloatArray,
    x_treated: FloatArray,
    z_donors: FloatArray,
    z_treated: FloatArray,
    *,
    restarts: int = 4,
    iterations_per_predictor: int = 200,
) -> FloatArray:
    """Return predictor weights V (summing to 1) minimising the synthetic control's outcome MSPE.

    Two starting points (equal weights; R Synth's regression-based weights), each refined by
    Nelder–Mead restarted from its own answer until a restart stops improving.
    """
    k = x_donors.shape[0]
    if x_treated.shape[0] != k or z_donors.shape[1] != x_donors.shape[1]:
        raise ValueError("predictor and outcome matrices do not line up")
    if k == 1:
        return np.ones(1)
    args = (
        np.ascontiguousarray(x_donors, dtype=np.float64),
        np.ascontiguousarray(x_treated, dtype=np.float64),
        np.ascontiguousarray(z_donors, dtype=np.float64),
        np.ascontiguousarray(z_treated, dtype=np.float64),
    )
    starts = [
        np.full(k, 1.0 / k),
        _ols_start(np.hstack([args[0], args[1][:, None]]), np.hstack([args[2], args[3][:, None]])),
    ]
    best_x, best_f = starts[0], float(v_loss(starts[0], *args))
    for start in starts:
        point, value = start, float(v_loss(start, *args))
        # Nelder–Mead stalls on this surface; a fresh simplex around its answer often escapes.
        for _ in range(restarts):
            new_point, new_value = _nelder_mead(
                point, *args, iterations_per_predictor * k, 1e-7, 1e-12
            )
            improved = value - new_value > 1e-6 * max(abs(value), 1e-300)
            if new_value < value:
                point, value = new_point, float(new_value)
            if not improved:
                break
        if value < best_f:
            best_x, best_f = point, value
    v = np.abs(best_x)
    return np.asarray(v / v.sum(), dtype=np.float64)
