from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "kyoso.mobility"
    label = "mobility"
    verbose_name = _("Transport")

    def ready(self) -> None:
        from kyoso.core.registry import DataGenerator, register_data_generator

        register_data_generator(
            DataGenerator(
                "mobility.ridership_monthly",
                _("Boardings per month, route and stop"),
                "kyoso.mobility.selectors.opendata.ridership_monthly_table",
                people=True,
            )
        )
        from kyoso.core.registry import (
            MAP_LAYERS,
            SCHEDULED_TASKS,
            MapLayer,
            Module,
            ScheduledTask,
            register_module,
        )

        MAP_LAYERS.register(
            "mobility", MapLayer("mobility", "kyoso.mobility.selectors.map_features", order=50)
        )

        # A city fed only by GTFS-RT pushes still loses vehicles that stopped reporting.
        SCHEDULED_TASKS.register(
            "mobility.realtime_expire",
            ScheduledTask(
                "mobility.realtime_expire", "kyoso.mobility.tasks.realtime_expire_task", 60
            ),
        )
        register_module(
            Module(
                app_label=self.label,
                label=cast(str, _("Buses and trains")),
                url_name="mobility:index",
                description=cast(
                    str,
                    _("Live departures, a journey planner, taxis and hospital waiting times."),
                ),
                order=40,
                home_section="kyoso.mobility.sections.home_section",
                staff_links=(
                    (cast(str, _("Timetable feeds (GTFS)")), "mobility:feeds"),
                    (cast(str, _("Demand and supply")), "mobility:ridership"),
                    (cast(str, _("Waiting times of facilities")), "mobility:crowding"),
                ),
            )
        )
        try:
            from kyoso.vision.kpi_providers import register_provider
        except ImportError:  # the vision app is optional
            return
        register_provider(
            "mobility.ridership",
            _("Public transport boardings a year"),
            "kyoso.mobility.selectors.ridership_by_year",
        )
        register_provider(
            "mobility.frequent_transit_share",
            _("Residents within 300 m of a frequent stop (%)"),
            "kyoso.mobility.selectors.accessibility.frequent_transit_share",
        )
        register_provider(
            "mobility.frequent_transit_share_65",
            _("Residents aged 65+ within 300 m of a frequent stop (%)"),
            "kyoso.mobility.selectors.accessibility.frequent_transit_share_65",
        )
        register_provider(
            "mobility.hospital_minutes",
            _("Average trip to the main hospital at 10:00 by public transport (min)"),
            "kyoso.mobility.selectors.accessibility.hospital_minutes",
        )
        register_provider(
            "mobility.punctuality",
            _("Trips under 3 minutes late (%)"),
            "kyoso.mobility.selectors.punctuality_now",
        )
