from kyoso.datahub.models.devices import Device, DeviceCredential, ObservedProperty
from kyoso.datahub.models.ngsi_ld import NgsiAttributeInstance, NgsiEntity, NgsiSubscription
from kyoso.datahub.models.readings import Reading, ReadingFlag, Rollup

__all__ = [
    "Device",
    "DeviceCredential",
    "NgsiAttributeInstance",
    "NgsiEntity",
    "NgsiSubscription",
    "ObservedProperty",
    "Reading",
    "ReadingFlag",
    "Rollup",
]
