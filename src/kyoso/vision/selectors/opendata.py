"""Tables vision contributes to the data hub's open-data catalogue (registered in ready())."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.registry import DataTable
from kyoso.vision.models import KpiActual


def kpi_actuals_table(city: City) -> DataTable:
    """Return every observed KPI value of the city (yearly rows have month 0)."""
    rows = [
        (code, name, unit, year, month, float(value), source)
        for code, name, unit, year, month, value, source in KpiActual.objects.filter(city=city)
        .order_by("kpi__code", "year", "month")
        .values_list("kpi__code", "kpi__name_ja", "kpi__unit", "year", "month", "value", "source")
    ]
    return DataTable(columns=("kpi", "name", "unit", "year", "month", "value", "source"), rows=rows)
