"""Background work of the data hub: NGSI-LD notifications."""

from __future__ import annotations

from django_tasks import task

from kyoso.datahub.services.ngsi_ld import ngsi_ld_notify


@task()
def ngsi_ld_notify_task(subscription_pk: int, entity_ids: list[str]) -> bool:
    """POST a notification of the entities to the subscription's endpoint."""
    return ngsi_ld_notify(subscription_pk=subscription_pk, entity_ids=entity_ids)
