"""Tables mobility contributes to the data hub's open-data catalogue (registered in ready())."""

from __future__ import annotations

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from kyoso.core.models import City
from kyoso.core.registry import DataTable
from kyoso.mobility.models import RidershipRecord


def ridership_monthly_table(city: City) -> DataTable:
    """Return boardings per month, route and stop from the IC-card exports (people-derived)."""
    rows = [
        (month.strftime("%Y-%m"), route, stop, boardings)
        for month, route, stop, boardings in RidershipRecord.objects.filter(city=city)
        .annotate(month=TruncMonth("date"))
        .values("month", "route_id", "stop_id")
        .annotate(total=Sum("boardings"))
        .order_by("month", "route_id", "stop_id")
        .values_list("month", "route_id", "stop_id", "total")
    ]
    return DataTable(
        columns=("month", "route", "stop", "boardings"),
        rows=rows,
        dimensions=("month", "route", "stop"),
        count="boardings",
    )
