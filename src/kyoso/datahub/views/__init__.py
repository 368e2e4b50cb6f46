from kyoso.datahub.views.sensors import sensors, sensors_geojson

__all__ = ["sensors", "sensors_geojson"]
