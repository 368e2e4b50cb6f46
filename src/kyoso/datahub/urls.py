from django.urls import path

from kyoso.datahub import views

urlpatterns = [
    path("", views.sensors, name="sensors"),
    path("sensors.geojson", views.sensors_geojson, name="sensors_geojson"),
]
