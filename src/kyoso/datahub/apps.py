from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "kyoso.datahub"
    label = "datahub"
    verbose_name = _("City data")
