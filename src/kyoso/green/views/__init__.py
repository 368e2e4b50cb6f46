from kyoso.green.views.companies import (
    activity,
    company_detail,
    export_csv,
    index,
    report,
    sites,
)
from kyoso.green.views.consortium import consortium, factors, weather
from kyoso.green.views.plans import plan

__all__ = [
    "activity",
    "company_detail",
    "consortium",
    "export_csv",
    "factors",
    "index",
    "plan",
    "report",
    "sites",
    "weather",
]
