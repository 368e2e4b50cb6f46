"""Key rotation by the management command, and appointment reminders run by the real worker."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from kyoso.core.models import Notification
from kyoso.health import services
from kyoso.health.keys import cipher
from kyoso.health.models import Appointment
from tests.health.factories import ClinicScheduleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _first_free_start(schedule):  # type: ignore[no-untyped-def]
    now = timezone.now()
    cal = services.calendar_of(schedule)
    first = (now + timedelta(days=1)).date()
    return next(s for s, _e in cal.slots_between(first, first + timedelta(days=30)) if s > now)


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} ORDER BY id")  # noqa: S608 (fixed names)
        return [r[0] for r in cur.fetchall()]


def _rotate() -> str:
    out = io.StringIO()
    call_command("health_rotate_keys", stdout=out)
    return out.getvalue()


def test_rotate_keys_re_encrypts_every_health_field_once(city, citizen, hospital, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KYOSO_HEALTH_KEYS = [old]
    services.vitals_record(
        city=city, actor=citizen, patient=citizen, at=timezone.now(), systolic=131, diastolic=82,
        weight=60,
    )  # fmt: skip
    schedule = ClinicScheduleFactory(city=city, provider=hospital)
    services.appointment_book(
        city=city, actor=citizen, patient=citizen, schedule=schedule,
        start=_first_free_start(schedule), reason="動悸がする",
    )  # fmt: skip
    before = _raw("health_healthentry", "payload") + _raw("health_appointment", "reason")
    assert len(before) == 3  # blood pressure, weight, the reason

    settings.KYOSO_HEALTH_KEYS = [new, old]
    assert _rotate().strip().endswith(": 3")
    after = _raw("health_healthentry", "payload") + _raw("health_appointment", "reason")
    assert not set(before) & set(after)
    assert _rotate().strip().endswith(": 0")  # idempotent: nothing left under the old key
    assert _raw("health_healthentry", "payload") + _raw("health_appointment", "reason") == after

    settings.KYOSO_HEALTH_KEYS = [new]  # the old key is dropped; everything still reads
    rows = services.record_read(city=city, actor=citizen, patient=citizen, items=["vitals"])
    assert sorted(r["valueQuantity"]["value"] for _e, r in rows if "valueQuantity" in r) == [60]
    reason = Appointment.objects.get().reason
    assert cipher().decrypt(reason) == {"text": "動悸がする"}


def test_reminder_goes_out_the_day_before_and_only_once(city, citizen, hospital):
    citizen.email_mode = "immediate"
    citizen.save(update_fields=["email_mode"])
    schedule = ClinicScheduleFactory(city=city, provider=hospital)
    start = _first_free_start(schedule)
    services.appointment_book(
        city=city, actor=citizen, patient=citizen, schedule=schedule, start=start
    )
    assert services.reminders_send(now=start - timedelta(hours=30)) == 0  # two days before
    assert services.reminders_send(now=start - timedelta(hours=23)) == 1
    assert services.reminders_send(now=start - timedelta(hours=22)) == 0
    notice = Notification.objects.get(user=citizen, kind="health.reminder")
    assert hospital.name_ja in notice.title and "内科" in notice.title
    assert any(hospital.name_ja in m.subject or hospital.name_ja in m.body for m in mail.outbox)


def test_the_worker_schedules_and_runs_the_reminders(settings):
    from kyoso.cli import run_schedule

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    enqueued = run_schedule(now=1000.0, last={})
    assert {"health.reminders", "health.retention"} <= set(enqueued)
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    from django_tasks_db.models import DBTaskResult

    health = DBTaskResult.objects.filter(task_path__startswith="kyoso.health.tasks")
    assert {r.status for r in health} == {"SUCCESSFUL"}
    assert health.count() == 2
