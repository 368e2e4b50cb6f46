from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    name = "kyoso.vision"
    label = "vision"
    verbose_name = _("Vision")

    def ready(self) -> None:
        from kyoso.core.registry import DataGenerator, register_data_generator

        register_data_generator(
            DataGenerator(
                "vision.kpi_actuals",
                _("KPI values observed each year or month"),
                "kyoso.vision.selectors.opendata.kpi_actuals_table",
            )
        )
        from kyoso.core.registry import (
            MEASURE_DIRECTORIES,
            SCHEDULED_TASKS,
            MeasureDirectory,
            Module,
            ScheduledTask,
            register_module,
        )

        MEASURE_DIRECTORIES.register(
            "vision", MeasureDirectory("vision", "kyoso.vision.selectors.measure_directory")
        )

        SCHEDULED_TASKS.register(
            "vision.kpi_providers_refresh",
            ScheduledTask(
                "vision.kpi_providers_refresh",
                "kyoso.vision.tasks.kpi_providers_refresh_task",
                86400,
            ),
        )
        register_module(
            Module(
                app_label=self.label,
                label=_("Vision"),
                url_name="vision:index",
                description=_(
                    "Our city in 2050, the targets for 2031 and the measures to get there."
                ),
                order=10,
                home_section="kyoso.vision.sections.home_section",
                staff_links=(
                    (_("Vision, themes, KPIs and measures"), "vision:staff"),
                    (_("Upload KPI values (CSV)"), "vision:actuals_import"),
                    (_("共感 by district and age"), "vision:endorsements"),
                ),
            )
        )
