"""Scope 1, Scope 2 (location- and market-based) and Scope 3 emissions of activity data.

Scope 2 follows the GHG Protocol Scope 2 Guidance with the Japanese official lists:
location-based = the grid average (全国平均係数, or the 一般送配電事業者 area factor when the site
names its area); market-based = the contracted menu's adjusted factor (調整後排出係数), else the
supplier's residual menu (残差), else the supplier's (参考値)事業者全体 or single factor, and the
代替値 when the supplier is not known. Certificates (非化石証書) and credits (J-クレジット) are
netted only in the market-based figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kyoso.green.accounting.gases import VEHICLE_TYPES, gwp_of
from kyoso.green.accounting.units import UnitError, convert, is_compatible


class Category(StrEnum):
    ELECTRICITY = "electricity"
    CITY_GAS = "city_gas"
    LPG = "lpg"
    KEROSENE = "kerosene"
    GASOLINE = "gasoline"
    DIESEL = "diesel"
    HEAVY_OIL_A = "heavy_oil_a"
    HEAT = "heat"
    REFRIGERANT = "refrigerant"
    VEHICLE_KM = "vehicle_km"
    SCOPE3 = "scope3"
    NON_FOSSIL_CERTIFICATE = "non_fossil"
    J_CREDIT = "j_credit"


# The unit each category's factor is quoted in: quantities are converted to it with pint.
CANONICAL_UNIT: dict[Category, str] = {
    Category.ELECTRICITY: "kWh",
    Category.CITY_GAS: "千m3",
    Category.LPG: "t",
    Category.KEROSENE: "kL",
    Category.GASOLINE: "kL",
    Category.DIESEL: "kL",
    Category.HEAVY_OIL_A: "kL",
    Category.HEAT: "GJ",
    Category.REFRIGERANT: "kg",
    Category.VEHICLE_KM: "km",
    Category.NON_FOSSIL_CERTIFICATE: "kWh",
    Category.J_CREDIT: "t",
}
FUEL_KEYS: dict[Category, str] = {
    Category.LPG: "lpg",
    Category.KEROSENE: "kerosene",
    Category.GASOLINE: "gasoline",
    Category.DIESEL: "diesel_oil",
    Category.HEAVY_OIL_A: "heavy_oil_a",
}
SCOPE: dict[Category, int] = {
    Category.ELECTRICITY: 2,
    Category.HEAT: 2,
    Category.SCOPE3: 3,
    Category.NON_FOSSIL_CERTIFICATE: 2,
    Category.J_CREDIT: 0,
}
# Non-fossil certificates: kWh × 全国平均係数 × 補正率. The FIT/非FIT 補正率 for FY2025 are
# "to be published"; until staff set them, 1.0 is used and the page says so.
CERTIFICATE_CORRECTION = 1.0


class Basis(StrEnum):
    MENU = "menu"
    RESIDUAL = "residual"
    REFERENCE = "reference"
    SUPPLIER = "supplier"
    SUBSTITUTE = "substitute"
    NATIONAL = "national"
    GRID_AREA = "grid_area"
    FUEL = "fuel"
    GAS_SUPPLIER = "gas_supplier"
    HEAT_SUPPLIER = "heat_supplier"
    GWP = "gwp"
    VEHICLE = "vehicle"
    SCOPE3 = "scope3"
    CERTIFICATE = "certificate"
    CREDIT = "credit"


@dataclass(frozen=True)
class FactorRef:
    """One official factor as used: ``basic``/``adjusted`` in t-CO2 (or kg) per ``unit``."""

    id: int | None
    basic: float
    adjusted: float
    unit: str  # e.g. "t-CO2/kWh", "tCO2/kL", "kg-CO2/円"
    label: str
    fiscal_year: int
    provisional: bool = False

    @property
    def quantity_unit(self) -> str:
        return self.unit.split("/", 1)[1]

    @property
    def per_tonne(self) -> float:
        """How many t-CO2 one unit of the numerator is (kg-CO2 → 0.001)."""
        return 0.001 if self.unit.lower().startswith("kg") else 1.0


@dataclass
class FactorBook:
    """The factors of one fiscal year, indexed for lookup."""

    fiscal_year: int
    electricity: dict[str, dict[str, FactorRef]] = field(default_factory=dict)  # 登録番号 → menu
    grid: dict[str, FactorRef] = field(default_factory=dict)  # area name → factor
    national: FactorRef | None = None
    substitute: FactorRef | None = None
    gas: dict[str, dict[str, FactorRef]] = field(default_factory=dict)
    heat: dict[str, dict[str, FactorRef]] = field(default_factory=dict)
    fuels: dict[str, FactorRef] = field(default_factory=dict)
    scope3: dict[str, FactorRef] = field(default_factory=dict)


@dataclass(frozen=True)
class ActivityLine:
    category: Category
    quantity: float
    unit: str
    supplier: str = ""  # 登録番号 of the electricity, gas or heat supplier
    menu: str = ""
    grid_area: str = ""
    gas: str = ""  # refrigerant
    vehicle_type: str = ""
    scope3_key: str = ""


@dataclass(frozen=True)
class Emission:
    scope: int  # 1, 2, 3; 0 for credits
    co2_location_t: float
    co2_market_t: float
    canonical_quantity: float
    factor_location: FactorRef | None
    factor_market: FactorRef | None
    basis_location: Basis
    basis_market: Basis
    provisional: bool


class CalculationError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _quantity(line: ActivityLine, target: str) -> float:
    if line.quantity < 0:
        raise CalculationError("A quantity cannot be negative.", "quantity")
    try:
        return convert(line.quantity, line.unit, target)
    except UnitError as exc:
        raise CalculationError(
            f"The unit {line.unit!r} does not fit; use {target}.", "unit"
        ) from exc


def electricity_market(book: FactorBook, supplier: str, menu: str) -> tuple[FactorRef, Basis]:
    """Return the market-based factor for a contract, and which rule chose it."""
    menus = book.electricity.get(supplier.strip())
    if not menus:
        if book.substitute is None:
            raise CalculationError("No 代替値 in the factor list.", "supplier")
        return book.substitute, Basis.SUBSTITUTE
    if menu and menu in menus:
        return menus[menu], Basis.MENU
    for name, ref in menus.items():
        if "(残差)" in name:
            return ref, Basis.RESIDUAL
    if "(参考値)事業者全体" in menus:
        return menus["(参考値)事業者全体"], Basis.REFERENCE
    return next(iter(menus.values())), Basis.SUPPLIER


def electricity_location(book: FactorBook, grid_area: str) -> tuple[FactorRef, Basis]:
    if grid_area and grid_area in book.grid:
        return book.grid[grid_area], Basis.GRID_AREA
    if book.national is None:
        raise CalculationError("No 全国平均係数 in the factor list.", "grid_area")
    return book.national, Basis.NATIONAL


def _supplier_factor(table: dict[str, dict[str, FactorRef]], line: ActivityLine) -> FactorRef:
    menus = table.get(line.supplier.strip())
    if not menus:
        raise CalculationError("Choose the supplier from the official list.", "supplier")
    if line.menu in menus:
        return menus[line.menu]
    if len(menus) == 1:
        return next(iter(menus.values()))
    for name, ref in menus.items():
        if "残差" in name:
            return ref
    return next(iter(menus.values()))


def _scope3_quantity(line: ActivityLine, ref: FactorRef) -> float:
    """Return the quantity in the unit the Scope 3 factor is quoted per.

    Spend (円, 千円, 百万円), mass and ton-km convert with pint; units pint does not know
    (人・日, 泊) must be left empty or written as the factor writes them.
    """
    if line.quantity < 0:
        raise CalculationError("A quantity cannot be negative.", "quantity")
    target = ref.quantity_unit
    if not line.unit.strip() or line.unit.strip() == target:
        return line.quantity
    if is_compatible(target, target):
        return _quantity(line, target)
    raise CalculationError(f"The unit {line.unit!r} does not fit; use {target}.", "unit")


def compute(line: ActivityLine, book: FactorBook) -> Emission:
    """Return the emissions of one activity line with the factors it used."""
    cat = line.category
    if cat == Category.ELECTRICITY:
        kwh = _quantity(line, "kWh")
        loc, loc_basis = electricity_location(book, line.grid_area)
        mkt, mkt_basis = electricity_market(book, line.supplier, line.menu)
        return Emission(
            2,
            kwh * loc.basic,
            kwh * mkt.adjusted,
            kwh,
            loc,
            mkt,
            loc_basis,
            mkt_basis,
            loc.provisional or mkt.provisional,
        )
    if cat in (Category.CITY_GAS, Category.HEAT):
        q = _quantity(line, CANONICAL_UNIT[cat])
        ref = _supplier_factor(book.gas if cat == Category.CITY_GAS else book.heat, line)
        basis = Basis.GAS_SUPPLIER if cat == Category.CITY_GAS else Basis.HEAT_SUPPLIER
        # Gas is burnt on site (Scope 1): its basic factor is the location-based figure; the
        # adjusted factor (carbon-neutral gas credits) counts only in the market-based one.
        return Emission(
            SCOPE.get(cat, 1),
            q * ref.basic,
            q * ref.adjusted,
            q,
            ref,
            ref,
            basis,
            basis,
            ref.provisional,
        )
    if cat in FUEL_KEYS:
        q = _quantity(line, CANONICAL_UNIT[cat])
        fuel_ref = book.fuels.get(FUEL_KEYS[cat])
        if fuel_ref is None:
            raise CalculationError("No factor for this fuel in the list.", "category")
        return Emission(
            1,
            q * fuel_ref.basic,
            q * fuel_ref.basic,
            q,
            fuel_ref,
            fuel_ref,
            Basis.FUEL,
            Basis.FUEL,
            fuel_ref.provisional,
        )
    if cat == Category.REFRIGERANT:
        kg = _quantity(line, "kg")
        try:
            gwp = gwp_of(line.gas)
        except KeyError as exc:
            raise CalculationError("Choose a known refrigerant.", "gas") from exc
        t = convert(kg * gwp, "kg", "t")
        return Emission(1, t, t, kg, None, None, Basis.GWP, Basis.GWP, False)
    if cat == Category.VEHICLE_KM:
        km = _quantity(line, "km")
        if line.vehicle_type not in VEHICLE_TYPES:
            raise CalculationError("Choose a vehicle type.", "vehicle_type")
        fuel, km_per_litre = VEHICLE_TYPES[line.vehicle_type]
        vehicle_ref = book.fuels.get(fuel)
        if vehicle_ref is None:
            raise CalculationError("No factor for this fuel in the list.", "vehicle_type")
        kl = convert(km / km_per_litre, "L", "kL")
        return Emission(
            1,
            kl * vehicle_ref.basic,
            kl * vehicle_ref.basic,
            km,
            vehicle_ref,
            vehicle_ref,
            Basis.VEHICLE,
            Basis.VEHICLE,
            vehicle_ref.provisional,
        )
    if cat == Category.SCOPE3:
        s3_ref = book.scope3.get(line.scope3_key)
        if s3_ref is None:
            raise CalculationError("Choose a Scope 3 item from the list.", "scope3_key")
        q = _scope3_quantity(line, s3_ref)
        t = q * s3_ref.basic * s3_ref.per_tonne
        return Emission(3, t, t, q, s3_ref, s3_ref, Basis.SCOPE3, Basis.SCOPE3, s3_ref.provisional)
    if cat == Category.NON_FOSSIL_CERTIFICATE:
        kwh = _quantity(line, "kWh")
        if book.national is None:
            raise CalculationError("No 全国平均係数 in the factor list.", "category")
        deduction = kwh * book.national.basic * CERTIFICATE_CORRECTION
        return Emission(
            2,
            0.0,
            -deduction,
            kwh,
            None,
            book.national,
            Basis.CERTIFICATE,
            Basis.CERTIFICATE,
            book.national.provisional,
        )
    if cat == Category.J_CREDIT:
        t = _quantity(line, "t")
        return Emission(0, 0.0, -t, t, None, None, Basis.CREDIT, Basis.CREDIT, False)
    raise CalculationError("Unknown category.", "category")


@dataclass
class Totals:
    scope1: float = 0.0
    scope2_location: float = 0.0
    scope2_market: float = 0.0
    scope3: float = 0.0
    credits: float = 0.0
    certificates: float = 0.0

    @property
    def location_total(self) -> float:
        return self.scope1 + self.scope2_location

    @property
    def market_total(self) -> float:
        """Scope 1 + market-based Scope 2, net of certificates (capped at Scope 2) and credits."""
        scope2 = max(0.0, self.scope2_market - self.certificates)
        return max(0.0, self.scope1_market + scope2 - self.credits)

    scope1_market: float = 0.0


def totals(emissions: list[Emission]) -> Totals:
    """Return the sums by scope, keeping certificates and credits apart for the market figure."""
    out = Totals()
    for e in emissions:
        if e.basis_market == Basis.CERTIFICATE:
            out.certificates += -e.co2_market_t
        elif e.basis_market == Basis.CREDIT:
            out.credits += -e.co2_market_t
        elif e.scope == 1:
            out.scope1 += e.co2_location_t
            out.scope1_market += e.co2_market_t
        elif e.scope == 2:
            out.scope2_location += e.co2_location_t
            out.scope2_market += e.co2_market_t
        elif e.scope == 3:
            out.scope3 += e.co2_location_t
    return out


def fiscal_year(year: int, month: int, start_month: int = 4) -> int:
    """Return the fiscal year a month belongs to (Japanese default: April–March, named by April)."""
    return year if month >= start_month else year - 1


def choose_year(available: list[int], wanted: int) -> tuple[int, bool] | None:
    """Return the list year to use for ``wanted`` and whether it is provisional.

    The year's own list if published; else last year's (or the latest earlier one), applied
    provisionally; for years before the first list, the earliest list, also provisionally.
    """
    if not available:
        return None
    if wanted in available:
        return wanted, False
    earlier = [y for y in available if y < wanted]
    if earlier:
        return max(earlier), True
    return min(available), True
