"""The inventory of a company: totals by scope, month, fuel and site, completeness, intensity."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from kyoso.green.accounting import inventory as acc
from kyoso.green.models import Activity, Category, Company, EmissionFactor

ENERGY = {c.value for c in Category} - {"scope3", "non_fossil", "j_credit", "refrigerant"}


@dataclass
class YearInventory:
    fiscal_year: int
    totals: acc.Totals
    by_month: dict[date, tuple[float, float]]  # month → (location, market) Scope 1+2
    by_category: dict[str, float]  # category → location-based t
    by_site: dict[str, float]
    months_with_data: int
    months_missing: list[date]
    provisional_rows: int
    rows: int
    mappings: list[dict[str, object]] = field(default_factory=list)

    @property
    def location_total(self) -> float:
        return self.totals.location_total

    @property
    def market_total(self) -> float:
        return self.totals.market_total


def company_fiscal_year(company: Company, d: date) -> int:
    return acc.fiscal_year(d.year, d.month, company.fiscal_year_start_month)


def fiscal_months(company: Company, fy: int) -> list[date]:
    start = company.fiscal_year_start_month
    return [date(fy + (start + i - 1) // 12, (start + i - 1) % 12 + 1, 1) for i in range(12)]


def _emission(a: Activity) -> acc.Emission:
    return acc.Emission(
        a.scope,
        float(a.co2_location_t),
        float(a.co2_market_t),
        float(a.quantity),
        None,
        None,
        acc.Basis(a.basis_location or "fuel"),
        acc.Basis(a.basis_market or "fuel"),
        a.provisional,
    )


def company_years(company: Company) -> dict[int, YearInventory]:
    """Return the company's inventory for each of its fiscal years with data."""
    rows = list(Activity.objects.filter(city=company.city, company=company).select_related("site"))
    factor_ids = {a.factor_market_id for a in rows if a.factor_market_id}
    factors = {
        f.pk: f
        for f in EmissionFactor.objects.filter(pk__in=factor_ids).select_related("factor_list")
    }
    by_year: dict[int, list[Activity]] = defaultdict(list)
    for a in rows:
        by_year[company_fiscal_year(company, a.month)].append(a)
    out: dict[int, YearInventory] = {}
    for fy, acts in sorted(by_year.items()):
        emissions = [_emission(a) for a in acts]
        months: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
        cats: dict[str, float] = defaultdict(float)
        sites: dict[str, float] = defaultdict(float)
        seen_energy: set[date] = set()
        mappings: dict[tuple[str, str, str], dict[str, object]] = {}
        for a, e in zip(acts, emissions, strict=True):
            if e.scope in (1, 2) and e.basis_market not in (
                acc.Basis.CERTIFICATE,
                acc.Basis.CREDIT,
            ):
                months[a.month][0] += e.co2_location_t
                months[a.month][1] += e.co2_market_t
                cats[a.category] += e.co2_location_t
                sites[a.site.name] += e.co2_location_t
            if a.category in ENERGY:
                seen_energy.add(a.month)
            if a.category == Category.ELECTRICITY:
                key = (a.supplier, a.menu, a.basis_market)
                if key not in mappings:
                    f = factors.get(a.factor_market_id or 0)
                    mappings[key] = {
                        "supplier": a.supplier,
                        "menu": a.menu,
                        "basis": a.basis_market,
                        "factor": a.factor_market_value,
                        "location_factor": a.factor_location_value,
                        "supplier_name": f.name if f else "",
                        "factor_menu": f.menu if f else "",
                        "list": str(f.factor_list) if f else "",
                        "provisional": a.provisional,
                    }
        all_months = fiscal_months(company, fy)
        out[fy] = YearInventory(
            fy,
            acc.totals(emissions),
            {m: (v[0], v[1]) for m, v in sorted(months.items())},
            dict(sorted(cats.items(), key=lambda kv: -kv[1])),
            dict(sorted(sites.items())),
            len(seen_energy),
            [m for m in all_months if m not in seen_energy],
            sum(1 for a in acts if a.provisional),
            len(acts),
            list(mappings.values()),
        )
    return out


def intensity(company: Company, inv: YearInventory) -> dict[str, float | None]:
    sales = float(company.sales_million_yen)
    return {
        "per_million_yen": inv.market_total / sales if sales else None,
        "per_employee": inv.market_total / company.employees if company.employees else None,
    }


def annual_energy(company: Company, fy: int) -> dict[str, float]:
    """Return canonical annual quantities by category for the plan (kWh, kL, t, 千m3)."""
    from kyoso.green.accounting.units import convert

    out: dict[str, float] = defaultdict(float)
    months = fiscal_months(company, fy)
    for a in Activity.objects.filter(company=company, month__gte=months[0], month__lte=months[-1]):
        cat = acc.Category(a.category)
        if cat in acc.CANONICAL_UNIT and cat not in (acc.Category.SCOPE3,):
            try:
                out[a.category] += convert(float(a.quantity), a.unit, acc.CANONICAL_UNIT[cat])
            except ValueError:
                continue
    return dict(out)


def shk_report(company: Company, fy: int) -> dict[str, float]:
    """Return the numbers in the layout of the 算定・報告・公表制度 report (t-CO2).

    基礎排出量 uses each supplier's basic factor (基礎排出係数), 調整後排出量 the adjusted one
    with certificates and credits deducted; energy-origin CO2 and other gases apart.
    """
    from kyoso.green.accounting.units import convert

    months = fiscal_months(company, fy)
    basic = adjusted = other = deductions = 0.0
    for a in Activity.objects.filter(
        company=company, month__gte=months[0], month__lte=months[-1]
    ).select_related("factor_market"):
        if a.category == Category.REFRIGERANT:
            other += float(a.co2_location_t)
        elif a.category in (Category.NON_FOSSIL, Category.J_CREDIT):
            deductions += -float(a.co2_market_t)
        elif a.scope in (1, 2) and a.factor_market is not None:
            cat = acc.Category(a.category)
            q = float(a.quantity)
            if cat in acc.CANONICAL_UNIT and cat != acc.Category.VEHICLE_KM:
                q = convert(q, a.unit, acc.CANONICAL_UNIT[cat])
                basic += q * float(a.factor_market.basic)
            else:
                basic += float(a.co2_location_t)
            adjusted += float(a.co2_market_t)
    return {
        "energy_co2_basic": basic,
        "energy_co2_adjusted": max(0.0, adjusted - deductions),
        "other_gases": other,
        "deductions": deductions,
    }
