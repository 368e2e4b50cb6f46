from kyoso.green.models.activity import Activity, Category, DegreeDays, MonthlyOutput
from kyoso.green.models.companies import (
    JSIC_CHOICES,
    Company,
    Consortium,
    ConsortiumInvitation,
    Disclosure,
    Site,
)
from kyoso.green.models.factors import EmissionFactor, FactorKind, FactorList
from kyoso.green.models.plans import AdoptedMeasure, EvLease, MeasureStatus
from kyoso.green.models.weather import WeatherFile

__all__ = [
    "JSIC_CHOICES",
    "Activity",
    "AdoptedMeasure",
    "Category",
    "Company",
    "Consortium",
    "ConsortiumInvitation",
    "DegreeDays",
    "Disclosure",
    "EmissionFactor",
    "EvLease",
    "FactorKind",
    "FactorList",
    "MeasureStatus",
    "MonthlyOutput",
    "Site",
    "WeatherFile",
]
