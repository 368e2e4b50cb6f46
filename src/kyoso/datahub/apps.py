from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "kyoso.datahub"
    label = "datahub"
    verbose_name = _("City data")

    def ready(self) -> None:
        from kyoso.core.registry import DataGenerator, register_data_generator

        register_data_generator(
            DataGenerator(
                "datahub.sensor_daily",
                _("Daily mean, minimum and maximum of each sensor"),
                "kyoso.datahub.selectors.catalogue.sensor_daily_table",
            )
        )
        from kyoso.core.registry import Module, register_module

        register_module(
            Module(
                app_label=self.label,
                label=cast(str, _("City sensors")),
                url_name="datahub:sensors",
                description=cast(
                    str, _("Air quality, river levels, noise and footfall measured in the city.")
                ),
                order=70,
                footer_links=((cast(str, _("Open data")), "datahub:catalogue"),),
                staff_links=((cast(str, _("Open-data datasets")), "datahub:catalogue_staff"),),
            )
        )
        try:
            from kyoso.vision.kpi_providers import register_provider
        except ImportError:  # the vision app is optional
            return
        register_provider(
            "datahub.pm25_days_over_standard",
            _("Days a year with PM2.5 above the daily standard (35 µg/m³)"),
            "kyoso.datahub.selectors.kpis.pm25_days_over_standard_by_year",
        )
        register_provider(
            "datahub.ev_charger_utilisation",
            _("EV charger utilisation (%)"),
            "kyoso.datahub.selectors.kpis.ev_charger_utilisation_by_year",
        )
