"""Cost per unit of KPI improvement, honest about intervals through zero."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyoso.evaluation.estimators.cost_effectiveness import cost_effectiveness
from kyoso.evaluation.estimators.errors import EstimationError


def test_clear_effect_gives_cost_per_unit_with_interval() -> None:
    ce = cost_effectiveness(1_000_000, 50.0, 25.0, 100.0)
    assert ce.verdict == "determinable"
    assert ce.cost_per_unit == pytest.approx(20_000)
    assert ce.cost_per_unit_ci == pytest.approx((10_000, 40_000))
    assert "20,000" in ce.explain("ja") and "per unit" in ce.explain("en")


def test_interval_through_zero_is_not_determinable() -> None:
    ce = cost_effectiveness(1_000_000, 0.5, -3.0, 4.0)
    assert ce.verdict == "not_determinable"
    assert ce.cost_per_unit is None and ce.cost_per_unit_ci is None
    assert "判定不能" in ce.explain("ja") and "not determinable" in ce.explain("en")
    assert cost_effectiveness(10.0, 0.0, 0.0, 0.0).verdict == "not_determinable"


def test_down_is_good_counts_a_fall_as_improvement() -> None:
    ce = cost_effectiveness(600.0, -3.0, -4.0, -2.0, direction="down")
    assert ce.verdict == "determinable"
    assert ce.cost_per_unit == pytest.approx(200.0)
    assert ce.cost_per_unit_ci == pytest.approx((150.0, 300.0))


def test_effect_wholly_in_the_wrong_direction_is_harmful() -> None:
    ce = cost_effectiveness(600.0, 3.0, 2.0, 4.0, direction="down")
    assert ce.verdict == "harmful" and ce.cost_per_unit is None
    assert "unwanted" in ce.explain("en")


@given(
    st.floats(min_value=0, max_value=1e9),
    st.floats(min_value=1e-3, max_value=1e3),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=5),
)
def test_interval_brackets_the_point_estimate(
    cost: float, effect: float, a: float, b: float
) -> None:
    low, high = effect * a, effect * (1 + b)
    ce = cost_effectiveness(cost, effect, low, high)
    if low <= 0:
        assert ce.verdict == "not_determinable"
    else:
        assert ce.cost_per_unit is not None and ce.cost_per_unit_ci is not None
        lo, hi = ce.cost_per_unit_ci
        assert lo <= ce.cost_per_unit * (1 + 1e-12) and ce.cost_per_unit <= hi * (1 + 1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1.0, 1.0, 0.5, 2.0), "must not be negative"),
        ((1.0, 5.0, 0.5, 2.0), "does not contain the effect"),
        ((1.0, float("inf"), 0.5, 2.0), "finite"),
    ],
)
def test_domain_errors(args: tuple[float, float, float, float], message: str) -> None:
    with pytest.raises(EstimationError, match=message):
        cost_effectiveness(*args)
