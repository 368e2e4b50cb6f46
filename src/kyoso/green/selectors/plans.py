"""A company's baseline, target progress, candidate measures, MAC curve and least-cost plan."""

from __future__ import annotations

from dataclasses import dataclass

from kyoso.green.accounting import abatement, baseline
from kyoso.green.accounting.ev_lease import EvLeaseResult
from kyoso.green.accounting.measures import EnergyProfile, candidates
from kyoso.green.models import Company, DegreeDays, EvLease, MonthlyOutput
from kyoso.green.selectors.inventory import YearInventory, annual_energy, fiscal_months


@dataclass
class CompanyPlan:
    fiscal_year: int
    target_t: float
    budget_yen: float
    candidates: list[abatement.Candidate]
    curve: list[abatement.CurveBar]
    plan: abatement.Plan
    payback: dict[str, float | None]
    per_tonne: dict[str, float | None]


def profile_of(company: Company, inv: YearInventory) -> EnergyProfile:
    energy = annual_energy(company, inv.fiscal_year)
    kwh = energy.get("electricity", 0.0)
    elec_market = inv.totals.scope2_market
    factors = {
        "heavy_oil_a": 2.75,
        "kerosene": 2.50,
        "lpg": 2.99,
        "city_gas": 2.09,
        "gasoline": 2.29,
        "diesel": 2.62,
    }
    from kyoso.green.models import Activity

    for cat in factors:
        row = (
            Activity.objects.filter(
                company=company, category=cat, factor_market_value__isnull=False
            )
            .order_by("-month")
            .values_list("factor_market_value", flat=True)
            .first()
        )
        if row is not None:
            factors[cat] = float(row)
    return EnergyProfile(
        electricity_kwh=kwh,
        electricity_factor=(elec_market / kwh) if kwh else 0.000423,
        fuels={k: v for k, v in energy.items() if k in factors},
        fuel_factors=factors,
        roof_area_m2=float(sum(s.roof_area_m2 for s in company.sites.all())),
        fleet_vehicles=max(0, round(energy.get("gasoline", 0.0) * 1000 * 13 / 15000)),
    )


def company_plan(
    company: Company, inv: YearInventory, base_total: float, budget_yen: float = 10_000_000
) -> CompanyPlan:
    """Return the measures sized to the company and the cheapest set reaching its target."""
    target_value = base_total * (1 - float(company.target_percent) / 100)
    gap = max(0.0, inv.market_total - target_value)
    cands = candidates(profile_of(company, inv))
    plan = abatement.least_cost_plan(cands, target_t=gap, budget_yen=budget_yen)
    return CompanyPlan(
        inv.fiscal_year,
        gap,
        budget_yen,
        cands,
        abatement.mac_curve(cands),
        plan,
        {c.key: abatement.payback_years(c) for c in cands},
        {c.key: abatement.cost_per_tonne(c) for c in cands},
    )


def company_baseline(company: Company, years: dict[int, YearInventory]) -> dict[str, object] | None:
    """Return the regression baseline of the first year and the latest year's normalised progress."""
    if len(years) < 2:
        return None
    fys = sorted(years)
    base_fy, last_fy = fys[0], fys[-1]
    outputs = {o.month: float(o.production) for o in MonthlyOutput.objects.filter(company=company)}
    dd = {
        d.month: (float(d.hdd), float(d.cdd)) for d in DegreeDays.objects.filter(city=company.city)
    }

    def points(fy: int) -> list[baseline.MonthPoint]:
        inv = years[fy]
        out = []
        for m in fiscal_months(company, fy):
            if m in inv.by_month:
                h, c = dd.get(m, (0.0, 0.0))
                out.append(baseline.MonthPoint(inv.by_month[m][0], outputs.get(m, 0.0), h, c))
        return out

    base_points = points(base_fy)
    if len(base_points) < 3:
        return None
    model = baseline.fit(base_points)
    progress = baseline.normalised_progress(model, points(last_fy))
    return {"base_fy": base_fy, "fy": last_fy, "model": model, "progress": progress}


def ev_lease_results(
    company: Company, electricity_factor: float
) -> list[tuple[EvLease, EvLeaseResult]]:
    from kyoso.green.accounting.ev_lease import EvLeaseInput, ev_lease

    out: list[tuple[EvLease, EvLeaseResult]] = []
    for lease in company.ev_leases.all():
        out.append(
            (
                lease,
                ev_lease(
                    EvLeaseInput(
                        lease.vehicles,
                        lease.km_per_vehicle_year,
                        float(lease.ice_km_per_litre),
                        electricity_factor=electricity_factor,
                        lease_yen_per_vehicle_month=lease.lease_yen_per_vehicle_month,
                    )
                ),
            )
        )
    return out
