"""Reads of the data hub: devices with their latest values, and series from the rollups."""

from kyoso.datahub.selectors.series import (
    LatestValue,
    device_get,
    devices_latest,
    series_from_rollups,
)

__all__ = ["LatestValue", "device_get", "devices_latest", "series_from_rollups"]
