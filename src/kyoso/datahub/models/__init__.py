from kyoso.datahub.models.catalogue import (
    Access,
    Dataset,
    Licence,
    Resource,
    ResourceFormat,
    UpdateFrequency,
)
from kyoso.datahub.models.devices import Device, DeviceCredential, ObservedProperty
from kyoso.datahub.models.ngsi_ld import NgsiAttributeInstance, NgsiEntity, NgsiSubscription
from kyoso.datahub.models.readings import Reading, ReadingFlag, Rollup

__all__ = [
    "Access",
    "Dataset",
    "Device",
    "DeviceCredential",
    "Licence",
    "NgsiAttributeInstance",
    "NgsiEntity",
    "NgsiSubscription",
    "ObservedProperty",
    "Reading",
    "ReadingFlag",
    "Resource",
    "ResourceFormat",
    "Rollup",
    "UpdateFrequency",
]
