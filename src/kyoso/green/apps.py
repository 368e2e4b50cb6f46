from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreenConfig(AppConfig):
    name = "kyoso.green"
    label = "green"
    verbose_name = _("Green industry")
