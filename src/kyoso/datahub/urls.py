from django.urls import include, path

from kyoso.datahub import views

urlpatterns = [
    path("", views.sensors, name="sensors"),
    path("sensors.geojson", views.sensors_geojson, name="sensors_geojson"),
]
root_urlpatterns = [path("ngsi-ld/v1/", include("kyoso.datahub.ngsi_ld_urls"))]
