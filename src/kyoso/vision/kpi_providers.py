"""KPI providers: series other modules compute (ridership, CO2 totals) for a KPI to follow.

A module registers a provider in its ``AppConfig.ready()``, naming the function by its dotted
path so nothing is imported until a KPI is refreshed::

    register_provider(
        "mobility.ridership", _("Boardings a year"), "kyoso.mobility.selectors.ridership_by_year"
    )

and staff then choose it as the data source of a KPI. A provider returns ``(year, value)``
pairs; :func:`kyoso.vision.services.kpi_refresh_from_provider` stores them as actuals. The
entries live in :data:`kyoso.core.registry.KPI_PROVIDERS`; these functions are its vision face.
"""

from __future__ import annotations

from typing import Any

from kyoso.core.registry import KPI_PROVIDERS, KpiProvider, ProviderFn, Ref

__all__ = ["KpiProvider", "ProviderFn", "get_provider", "providers", "register_provider"]


def register_provider(key: str, label: Any, fn: ProviderFn | Ref) -> None:
    """Make a series available as a KPI source under ``key`` (replacing an earlier one)."""
    KPI_PROVIDERS.register(key, KpiProvider(key=key, label=label, ref=fn))


def unregister_provider(key: str) -> None:
    KPI_PROVIDERS.unregister(key)


def get_provider(key: str) -> KpiProvider | None:
    return KPI_PROVIDERS.get(key)


def providers() -> list[KpiProvider]:
    """Return the registered providers sorted by key."""
    return KPI_PROVIDERS.entries()
