"""URL patterns of the NGSI-LD API, mounted at /ngsi-ld/v1/ (namespace ``ngsi_ld``).

Clients differ on trailing slashes (ngsildclient posts to ``entities/``), so collections
answer with and without one."""

from django.urls import path

from kyoso.datahub.views import ngsi_ld as v

app_name = "ngsi_ld"
urlpatterns = [
    path("entities", v.entities, name="entities"),
    path("entities/", v.entities, name="entities_slash"),
    path("entities/<str:entity_id>", v.entity, name="entity"),
    path("entities/<str:entity_id>/attrs", v.entity_attrs, name="entity_attrs"),
    path("entities/<str:entity_id>/attrs/", v.entity_attrs, name="entity_attrs_slash"),
    path("entities/<str:entity_id>/attrs/<str:attr>", v.entity_attr, name="entity_attr"),
    path("entityOperations/<str:op>", v.entity_operations, name="entity_operations"),
    path("entityOperations/<str:op>/", v.entity_operations, name="entity_operations_slash"),
    path("subscriptions", v.subscriptions, name="subscriptions"),
    path("subscriptions/", v.subscriptions, name="subscriptions_slash"),
    path("subscriptions/<str:subscription_id>", v.subscription, name="subscription"),
    path("temporal/entities", v.temporal_entities, name="temporal_entities"),
    path("temporal/entities/", v.temporal_entities, name="temporal_entities_slash"),
    path("temporal/entities/<str:entity_id>", v.temporal_entity, name="temporal_entity"),
]
