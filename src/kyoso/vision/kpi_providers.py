"""KPI providers: series other modules compute (ridership, CO2 totals) for a KPI to follow.

A module registers a provider in its ``AppConfig.ready()``::

    register_provider("mobility.brt_ridership", _("BRT riders a year"), ridership_by_year)

and staff then choose it as the data source of a KPI. A provider returns ``(year, value)``
pairs; :func:`kyoso.vision.services.kpi_refresh_from_provider` stores them as actuals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kyoso.core.models import City
    from kyoso.vision.models import Kpi

ProviderFn = Callable[["City", "Kpi"], Sequence[tuple[int, Decimal | float | int]]]


@dataclass(frozen=True)
class KpiProvider:
    key: str
    label: Any  # a lazy translation string
    fn: ProviderFn


_providers: dict[str, KpiProvider] = {}


def register_provider(key: str, label: Any, fn: ProviderFn) -> None:
    """Make a series available as a KPI source under ``key`` (replacing an earlier one)."""
    _providers[key] = KpiProvider(key=key, label=label, fn=fn)


def unregister_provider(key: str) -> None:
    _providers.pop(key, None)


def get_provider(key: str) -> KpiProvider | None:
    return _providers.get(key)


def providers() -> list[KpiProvider]:
    """Return the registered providers sorted by key."""
    return sorted(_providers.values(), key=lambda p: p.key)
