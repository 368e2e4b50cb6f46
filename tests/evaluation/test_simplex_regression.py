"""The simplex-constrained least-squares solver behind synthetic control."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, minimize

from kyoso.evaluation.estimators.simplex_regression import simplex_weights


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=0, max_value=2**31),
    st.booleans(),
)
def test_solution_satisfies_the_kkt_conditions(k: int, n: int, seed: int, inside: bool) -> None:
    rng = np.random.default_rng(seed)
    x0 = rng.normal(size=(k, n))
    x1 = x0 @ rng.dirichlet(np.ones(n)) if inside else rng.normal(size=k) * 3
    w = simplex_weights(x0, x1)
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0)
    grad = x0.T @ (x0 @ w - x1)
    lam = float(w @ grad)
    scale = max(1.0, float(np.abs(x0).max()) ** 2)
    # Optimality on the simplex: no donor can lower the loss by taking weight from the rest.
    assert grad.min() >= lam - 1e-7 * scale
    support = w > 1e-9
    assert np.allclose(grad[support], lam, atol=1e-6 * scale)


def test_matches_slsqp_and_handles_duplicate_donors() -> None:
    rng = np.random.default_rng(3)
    x0 = rng.normal(size=(6, 10))
    x0[:, 5] = x0[:, 4]
    x1 = rng.normal(size=6)
    w = simplex_weights(x0, x1)
    res = minimize(
        lambda v: float(np.sum((x1 - x0 @ v) ** 2)),
        np.full(10, 0.1),
        method="SLSQP",
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(np.ones(10), 1, 1),
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    assert np.sum((x1 - x0 @ w) ** 2) <= res.fun + 1e-9


def test_predictor_weights_change_the_match() -> None:
    x0 = np.array([[0.0, 1.0], [1.0, 0.0]])
    x1 = np.array([0.0, 1.0])
    assert simplex_weights(x0, x1, np.array([1.0, 0.0]))[0] == pytest.approx(1.0)
    assert simplex_weights(x0, x1, np.array([0.0, 1.0]))[0] == pytest.approx(1.0)
    assert simplex_weights(x0, np.array([1.0, 0.0]), np.array([1.0, 1.0]))[1] == pytest.approx(1.0)
    assert simplex_weights(np.ones((3, 1)), np.zeros(3)).tolist() == [1.0]
