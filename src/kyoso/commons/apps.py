from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "kyoso.commons"
    label = "commons"
    verbose_name = _("Commons")

    def ready(self) -> None:
        from kyoso.core.registry import (
            ACCEPTANCE_SOURCES,
            AcceptanceSource,
            Module,
            register_module,
        )

        # Participatory-budget ballots reach evaluation's portfolio review.
        ACCEPTANCE_SOURCES.register(
            "commons",
            AcceptanceSource(
                "commons",
                _("Participatory-budget ballots"),
                "kyoso.commons.selectors.acceptance.measure_acceptance",
            ),
        )

        register_module(
            Module(
                app_label=self.label,
                label=_("Groups, votes and points"),
                url_name="commons:index",
                description=_(
                    "Find people to act with, decide together in a way anyone can check, "
                    "and earn community points if you wish."
                ),
                order=40,
                home_section="kyoso.commons.views.home.home_section",
                mypage_section="kyoso.commons.views.home.mypage_section",
                staff_links=(
                    (_("Community points"), "commons:staff_points"),
                    (_("Start a vote"), "commons:decision_new"),
                    (_("Import a participatory budget (.pb)"), "commons:pb_import"),
                ),
            )
        )
