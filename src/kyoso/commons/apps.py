from django.apps import AppConfig


class CommonsConfig(AppConfig):
    name = "kyoso.commons"
    label = "commons"
