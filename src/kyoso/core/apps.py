from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kyoso.core"
    label = "core"
    verbose_name = _("Kyoso platform")

    def ready(self) -> None:
        from kyoso.core.registry import SCHEDULED_TASKS, ScheduledTask

        SCHEDULED_TASKS.register(
            "core.digests",
            ScheduledTask("core.digests", "kyoso.core.tasks.send_digests_task", 3600),
        )
        # Directories are made when Django starts, never when settings are merely imported
        # (type checkers and tools import them too): the embedded database's folder, and the
        # static folder WhiteNoise serves from in development.
        database = settings.DATABASES["default"]
        name = str(database["NAME"])
        in_file = name not in ("", ":memory:") and not name.startswith("file:")
        if database["ENGINE"] == "django.db.backends.sqlite3" and in_file:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        if not settings.PRODUCTION:
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
