from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "kyoso.health"
    label = "health"
    verbose_name = _("Health and care")

    def ready(self) -> None:
        import kyoso.health.keys  # noqa: F401 - registers the health.E001 system check
        from kyoso.core.registry import SCHEDULED_TASKS, Module, ScheduledTask, register_module

        # The worker reminds the day before: every 15 minutes, appointments in the next 24 hours.
        SCHEDULED_TASKS.register(
            "health.reminders",
            ScheduledTask("health.reminders", "kyoso.health.tasks.reminders_send_task", 15 * 60),
        )
        SCHEDULED_TASKS.register(
            "health.retention",
            ScheduledTask(
                "health.retention", "kyoso.health.tasks.expired_entries_purge_task", 24 * 3600
            ),
        )
        register_module(
            Module(
                app_label=self.label,
                label=cast(str, _("Health")),
                url_name="health:index",
                description=cast(
                    str,
                    _(
                        "Your own health record, sharing only by your consent, booking and online visits."
                    ),
                ),
                order=60,
                mypage_section="kyoso.health.sections.mypage_section",
                staff_links=(
                    (cast(str, _("Health statistics (private)")), "health:statistics"),
                    (cast(str, _("FHIR apps")), "health:fhir_apps"),
                ),
            )
        )
        try:
            from kyoso.vision.kpi_providers import register_provider
        except ImportError:  # the vision app is optional
            return
        register_provider(
            "health.checkup_65_plus",
            _("Share of people 65+ with an annual check-up (%)"),
            "kyoso.health.selectors.checkup_share_65_plus",  # resolved on first use
        )
