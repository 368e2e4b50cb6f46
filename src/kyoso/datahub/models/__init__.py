from kyoso.datahub.models.devices import Device, DeviceCredential, ObservedProperty
from kyoso.datahub.models.readings import Reading, ReadingFlag, Rollup

__all__ = ["Device", "DeviceCredential", "ObservedProperty", "Reading", "ReadingFlag", "Rollup"]
