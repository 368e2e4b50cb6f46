from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "kyoso.voice"
    label = "voice"
    verbose_name = _("Citizen voice")

    def ready(self) -> None:
        from kyoso.core.registry import DataGenerator, register_data_generator

        register_data_generator(
            DataGenerator(
                "voice.reports_by_district",
                _("Problem reports per year, district and category"),
                "kyoso.voice.selectors.opendata.reports_by_district_table",
                people=True,
            )
        )
        from kyoso.core.registry import (
            ACCEPTANCE_SOURCES,
            AcceptanceSource,
            Module,
            register_module,
        )

        # Citizens' voice reaches evaluation's portfolio review (supports, opinion consensus).
        ACCEPTANCE_SOURCES.register(
            "voice",
            AcceptanceSource(
                "voice",
                _("Supports and opinion-group consensus"),
                "kyoso.voice.selectors.acceptance.measure_acceptance",
            ),
        )

        register_module(
            Module(
                app_label=self.label,
                label=_("Citizen voice"),
                url_name="voice:index",
                description=_("Proposals, conversations, problem reports and workshops."),
                order=20,
                home_section="kyoso.voice.views.home.home_section",
                mypage_section="kyoso.voice.views.home.mypage_section",
                staff_links=(
                    (_("Listening dashboard"), "voice:dashboard"),
                    (_("Problem reports"), "voice:staff_reports"),
                    (_("Moderation"), "voice:moderation"),
                    (_("New conversation"), "voice:conversation_new"),
                    (_("New workshop"), "voice:workshop_new"),
                ),
            )
        )
