"""Ids of the demo city for datahub's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.datahub.models import Dataset, Device, Resource


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    # Without a demo device, any key still has to answer 404, never 5xx.
    device = Device.objects.filter(city=city).order_by("pk").first()
    entity: dict[str, object] = {"entity_id": "urn:ngsi-ld:Device:none:none"}
    attr = "none"
    if device is not None:
        entity = {
            "entity_id": f"urn:ngsi-ld:{device.entity_type or 'Device'}:{city.slug}:{device.key}"
        }
        prop = device.properties.order_by("name").first()
        attr = prop.name if prop else attr
    operation: dict[str, object] = {"op": "upsert"}
    dataset = first_kwargs(Dataset.objects.filter(city=city), slug="slug") or {"slug": "none"}
    resource = Resource.objects.filter(city=city).select_related("dataset").order_by("pk").first()
    download: dict[str, object] = (
        {"slug": resource.dataset.slug, "uid": resource.uid}
        if resource is not None
        else {"slug": "none", "uid": "00000000-0000-0000-0000-000000000000"}
    )
    action: dict[str, object] = {"action": "package_list"}
    return {
        "datahub:dataset": dataset,
        "datahub:dataset_ttl": dataset,
        "datahub:dataset_jsonld": dataset,
        "datahub:resource_download": download,
        "ckan_action": action,
        "ckan_action_first_city": action,
        "ckan_action_short": action,
        "ckan_action_first_city_short": action,
        "api:series": first_kwargs(Device.objects.filter(city=city), key="key") or {"key": "none"},
        "ngsi_ld:entity": entity,
        "ngsi_ld:entity_attrs": entity,
        "ngsi_ld:entity_attrs_slash": entity,
        "ngsi_ld:entity_attr": {**entity, "attr": attr},
        "ngsi_ld:temporal_entity": entity,
        "ngsi_ld:entity_operations": operation,
        "ngsi_ld:entity_operations_slash": operation,
        "ngsi_ld:subscription": {"subscription_id": "urn:ngsi-ld:Subscription:none"},
    }
