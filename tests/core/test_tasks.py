"""The real database task backend and worker, as `kyoso worker` runs them in production."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from kyoso.core.tasks import send_email_task

pytestmark = pytest.mark.django_db(transaction=True)


def test_database_backend_queues_and_the_worker_sends(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = send_email_task.enqueue("件名", "本文です", ["hana@example.jp"])
    assert len(mail.outbox) == 0
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert mail.outbox[0].subject == "件名"


def test_the_worker_enqueues_the_registered_scheduled_tasks_when_due(db):
    from kyoso.cli import run_schedule

    last: dict[str, float] = {}
    first = run_schedule(now=1000.0, last=last)
    assert {"core.digests", "mobility.realtime_expire", "vision.kpi_providers_refresh"} <= set(
        first
    )
    assert run_schedule(now=1030.0, last=last) == []
    assert run_schedule(now=1061.0, last=last) == ["mobility.realtime_expire"]
