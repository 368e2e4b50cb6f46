from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "kyoso.mobility"
    label = "mobility"
