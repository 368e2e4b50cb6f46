"""Unit conversion through pint: every quantity is brought to the unit its factor is quoted in.

No hand-written ``* 1000`` anywhere: 千m3, kL, t, MWh are all pint units here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """Return the unit registry, built on first use (pint pulls in SciPy, so not at start-up)."""
    import pint

    ureg: pint.UnitRegistry = pint.UnitRegistry()
    # 千m3 (thousand cubic metres), the unit city-gas factors are quoted in.
    ureg.define("thousand_m3 = 1000 * meter ** 3 = 千m3")
    # Spend for Scope 3 spend-based factors (kg-CO2/円, t-CO2/百万円): yen is its own dimension.
    ureg.define("yen = [currency] = 円")
    ureg.define("thousand_yen = 1000 * yen = 千円")
    ureg.define("million_yen = 1000000 * yen = 百万円")
    return ureg


# The spellings a clerk's spreadsheet or a bill uses, mapped to pint's names.
ALIASES: dict[str, str] = {
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "m3": "m**3",
    "m³": "m**3",
    "千m3": "thousand_m3",
    "千m³": "thousand_m3",
    "l": "L",
    "ℓ": "L",
    "リットル": "L",
    "kl": "kL",
    "kg": "kg",
    "t": "t",
    "トン": "t",
    "gj": "GJ",
    "mj": "MJ",
    "km": "km",
    "円": "yen",
    "yen": "yen",
    "jpy": "yen",
    "千円": "thousand_yen",
    "百万円": "million_yen",
    "t-km": "t*km",
    "トンキロ": "t*km",
}


class UnitError(ValueError):
    pass


def normalise(unit: str) -> str:
    """Return pint's spelling of a unit as written on a bill (``千m3``, ``kl``, ``KWH``)."""
    cleaned = unit.strip().replace("ｍ", "m").replace("３", "3").replace("Ｌ", "L")
    return ALIASES.get(cleaned.lower(), ALIASES.get(cleaned, cleaned))


@lru_cache(maxsize=256)
def factor_between(source: str, target: str) -> float:
    """Return the multiplier that turns a quantity in ``source`` units into ``target`` units."""
    import pint

    try:
        return float(registry().Quantity(1.0, normalise(source)).to(normalise(target)).magnitude)
    except (pint.errors.UndefinedUnitError, pint.errors.DimensionalityError) as exc:
        raise UnitError(f"cannot convert {source!r} to {target!r}") from exc


def convert(value: float, source: str, target: str) -> float:
    """Return ``value`` in ``source`` units expressed in ``target`` units."""
    return value * factor_between(source, target)


def is_compatible(source: str, target: str) -> bool:
    try:
        factor_between(source, target)
    except UnitError:
        return False
    return True
