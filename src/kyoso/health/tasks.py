"""Background work of the health app: appointment reminders and the retention purge."""

from __future__ import annotations

from django_tasks import task

from kyoso.health import services


@task()
def reminders_send_task() -> int:
    """Remind everyone booked in the coming 24 hours (each appointment once)."""
    return services.reminders_send()


@task()
def expired_entries_purge_task() -> int:
    return services.expired_entries_purge()
