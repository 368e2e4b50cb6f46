"""Writes of the data hub: devices and credentials, reading ingest, partitions and retention,
and the open-data catalogue (datasets, resources and the one service that publishes rows)."""

from kyoso.datahub.services.catalogue import (
    PublishedTable,
    dataset_access_record,
    dataset_create,
    dataset_publish,
    resource_add,
    resource_publish,
)
from kyoso.datahub.services.devices import (
    device_authenticate,
    device_credential_issue,
    device_register,
)
from kyoso.datahub.services.ingest import (
    IngestResult,
    readings_import_csv,
    readings_ingest,
    readings_ingest_payload,
)
from kyoso.datahub.services.maintenance import (
    readings_partitions_ensure,
    readings_partitions_maintain,
    readings_retention_apply,
)

__all__ = [
    "IngestResult",
    "PublishedTable",
    "dataset_access_record",
    "dataset_create",
    "dataset_publish",
    "device_authenticate",
    "device_credential_issue",
    "device_register",
    "readings_import_csv",
    "readings_ingest",
    "readings_ingest_payload",
    "readings_partitions_ensure",
    "readings_partitions_maintain",
    "readings_retention_apply",
    "resource_add",
    "resource_publish",
]
