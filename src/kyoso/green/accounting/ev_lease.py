"""EV lease programme: vehicles converted from petrol or diesel, and what it changes."""

from __future__ import annotations

from dataclasses import dataclass

from kyoso.green.accounting.units import convert


@dataclass(frozen=True)
class EvLeaseInput:
    vehicles: int
    km_per_vehicle_year: float
    ice_km_per_litre: float = 13.0
    fuel_factor_t_per_kl: float = 2.29  # 揮発油 (fuels.tsv)
    ev_kwh_per_km: float = 0.15
    electricity_factor: float = 0.000423  # t-CO2/kWh actually used (market-based)
    lease_yen_per_vehicle_month: float = 45_000.0
    ice_lease_yen_per_vehicle_month: float = 30_000.0
    fuel_yen_per_litre: float = 175.0
    electricity_yen_per_kwh: float = 27.0


@dataclass(frozen=True)
class EvLeaseResult:
    kwh_charged: float
    fuel_avoided_litres: float
    co2_ice_t: float
    co2_ev_t: float
    co2_avoided_t: float
    fuel_saved_yen: float
    electricity_yen: float
    extra_lease_yen: float
    net_cost_yen: float  # a year; negative = the programme saves money


def ev_lease(i: EvLeaseInput) -> EvLeaseResult:
    """Return a year of the programme: energy, CO2 with the factor in use, and money."""
    km = i.vehicles * i.km_per_vehicle_year
    litres = km / i.ice_km_per_litre
    kwh = km * i.ev_kwh_per_km
    co2_ice = convert(litres, "L", "kL") * i.fuel_factor_t_per_kl
    co2_ev = kwh * i.electricity_factor
    fuel_yen = litres * i.fuel_yen_per_litre
    power_yen = kwh * i.electricity_yen_per_kwh
    lease = i.vehicles * 12 * (i.lease_yen_per_vehicle_month - i.ice_lease_yen_per_vehicle_month)
    return EvLeaseResult(
        kwh,
        litres,
        co2_ice,
        co2_ev,
        co2_ice - co2_ev,
        fuel_yen,
        power_yen,
        lease,
        lease + power_yen - fuel_yen,
    )
