from django.urls import include, path

from kyoso.datahub import views
from kyoso.datahub.views import ckan

urlpatterns = [
    path("", views.sensors, name="sensors"),
    path("sensors.geojson", views.sensors_geojson, name="sensors_geojson"),
    path("data/", views.catalogue, name="catalogue"),
    path("data/staff/", views.catalogue_staff, name="catalogue_staff"),
    path("data/<slug:slug>/", views.dataset, name="dataset"),
    path("data/<slug:slug>/dcat.ttl", views.dataset_dcat, {"fmt": "ttl"}, name="dataset_ttl"),
    path(
        "data/<slug:slug>/dcat.jsonld", views.dataset_dcat, {"fmt": "jsonld"}, name="dataset_jsonld"
    ),
    path(
        "data/<slug:slug>/resources/<uuid:uid>/download",
        views.resource_download,
        name="resource_download",
    ),
]
# The CKAN Action API: per city, and for the first city without one (see the README); CKAN
# answers at /api/action/ too, which is where ckanapi calls.
city_urlpatterns = [
    path("api/3/action/<str:action>", ckan.action, name="ckan_action"),
    path("api/action/<str:action>", ckan.action, name="ckan_action_short"),
]
root_urlpatterns = [
    path("ngsi-ld/v1/", include("kyoso.datahub.ngsi_ld_urls")),
    path("api/3/action/<str:action>", ckan.action_first_city, name="ckan_action_first_city"),
    path("api/action/<str:action>", ckan.action_first_city, name="ckan_action_first_city_short"),
]
