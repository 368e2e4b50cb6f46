"""PCA of a mean-imputed vote matrix without ever building it densely.

Polis fills every unseen cell with its statement's mean vote and then centres each column on
that same mean. After centring, an imputed cell is exactly 0, so the centred matrix is the
sparse matrix of ``vote - column_mean`` on seen cells only: the same CSR structure as the
votes. Its top singular vectors are the principal components Polis computes.

Moderated-out statements are zeroed as Polis does (``nm/zero-out-columns``): they carry no
variance, yet Polis counts them as seen for everyone when scaling a projection by
``sqrt(n_statements / n_seen)``; we keep that quirk so coordinates match Polis's.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import LinearOperator, eigsh

# Below this many cells a dense SVD is cheap and exact.
DENSE_CELLS = 20_000
_BLAS: Any = None  # threadpoolctl controller, made on first use


@dataclass(frozen=True)
class PcaFit:
    """Column means, two unit components (2 × n_statements) and the projection constants."""

    means: NDArray[np.float64]
    components: NDArray[np.float64]
    active: NDArray[np.bool_]
    n_statements: int
    n_moderated: int


def one_blas_thread() -> AbstractContextManager[Any]:
    """Return a context in which BLAS runs on one thread.

    The map's dense products are small (two components, 2-D points): BLAS threads cost more in
    hand-offs than they save, and on a busy machine they spin for cores that others hold.
    """
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


def centered_votes(
    votes: sp.csr_array, active: NDArray[np.bool_]
) -> tuple[sp.csr_array, NDArray[np.float64]]:
    """Return the sparse centred mean-imputed matrix and the column means.

    Moderated-out columns (``~active``) are left out of the structure entirely.
    """
    n_s = votes.shape[1]
    keep = active[votes.indices]
    counts = np.bincount(votes.indices[keep], minlength=n_s).astype(np.float64)
    sums = np.bincount(votes.indices[keep], weights=votes.data[keep], minlength=n_s)
    means = np.divide(sums, counts, out=np.zeros(n_s), where=counts > 0)
    data = np.where(keep, votes.data - means[votes.indices], 0.0)
    # Copies: eliminate_zeros works in place and would corrupt the caller's vote matrix.
    centred = sp.csr_array((data, votes.indices.copy(), votes.indptr.copy()), shape=votes.shape)
    # Structural zeros from moderated columns carry nothing; dropping them halves later work.
    centred.eliminate_zeros()
    return centred, means


def fit_pca(
    votes: sp.csr_array,
    active: NDArray[np.bool_],
    *,
    seed: int = 0,
    previous: NDArray[np.float64] | None = None,
    method: str = "auto",
) -> PcaFit:
    """Return the two leading principal components of the mean-imputed votes.

    ``method`` is "sparse" (Lanczos on the implicit Gram operator of the sparse centred matrix),
    "randomized" (randomized SVD of it), "dense" (imputes a dense copy: small matrices and a
    reference) or "auto". ``previous`` (2 × n_statements, aligned on the
    same columns, NaN where unknown) fixes the sign of each component so maps do not flip.
    """
    n_p, n_s = votes.shape
    if method == "auto":
        method = "dense" if n_p * n_s <= DENSE_CELLS else "sparse"
    if method == "dense":
        dense = _imputed_dense(votes, active)
        means = dense.mean(axis=0) if n_p else np.zeros(n_s)
        comps = _dense_components(dense - means)
    elif method in ("sparse", "randomized"):
        centred, means = centered_votes(votes, active)
        if min(n_p, n_s) < 3 or centred.nnz == 0:
            comps = _dense_components(centred.toarray()) if centred.nnz else np.zeros((0, n_s))
        elif method == "sparse":
            comps = _lanczos_components(centred, previous, seed)
        else:
            from sklearn.utils.extmath import randomized_svd  # slow to import; needed only here

            _, _, comps = randomized_svd(centred, 2, n_oversamples=10, n_iter=6, random_state=seed)
    else:
        raise ValueError(f"unknown PCA method {method!r}")
    comps = np.vstack([comps, np.zeros((2 - len(comps), n_s))])[:2]
    comps = _fix_signs(comps, previous)
    return PcaFit(means, comps, active.copy(), n_s, int((~active).sum()))


def project_rows(votes: sp.csr_array, fit: PcaFit) -> NDArray[np.float64]:
    """Return the sparsity-aware 2-D coordinates of every row of ``votes``."""
    centred = _centre_with(votes, fit)
    raw = centred @ fit.components.T
    return np.asarray(raw) * _scale(votes, fit)[:, None]


def project_vector(row: NDArray[np.float64], fit: PcaFit) -> tuple[float, float]:
    """Return (x, y) for one dense vote row (NaN = unseen) on the fitted components."""
    seen = ~np.isnan(row)
    use = seen & fit.active
    dev = np.where(use, np.nan_to_num(row) - fit.means, 0.0)
    n_seen = int(use.sum()) + fit.n_moderated
    scale = np.sqrt(fit.n_statements / max(n_seen, 1))
    x, y = (fit.components @ dev) * scale
    return float(x), float(y)


def _centre_with(votes: sp.csr_array, fit: PcaFit) -> sp.csr_array:
    keep = fit.active[votes.indices]
    data = np.where(keep, votes.data - fit.means[votes.indices], 0.0)
    return sp.csr_array((data, votes.indices, votes.indptr), shape=votes.shape)


def _scale(votes: sp.csr_array, fit: PcaFit) -> NDArray[np.float64]:
    keep = fit.active[votes.indices].astype(np.float64)
    rows = np.repeat(np.arange(votes.shape[0]), np.diff(votes.indptr))
    n_seen = np.bincount(rows, weights=keep, minlength=votes.shape[0]) + fit.n_moderated
    return np.sqrt(fit.n_statements / np.maximum(n_seen, 1.0))


def _dense_components(centred: NDArray[np.float64]) -> NDArray[np.float64]:
    if centred.size == 0:
        return np.zeros((0, centred.shape[1]))
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return vt[:2]


def _lanczos_components(
    centred: sp.csr_array, previous: NDArray[np.float64] | None, seed: int
) -> NDArray[np.float64]:
    # Lanczos on the implicit n_s × n_s Gram operator: two sparse products per step and no
    # dense matrix of either size; the last components (if any) start it near the answer.
    transposed = centred.T.tocsr()
    n_s = centred.shape[1]
    gram = LinearOperator((n_s, n_s), matvec=lambda x: transposed @ (centred @ x), dtype=np.float64)
    v0 = np.random.default_rng(seed).uniform(0.5, 1.0, n_s)
    if previous is not None and np.isfinite(previous).any():
        v0 = v0 * 1e-3 + np.nan_to_num(previous).sum(axis=0)
    vals, vecs = eigsh(gram, k=2, which="LA", v0=v0, tol=1e-9)
    return np.asarray(vecs[:, np.argsort(-vals)].T)


def _imputed_dense(votes: sp.csr_array, active: NDArray[np.bool_]) -> NDArray[np.float64]:
    n_p, n_s = votes.shape
    dense = np.full((n_p, n_s), np.nan)
    rows = np.repeat(np.arange(n_p), np.diff(votes.indptr))
    dense[rows, votes.indices] = votes.data
    dense[:, ~active] = 0.0
    counts = (~np.isnan(dense)).sum(axis=0)
    means = np.divide(np.nansum(dense, axis=0), counts, out=np.zeros(n_s), where=counts > 0)
    return np.where(np.isnan(dense), means, dense)


def _fix_signs(
    comps: NDArray[np.float64], previous: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    out = comps.copy()
    for i in range(len(out)):
        ref = None if previous is None else previous[i]
        if ref is not None and np.isfinite(ref).any():
            dot = float(np.nansum(out[i] * ref))
            if dot < 0:
                out[i] = -out[i]
                continue
            if dot > 0:
                continue
        # Without history, the largest loading is made positive: deterministic across runs.
        j = int(np.argmax(np.abs(out[i]))) if out.shape[1] else 0
        if out.shape[1] and out[i, j] < 0:
            out[i] = -out[i]
    return out
