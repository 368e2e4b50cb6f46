"""Reads of the data hub: devices with their latest values, series from the rollups, and the
open-data catalogue (who may see a dataset, search with facets)."""

from kyoso.datahub.selectors.catalogue import (
    FACET_FIELDS,
    SearchResult,
    dataset_allows,
    dataset_facet_values,
    dataset_get,
    dataset_search,
    datasets_visible,
    resource_get,
)
from kyoso.datahub.selectors.series import (
    LatestValue,
    device_get,
    devices_latest,
    series_from_rollups,
)

__all__ = [
    "FACET_FIELDS",
    "LatestValue",
    "SearchResult",
    "dataset_allows",
    "dataset_facet_values",
    "dataset_get",
    "dataset_search",
    "datasets_visible",
    "device_get",
    "devices_latest",
    "resource_get",
    "series_from_rollups",
]
