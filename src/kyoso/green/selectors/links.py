"""Companies' adopted measures linked to the city's vision measures, seen from either side."""

from __future__ import annotations

from dataclasses import dataclass, field

from kyoso.core.models import City
from kyoso.core.registry import MeasureEntry, city_measures
from kyoso.green.models import AdoptedMeasure, Company
from kyoso.green.selectors.access import aggregate_ids, named_ids


@dataclass
class VisionMeasureCompanies:
    """What companies do for one vision measure: named ones by name, the others only counted."""

    named: list[AdoptedMeasure] = field(default_factory=list)
    anonymous_count: int = 0
    abated_t: float = 0.0

    @property
    def count(self) -> int:
        return len(self.named) + self.anonymous_count


def companies_for_vision_measure(city: City, vision_measure_id: int) -> VisionMeasureCompanies:
    """Return the consenting companies' measures linked to a vision measure.

    A company that consented to be named appears with its name; one that consented only to
    totals is counted in the number and the tonnes; a private company is left out entirely.
    """
    named, counted = named_ids(city), aggregate_ids(city)
    out = VisionMeasureCompanies()
    for m in (
        AdoptedMeasure.objects.filter(city=city, vision_measure_id=vision_measure_id)
        .select_related("company")
        .order_by("company__name", "pk")
    ):
        if m.company_id in named:
            out.named.append(m)
        elif m.company_id in counted:
            out.anonymous_count += 1
        else:
            continue
        out.abated_t += float(m.abated_t)
    return out


def vision_measures_by_id(city: City) -> dict[int, MeasureEntry]:
    return {e.id: e for e in city_measures(city)}


def adopted_measures(company: Company) -> list[tuple[AdoptedMeasure, MeasureEntry | None]]:
    """Return the company's measures, each with the vision measure it is linked to (if any)."""
    directory = vision_measures_by_id(company.city)
    return [
        (m, directory.get(m.vision_measure_id) if m.vision_measure_id else None)
        for m in AdoptedMeasure.objects.filter(city=company.city, company=company)
    ]
