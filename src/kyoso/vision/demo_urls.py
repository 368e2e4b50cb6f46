"""Ids of the demo city for vision's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.vision.models import Kpi, Measure, MeasureCost, Theme


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    theme = first_kwargs(Theme.objects.filter(city=city), code="code")
    kpi = first_kwargs(Kpi.objects.filter(city=city), code="code")
    measure = first_kwargs(Measure.objects.filter(city=city), pk="pk")
    api_measure = first_kwargs(Measure.objects.filter(city=city), measure_id="pk")
    cost = first_kwargs(MeasureCost.objects.filter(city=city), measure_id="measure_id", year="year")
    return {
        "vision:theme": theme,
        "vision:theme_edit": theme,
        "vision:measure": measure,
        "vision:rate": measure,
        "vision:kpi_edit": kpi,
        "vision:kpi_actuals": kpi,
        "vision:kpi_refresh": kpi,
        "vision:measure_edit": measure,
        "vision:measure_part": {**measure, "part": "cost"} if measure else {},
        "api:update_theme": theme,
        "api:get_kpi": kpi,
        "api:update_kpi": kpi,
        "api:record_actual": kpi,
        "api:get_measure": api_measure,
        "api:update_measure": api_measure,
        "api:link_kpi": {**api_measure, **kpi} if api_measure and kpi else {},
        "api:unlink_kpi": {**api_measure, **kpi} if api_measure and kpi else {},
        "api:set_cost": cost,
    }
