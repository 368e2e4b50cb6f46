"""The library of reduction measures, computed from a company's own annual energy use.

Each entry's parameters are typical values for Japanese small factories (shares of factory
electricity by end use from 資源エネルギー庁's 工場の省エネ guidance, unit costs from public
subsidy programmes); they are starting points a company edits to its own quotes. Prices are
Kyoso's defaults for 2025 and shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kyoso.green.accounting.abatement import Candidate

PRICES_YEN = {  # per canonical unit
    "electricity": 27.0,  # ¥/kWh, high-voltage business tariff incl. surcharges
    "heavy_oil_a": 95_000.0,  # ¥/kL
    "kerosene": 110_000.0,  # ¥/kL
    "diesel": 150_000.0,  # ¥/kL
    "gasoline": 175_000.0,  # ¥/kL
    "lpg": 300_000.0,  # ¥/t
    "city_gas": 120_000.0,  # ¥/千m3
}
HEAT_GJ = {"heavy_oil_a": 39.1, "kerosene": 36.5, "lpg": 50.1, "city_gas": 40.0}  # GJ per unit


@dataclass
class EnergyProfile:
    """A company's annual use (canonical units) and the factors that apply to it."""

    electricity_kwh: float = 0.0
    electricity_factor: float = 0.000423  # t-CO2/kWh, the market-based factor in use
    fuels: dict[str, float] = field(default_factory=dict)  # category → quantity (kL, t, 千m3)
    fuel_factors: dict[str, float] = field(default_factory=dict)  # category → t-CO2/unit
    roof_area_m2: float = 0.0
    pv_yield_kwh_per_kw: float = 1100.0
    fleet_vehicles: int = 0
    fleet_km_per_vehicle: float = 15_000.0


@dataclass(frozen=True)
class MeasureSpec:
    key: str
    name: str


LIBRARY: list[MeasureSpec] = [
    MeasureSpec("led", "LED照明への更新"),
    MeasureSpec("motor_ie3", "高効率モーター(IE3)への更新"),
    MeasureSpec("compressor", "高効率・インバーター式コンプレッサー"),
    MeasureSpec("inverter", "ポンプ・ファンのインバーター化"),
    MeasureSpec("heat_pump", "ボイラーからヒートポンプへの転換"),
    MeasureSpec("insulation", "配管・炉の断熱強化"),
    MeasureSpec("fuel_switch", "A重油から都市ガスへの燃料転換"),
    MeasureSpec("rooftop_pv", "屋根置き太陽光発電(自家消費)"),
    MeasureSpec("re_menu", "再エネ電力メニューへの切替"),
    MeasureSpec("ev_lease", "営業車のEVリース"),
]


def _electric(
    key: str, name: str, p: EnergyProfile, share: float, saving: float, payback: float, life: int
) -> Candidate:
    kwh = p.electricity_kwh * share * saving
    money = kwh * PRICES_YEN["electricity"]
    return Candidate(key, name, money * payback, -money, life, kwh * p.electricity_factor, kwh)


def candidates(p: EnergyProfile) -> list[Candidate]:
    """Return the library's measures sized to the profile (those that apply)."""
    names = {m.key: m.name for m in LIBRARY}
    out = [
        # end-use shares of factory electricity: lighting 10%, motors 60%, air 20%, pumps/fans 20%
        _electric("led", names["led"], p, 0.10, 0.50, 4.0, 15),
        _electric("motor_ie3", names["motor_ie3"], p, 0.60, 0.03, 8.0, 15),
        _electric("compressor", names["compressor"], p, 0.20, 0.20, 4.0, 15),
        _electric("inverter", names["inverter"], p, 0.20, 0.30, 3.0, 10),
    ]
    boiler_fuels = [f for f in ("heavy_oil_a", "kerosene", "lpg", "city_gas") if p.fuels.get(f)]
    if boiler_fuels:
        gj = sum(p.fuels[f] * HEAT_GJ[f] for f in boiler_fuels)
        fuel_t = sum(p.fuels[f] * p.fuel_factors.get(f, 0.0) for f in boiler_fuels)
        fuel_yen = sum(p.fuels[f] * PRICES_YEN[f] for f in boiler_fuels)
        # half the fuel heats water/air below 90 °C: a heat pump (COP 3) replaces a boiler (η 0.85)
        hp_kwh = 0.5 * gj * 0.85 / 3.0 / 0.0036
        out.append(
            Candidate(
                "heat_pump",
                names["heat_pump"],
                0.5 * gj * 15_000,
                hp_kwh * PRICES_YEN["electricity"] - 0.5 * fuel_yen,
                15,
                0.5 * fuel_t - hp_kwh * p.electricity_factor,
                -hp_kwh,
                group="heat",
            )
        )
        out.append(
            Candidate(
                "insulation",
                names["insulation"],
                0.05 * fuel_yen * 2.0,
                -0.05 * fuel_yen,
                15,
                0.05 * fuel_t,
            )
        )
    oil = p.fuels.get("heavy_oil_a", 0.0)
    if oil and p.fuel_factors.get("city_gas"):
        gas = oil * HEAT_GJ["heavy_oil_a"] / HEAT_GJ["city_gas"]
        out.append(
            Candidate(
                "fuel_switch",
                names["fuel_switch"],
                oil * 40_000,
                gas * PRICES_YEN["city_gas"] - oil * PRICES_YEN["heavy_oil_a"],
                20,
                oil * p.fuel_factors["heavy_oil_a"] - gas * p.fuel_factors["city_gas"],
                group="heat",
            )
        )
    if p.roof_area_m2 > 0:
        kw = p.roof_area_m2 / 6.7  # about 6.7 m² of roof per kW of modules
        kwh = min(kw * p.pv_yield_kwh_per_kw, 0.8 * p.electricity_kwh)
        kw = kwh / p.pv_yield_kwh_per_kw
        out.append(
            Candidate(
                "rooftop_pv",
                names["rooftop_pv"],
                kw * 200_000,
                -kwh * PRICES_YEN["electricity"] + kw * 3_000,
                20,
                kwh * p.electricity_factor,
                kwh,
            )
        )
    if p.electricity_kwh and p.electricity_factor > 0:
        out.append(
            Candidate(
                "re_menu",
                names["re_menu"],
                0.0,
                p.electricity_kwh * 2.0,
                1,
                p.electricity_kwh * p.electricity_factor,
                0.0,
            )
        )
    if p.fleet_vehicles:
        from kyoso.green.accounting.ev_lease import EvLeaseInput, ev_lease

        ev = ev_lease(
            EvLeaseInput(
                p.fleet_vehicles,
                p.fleet_km_per_vehicle,
                fuel_factor_t_per_kl=p.fuel_factors.get("gasoline", 2.29),
                electricity_factor=p.electricity_factor,
            )
        )
        out.append(
            Candidate(
                "ev_lease",
                names["ev_lease"],
                0.0,
                ev.net_cost_yen,
                6,
                ev.co2_avoided_t,
                ev.kwh_charged,
            )
        )
    return [c for c in out if c.abated_t > 0]
