from django.urls import path

from kyoso.mobility import views

urlpatterns = [
    path("", views.index, name="index"),
    path("stops/<int:stop_pk>/", views.stop_detail, name="stop"),
    path("stops/<int:stop_pk>/departures/", views.stop_departures, name="stop_departures"),
    path("stops/<int:stop_pk>/sign/", views.stop_sign, name="sign"),
    path("stops.geojson", views.stops_geojson, name="stops_geojson"),
    path("stop-names.json", views.stop_names, name="stop_names"),
    path("vehicles.geojson", views.vehicles_geojson, name="vehicles_geojson"),
    path("journey/", views.journey, name="journey"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("gtfs-rt/trip-updates.pb", views.gtfs_rt_trip_updates, name="gtfs_rt_trip_updates"),
    path("gtfs-rt/vehicle-positions.pb", views.gtfs_rt_vehicles, name="gtfs_rt_vehicles"),
    path("gtfs-rt/alerts.pb", views.gtfs_rt_alerts, name="gtfs_rt_alerts"),
    path("demand/", views.demand, name="demand"),
    path("demand/rides/<int:ride_pk>/", views.ride, name="ride"),
    path("demand/rides/<int:ride_pk>/map.geojson", views.ride_geojson, name="ride_geojson"),
    path("demand/rides/<int:ride_pk>/cancel/", views.ride_cancel, name="ride_cancel"),
    path("demand/<slug:code>/zone.geojson", views.zone_geojson, name="demand_zone"),
    path("demand/<slug:code>/gtfs-flex.zip", views.flex_export, name="demand_flex"),
    path("staff/demand/", views.demand_staff, name="demand_staff"),
    path("staff/demand/<slug:code>/", views.dispatch, name="dispatch"),
    path("staff/feeds/", views.feeds, name="feeds"),
    path("staff/crowding/", views.crowding, name="crowding"),
    path("staff/ridership/", views.ridership, name="ridership"),
    path("staff/headways/", views.headways, name="headways"),
    path(
        "staff/headways/frequencies.txt",
        views.headways_frequencies,
        name="headways_frequencies",
    ),
]
