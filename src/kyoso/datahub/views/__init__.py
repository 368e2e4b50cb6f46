from kyoso.datahub.views.catalogue import (
    catalogue,
    catalogue_staff,
    dataset,
    dataset_dcat,
    resource_download,
)
from kyoso.datahub.views.sensors import sensors, sensors_geojson

__all__ = [
    "catalogue",
    "catalogue_staff",
    "dataset",
    "dataset_dcat",
    "resource_download",
    "sensors",
    "sensors_geojson",
]
