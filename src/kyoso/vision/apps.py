from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    name = "kyoso.vision"
    label = "vision"
    verbose_name = _("Vision")

    def ready(self) -> None:
        from kyoso.core.registry import Module, register_module

        register_module(
            Module(
                app_label=self.label,
                label=_("Vision"),  # type: ignore[arg-type]
                url_name="vision:index",
                description=_(  # type: ignore[arg-type]
                    "Our city in 2050, the targets for 2031 and the measures to get there."
                ),
                order=10,
                home_section="kyoso.vision.sections.home_section",
                staff_links=(  # type: ignore[arg-type]
                    (_("Vision, themes, KPIs and measures"), "vision:staff"),
                    (_("Upload KPI values (CSV)"), "vision:actuals_import"),
                    (_("共感 by district and age"), "vision:endorsements"),
                ),
            )
        )
