"""Global warming potentials (100-year, IPCC AR5 WG1 Table 8.A.1, the values the 算定・報告・公表制度
uses from FY2024 reports) and the default fuel economy used when a fleet reports vehicle-km only.

Blends are computed from their components' AR5 GWPs by mass share (ASHRAE 34 compositions).
"""

from __future__ import annotations

GWP_SOURCE = "IPCC AR5 WG1 (2013) Table 8.A.1, GWP-100"

GWP: dict[str, float] = {
    "CO2": 1,
    "CH4": 28,
    "N2O": 265,
    "HFC-23": 12400,
    "HFC-32": 677,
    "HFC-125": 3170,
    "HFC-134a": 1300,
    "HFC-143a": 4800,
    "HFC-152a": 138,
    "SF6": 23500,
    "NF3": 16100,
}

BLENDS: dict[str, dict[str, float]] = {
    "R-410A": {"HFC-32": 0.5, "HFC-125": 0.5},
    "R-404A": {"HFC-125": 0.44, "HFC-143a": 0.52, "HFC-134a": 0.04},
    "R-407C": {"HFC-32": 0.23, "HFC-125": 0.25, "HFC-134a": 0.52},
    "R-32": {"HFC-32": 1.0},
    "R-134a": {"HFC-134a": 1.0},
}


def gwp_of(gas: str) -> float:
    """Return the GWP-100 of a gas or refrigerant blend (KeyError if unknown)."""
    if gas in GWP:
        return float(GWP[gas])
    return sum(share * GWP[part] for part, share in BLENDS[gas].items())


def known_gases() -> list[str]:
    return sorted(set(GWP) - {"CO2"} | set(BLENDS))


# Fuel economy (km per litre) for vehicle-km without fuel records. Typical values for Japanese
# fleets, to be replaced by the vehicle's own 燃費 when known: these are Kyoso's assumptions,
# shown as such on the page.
VEHICLE_TYPES: dict[str, tuple[str, float]] = {
    "car_gasoline": ("gasoline", 13.0),
    "van_gasoline": ("gasoline", 9.5),
    "light_truck_diesel": ("diesel_oil", 9.0),
    "truck_diesel": ("diesel_oil", 5.0),
    "forklift_diesel": ("diesel_oil", 4.0),
}
