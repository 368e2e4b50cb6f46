from django.apps import AppConfig


class VisionConfig(AppConfig):
    name = "kyoso.vision"
    label = "vision"
