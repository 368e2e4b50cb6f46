"""CO2 arithmetic on plain data: the hand-worked example, dual Scope 2, GWP, properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyoso.green.accounting import abatement, baseline, peers
from kyoso.green.accounting import inventory as acc
from kyoso.green.accounting.ev_lease import EvLeaseInput, ev_lease
from kyoso.green.accounting.gases import gwp_of
from kyoso.green.accounting.units import convert


def _ref(
    value: float, unit: str, adjusted: float | None = None, provisional: bool = False
) -> acc.FactorRef:
    return acc.FactorRef(
        None, value, value if adjusted is None else adjusted, unit, "", 2025, provisional
    )


def book() -> acc.FactorBook:
    b = acc.FactorBook(2025)
    b.electricity["A0269"] = {
        "メニューA": _ref(0.0, "t-CO2/kWh"),
        "メニューM(残差)": _ref(0.000452, "t-CO2/kWh"),
        "(参考値)事業者全体": _ref(0.000421, "t-CO2/kWh"),
    }
    b.electricity["A0002"] = {"": _ref(0.000422, "t-CO2/kWh")}
    b.electricity["A0999"] = {
        "メニューA": _ref(0.0001, "t-CO2/kWh"),
        "(参考値)事業者全体": _ref(0.0003, "t-CO2/kWh"),
    }
    b.national = _ref(0.000423, "t-CO2/kWh")
    b.substitute = _ref(0.000416, "t-CO2/kWh")
    b.grid["沖縄電力(株)"] = _ref(0.000707, "t-CO2/kWh")
    b.gas["A0020"] = {
        "東京ガスネットワーク株式会社の供給区域 メニューA": _ref(2.09, "t-CO2/千m3", 0.0),
        "東京ガスネットワーク株式会社の供給区域 残差": _ref(2.09, "t-CO2/千m3"),
    }
    b.fuels["diesel_oil"] = _ref(2.62, "tCO2/kL")
    b.fuels["gasoline"] = _ref(2.29, "tCO2/kL")
    b.scope3["travel_expense_rail"] = _ref(0.001854, "kg-CO2/円")
    b.scope3["travel_per_day_domestic_day_trip"] = _ref(0.030133, "t-CO2/人・日")
    b.scope3["tonkm_rail"] = _ref(0.000022, "t-CO2/t-km")
    return b


def test_hand_worked_example_113_2_tonnes() -> None:
    """100 MWh on TEPCO EP メニューM(残差) + 10 kL diesel + 20 千m3 Tokyo Gas → 113.2 t."""
    b = book()
    e = [
        acc.compute(
            acc.ActivityLine(acc.Category.ELECTRICITY, 100, "MWh", "A0269", "メニューM(残差)"), b
        ),
        acc.compute(acc.ActivityLine(acc.Category.DIESEL, 10, "kL"), b),
        acc.compute(
            acc.ActivityLine(
                acc.Category.CITY_GAS,
                20,
                "千m3",
                "A0020",
                "東京ガスネットワーク株式会社の供給区域 残差",
            ),
            b,
        ),
    ]
    assert [round(x.co2_market_t, 6) for x in e] == [45.2, 26.2, 41.8]
    t = acc.totals(e)
    assert round(t.market_total, 6) == 113.2
    assert round(t.scope1, 6) == 68.0
    # location-based uses the grid average 0.000423: 42.3 + 68.0
    assert round(t.location_total, 6) == 110.3


def test_units_are_converted_not_assumed() -> None:
    b = book()
    kwh = acc.compute(
        acc.ActivityLine(acc.Category.ELECTRICITY, 100_000, "kWh", "A0269", "メニューM(残差)"), b
    )
    assert kwh.co2_market_t == pytest.approx(45.2)
    litres = acc.compute(acc.ActivityLine(acc.Category.DIESEL, 10_000, "L"), b)
    assert litres.co2_location_t == pytest.approx(26.2)
    m3 = acc.compute(acc.ActivityLine(acc.Category.CITY_GAS, 20_000, "m3", "A0020"), b)
    assert m3.co2_location_t == pytest.approx(41.8)
    with pytest.raises(acc.CalculationError) as err:
        acc.compute(acc.ActivityLine(acc.Category.DIESEL, 1, "kWh"), b)
    assert err.value.field == "unit"


@pytest.mark.parametrize(
    ("supplier", "menu", "factor", "basis"),
    [
        ("A0269", "メニューA", 0.0, acc.Basis.MENU),  # the contracted menu's adjusted factor
        ("A0269", "", 0.000452, acc.Basis.RESIDUAL),  # menu not known: the supplier's residual
        ("A0269", "メニューZ", 0.000452, acc.Basis.RESIDUAL),  # menu not published: residual
        ("A0999", "", 0.0003, acc.Basis.REFERENCE),  # no residual: (参考値)事業者全体
        ("A0002", "", 0.000422, acc.Basis.SUPPLIER),  # single-factor supplier
        ("", "", 0.000416, acc.Basis.SUBSTITUTE),  # supplier unknown: 代替値
        ("A1234", "", 0.000416, acc.Basis.SUBSTITUTE),
    ],
)
def test_dual_scope2_mapping(supplier: str, menu: str, factor: float, basis: acc.Basis) -> None:
    e = acc.compute(acc.ActivityLine(acc.Category.ELECTRICITY, 1000, "kWh", supplier, menu), book())
    assert e.basis_market == basis
    assert e.co2_market_t == pytest.approx(1000 * factor)
    assert e.basis_location == acc.Basis.NATIONAL
    assert e.co2_location_t == pytest.approx(0.423)


def test_location_uses_the_area_when_given() -> None:
    e = acc.compute(
        acc.ActivityLine(acc.Category.ELECTRICITY, 1000, "kWh", grid_area="沖縄電力(株)"), book()
    )
    assert e.basis_location == acc.Basis.GRID_AREA and e.co2_location_t == pytest.approx(0.707)


def test_certificates_and_credits_only_in_market_figure() -> None:
    b = book()
    e = [
        acc.compute(
            acc.ActivityLine(acc.Category.ELECTRICITY, 100_000, "kWh", "A0269", "メニューM(残差)"),
            b,
        ),
        acc.compute(acc.ActivityLine(acc.Category.NON_FOSSIL_CERTIFICATE, 50_000, "kWh"), b),
        acc.compute(acc.ActivityLine(acc.Category.J_CREDIT, 5, "t"), b),
    ]
    t = acc.totals(e)
    assert t.location_total == pytest.approx(42.3)
    assert t.market_total == pytest.approx(45.2 - 50_000 * 0.000423 - 5)
    # certificates never take Scope 2 below zero
    big = [
        e[0],
        acc.compute(acc.ActivityLine(acc.Category.NON_FOSSIL_CERTIFICATE, 10**7, "kWh"), b),
    ]
    assert acc.totals(big).market_total == 0.0


def test_refrigerant_gwp_and_vehicle_km() -> None:
    r = acc.compute(acc.ActivityLine(acc.Category.REFRIGERANT, 10, "kg", gas="R-410A"), book())
    assert gwp_of("R-410A") == pytest.approx(1923.5)
    assert r.co2_location_t == pytest.approx(19.235) and r.scope == 1
    v = acc.compute(
        acc.ActivityLine(acc.Category.VEHICLE_KM, 13_000, "km", vehicle_type="car_gasoline"), book()
    )
    assert v.co2_location_t == pytest.approx(2.29)  # 1,000 L of gasoline
    with pytest.raises(acc.CalculationError):
        acc.compute(acc.ActivityLine(acc.Category.REFRIGERANT, 1, "kg", gas="R-999"), book())


def test_scope3_spend_in_kg_per_yen() -> None:
    e = acc.compute(
        acc.ActivityLine(acc.Category.SCOPE3, 1_000_000, "円", scope3_key="travel_expense_rail"),
        book(),
    )
    assert e.scope == 3 and e.co2_location_t == pytest.approx(1.854)


def test_provisional_year_choice() -> None:
    assert acc.choose_year([2024, 2025], 2025) == (2025, False)
    assert acc.choose_year([2024, 2025], 2026) == (2025, True)
    assert acc.choose_year([2025], 2023) == (2025, True)
    assert acc.choose_year([], 2025) is None
    prov = book()
    prov.fuels["diesel_oil"] = _ref(2.62, "tCO2/kL", provisional=True)
    assert acc.compute(acc.ActivityLine(acc.Category.DIESEL, 1, "kL"), prov).provisional


def test_fiscal_year() -> None:
    assert acc.fiscal_year(2025, 3) == 2024 and acc.fiscal_year(2025, 4) == 2025
    assert acc.fiscal_year(2025, 3, start_month=1) == 2025


quantities = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["electricity", "diesel", "city_gas", "gasoline"]), quantities),
        min_size=1,
        max_size=20,
    )
)
def test_additivity_over_months_and_sites(lines: list[tuple[str, float]]) -> None:
    """The total of many lines equals the emissions of their summed quantities, per category."""
    b = book()
    units = {"electricity": "kWh", "diesel": "kL", "city_gas": "千m3", "gasoline": "kL"}

    def line(cat: str, q: float) -> acc.ActivityLine:
        return acc.ActivityLine(
            acc.Category(cat), q, units[cat], supplier="A0269" if cat == "electricity" else "A0020"
        )

    separate = acc.totals([acc.compute(line(c, q), b) for c, q in lines])
    summed: dict[str, float] = {}
    for c, q in lines:
        summed[c] = summed.get(c, 0.0) + q
    together = acc.totals([acc.compute(line(c, q), b) for c, q in summed.items()])
    assert separate.market_total == pytest.approx(together.market_total, rel=1e-9, abs=1e-9)
    assert separate.location_total == pytest.approx(together.location_total, rel=1e-9, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(
    quantities,
    st.sampled_from([("kWh", "MWh"), ("L", "kL"), ("kg", "t"), ("m3", "千m3"), ("MJ", "GJ")]),
)
def test_unit_round_trip(value: float, pair: tuple[str, str]) -> None:
    a, b = pair
    assert convert(convert(value, a, b), b, a) == pytest.approx(value, rel=1e-12, abs=1e-9)


def test_baseline_normalises_for_production() -> None:
    base = [
        baseline.MonthPoint(10 + 2 * p, production=p, hdd=h)
        for p, h in zip(
            range(1, 13), [300, 250, 100, 20, 0, 0, 0, 0, 10, 90, 200, 280], strict=True
        )
    ]
    model = baseline.fit(base)
    assert model.r_squared == pytest.approx(1.0)
    # produced twice as much, emitted 1.5× the base: normalised, that is a saving
    later = [
        baseline.MonthPoint(1.5 * (10 + 2 * p.production), production=2 * p.production, hdd=p.hdd)
        for p in base
    ]
    progress = baseline.normalised_progress(model, later)
    assert sum(m.value for m in later) > sum(m.value for m in base)
    assert progress.saved > 0


def test_least_cost_plan_is_optimal_against_brute_force() -> None:
    import itertools
    import random

    rng = random.Random(4)
    cands = [
        abatement.Candidate(
            f"m{i}",
            f"m{i}",
            rng.randint(0, 50) * 100_000,
            rng.randint(-300, 300) * 1000,
            rng.randint(5, 20),
            rng.uniform(1, 30),
            group="g" if i < 2 else "",
        )
        for i in range(12)
    ]
    target, budget = 40.0, 10_000_000
    plan = abatement.least_cost_plan(cands, target_t=target, budget_yen=budget)
    best = math.inf
    for mask in itertools.product([0, 1], repeat=len(cands)):
        chosen = [c for c, m in zip(cands, mask, strict=True) if m]
        if sum(c.capex_yen for c in chosen) > budget or sum(c.abated_t for c in chosen) < target:
            continue
        if sum(1 for c in chosen if c.group == "g") > 1:
            continue
        best = min(best, sum(abatement.annualised_cost(c) for c in chosen))
    assert best < math.inf  # the instance is feasible
    assert plan.status == "optimal"
    assert plan.annual_cost_yen == pytest.approx(best, rel=1e-6, abs=1e-3)
    assert plan.abated_t >= target and plan.capex_yen <= budget


def test_unreachable_target_gives_most_abatement_within_budget() -> None:
    cands = [
        abatement.Candidate("a", "a", 100, 0, 10, 5),
        abatement.Candidate("b", "b", 100, 0, 10, 7),
    ]
    plan = abatement.least_cost_plan(cands, target_t=100, budget_yen=100)
    assert plan.status == "target_unreachable" and plan.chosen == ("b",)


def test_mac_curve_orders_by_cost_and_widths_add_up() -> None:
    cands = [
        abatement.Candidate("a", "a", 0, 1000, 1, 10),
        abatement.Candidate("b", "b", 0, -1000, 1, 5),
    ]
    bars = abatement.mac_curve(cands)
    assert [b.key for b in bars] == ["b", "a"] and bars[1].x0 == 5 and bars[0].height == -200
    assert abatement.payback_years(abatement.Candidate("c", "c", 1000, -250, 10, 1)) == 4


def test_ev_lease_uses_the_factor_given() -> None:
    r = ev_lease(EvLeaseInput(2, 13_000, 13.0, 2.29, 0.15, electricity_factor=0.0))
    assert r.fuel_avoided_litres == pytest.approx(2000) and r.co2_avoided_t == pytest.approx(4.58)
    r2 = ev_lease(EvLeaseInput(2, 13_000, 13.0, 2.29, 0.15, electricity_factor=0.000452))
    assert r2.co2_ev_t == pytest.approx(3900 * 0.000452)


def test_five_peer_rule() -> None:
    assert peers.benchmark(1.0, [1.0, 2.0, 3.0, 4.0]) is None
    b = peers.benchmark(2.5, [1.0, 2.0, 3.0, 4.0, 5.0])
    assert b is not None and b.peers == 5 and b.median == 3.0 and b.rank_pct == 40.0


@pytest.mark.parametrize(
    ("quantity", "unit"),
    [(1_000_000, "円"), (1_000_000, ""), (1_000, "千円"), (1, "百万円"), (1_000_000, "yen")],
)
def test_scope3_spend_converts_yen_units(quantity: float, unit: str) -> None:
    # 交通費支給額 旅客鉄道 0.001854 kg-CO2/円 × 1,000,000 円 = 1,854 kg = 1.854 t, however written
    e = acc.compute(
        acc.ActivityLine(acc.Category.SCOPE3, quantity, unit, scope3_key="travel_expense_rail"),
        book(),
    )
    assert e.co2_location_t == pytest.approx(1.854)


def test_scope3_units_that_do_not_fit_are_refused() -> None:
    with pytest.raises(acc.CalculationError) as err:
        acc.compute(
            acc.ActivityLine(acc.Category.SCOPE3, 10, "kWh", scope3_key="travel_expense_rail"),
            book(),
        )
    assert err.value.field == "unit"
    # 人・日 is not a pint unit: written as the factor writes it, it is taken as it is.
    e = acc.compute(
        acc.ActivityLine(
            acc.Category.SCOPE3, 100, "人・日", scope3_key="travel_per_day_domestic_day_trip"
        ),
        book(),
    )
    assert e.co2_location_t == pytest.approx(100 * 0.030133)


def test_scope3_ton_km() -> None:
    # 輸送トンキロ 鉄道 0.000022 t-CO2/t-km × 50 t × 200 km = 0.22 t
    e = acc.compute(
        acc.ActivityLine(acc.Category.SCOPE3, 10_000, "t-km", scope3_key="tonkm_rail"), book()
    )
    assert e.co2_location_t == pytest.approx(0.22)
