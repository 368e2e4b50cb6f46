from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreenConfig(AppConfig):
    name = "kyoso.green"
    label = "green"
    verbose_name = _("Green industry")

    def ready(self) -> None:
        from kyoso.core.registry import MEASURE_SECTIONS, Module, PageSection, register_module

        register_module(
            Module(
                app_label=self.label,
                label=cast(str, _("Factory CO2")),
                url_name="green:index",
                description=cast(
                    str,
                    _("Companies record their energy bills, see their CO2 and plan reductions."),
                ),
                order=60,
                home_section="kyoso.green.sections.home_section",
                mypage_section="kyoso.green.sections.mypage_section",
                staff_links=(
                    (cast(str, _("Decarbonisation consortium")), "green:consortium"),
                    (cast(str, _("Emission factor lists")), "green:factors"),
                    (cast(str, _("Weather file for solar estimates")), "green:weather"),
                ),
            )
        )
        MEASURE_SECTIONS.register(
            "green",
            PageSection("green", "kyoso.green.sections.vision_measure_section", order=30),
        )
        try:
            from kyoso.vision.kpi_providers import register_provider
        except ImportError:  # the vision app is optional
            return
        register_provider(
            "green.industrial_co2",
            _("Industrial CO2 of consortium companies (t, market-based)"),
            "kyoso.green.selectors.industrial_co2_by_year",
        )
        register_provider(
            "green.members",
            _("Companies recording their CO2"),
            "kyoso.green.selectors.members_by_year",
        )
        register_provider(
            "green.renewable_share",
            _("Renewable share of companies' electricity (%)"),
            "kyoso.green.selectors.renewable_share_by_year",
        )
