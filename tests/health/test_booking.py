"""Clinic schedules with 休診日 and holidays, booking and cancelling, reminders, key rotation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent, Notification
from kyoso.core.registry import SCHEDULED_TASKS
from kyoso.health import services
from kyoso.health.keys import cipher
from kyoso.health.models import Appointment
from kyoso.health.records.clinic_calendar import TOKYO, holiday_name

pytestmark = pytest.mark.django_db

EVERY_WEEKDAY = {d: ["09:00-12:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _open_day(after: int = 2) -> date:
    day = timezone.localdate() + timedelta(days=after)
    while holiday_name(day):
        day += timedelta(days=1)
    return day


def _next_holiday() -> date:
    day = timezone.localdate() + timedelta(days=2)
    while not holiday_name(day):
        day += timedelta(days=1)
    return day


def _at(day: date, hhmm: str = "09:30") -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TOKYO)


@pytest.fixture
def schedule(city, hospital, doctor):  # type: ignore[no-untyped-def]
    closed = _open_day(after=5)
    return services.schedule_save(
        city=city,
        actor=doctor,
        provider=hospital,
        department="小児科",
        mode="online",
        hours=EVERY_WEEKDAY,
        slot_minutes=30,
        closed_dates=[closed.isoformat()],
    )


def test_only_the_providers_staff_publish_a_schedule(city, hospital, other_doctor, citizen):
    with pytest.raises(PermissionDeniedError):
        services.schedule_save(
            city=city, actor=citizen, provider=hospital, department="内科", mode="in_person",
            hours=EVERY_WEEKDAY,
        )  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        services.schedule_save(
            city=city, actor=other_doctor, provider=hospital, department="内科",
            mode="in_person", hours=EVERY_WEEKDAY,
        )  # fmt: skip


def test_a_schedule_refuses_bad_hours_and_dates(city, hospital, doctor):
    with pytest.raises(DomainError) as bad_hours:
        services.schedule_save(
            city=city, actor=doctor, provider=hospital, department="内科", mode="online",
            hours={"mon": ["12:00-09:00"]},
        )  # fmt: skip
    assert bad_hours.value.field == "hours"
    with pytest.raises(DomainError) as bad_day:
        services.schedule_save(
            city=city, actor=doctor, provider=hospital, department="内科", mode="online",
            hours=EVERY_WEEKDAY, closed_dates=["12/29"],
        )  # fmt: skip
    assert bad_day.value.field == "closed_dates"


def test_booking_follows_the_calendar(city, citizen, schedule):
    day = _open_day()
    appointment = services.appointment_book(
        city=city, actor=citizen, patient=citizen, schedule=schedule, start=_at(day),
        reason="夜に熱が出た",
    )  # fmt: skip
    assert appointment.end - appointment.start == timedelta(minutes=30)
    assert "夜に熱" not in appointment.reason  # stored encrypted
    assert cipher().decrypt(appointment.reason) == {"text": "夜に熱が出た"}
    with pytest.raises(ConflictError):
        services.appointment_book(
            city=city, actor=citizen, patient=citizen, schedule=schedule, start=_at(day)
        )
    with pytest.raises(DomainError, match="休診日"):
        services.appointment_book(
            city=city, actor=citizen, patient=citizen, schedule=schedule,
            start=_at(date.fromisoformat(schedule.closed_dates[0])),
        )  # fmt: skip
    holiday = _next_holiday()
    with pytest.raises(DomainError, match=holiday_name(holiday) or "?"):
        services.appointment_book(
            city=city, actor=citizen, patient=citizen, schedule=schedule, start=_at(holiday)
        )
    with pytest.raises(DomainError, match="予約枠はありません"):
        services.appointment_book(
            city=city, actor=citizen, patient=citizen, schedule=schedule,
            start=_at(_open_day(), "09:10"),
        )  # fmt: skip
    with pytest.raises(DomainError, match="90日先"):
        services.appointment_book(
            city=city, actor=citizen, patient=citizen, schedule=schedule,
            start=_at(_open_day(after=120)),
        )  # fmt: skip


def test_nobody_books_for_another_person_unless_named(city, citizen, schedule):
    from tests.core.factories import MembershipFactory

    neighbour = MembershipFactory(city=city, role="citizen").user
    with pytest.raises(PermissionDeniedError):
        services.appointment_book(
            city=city, actor=neighbour, patient=citizen, schedule=schedule,
            start=_at(_open_day()),
        )  # fmt: skip


def test_the_clinic_cancels_and_the_person_is_told(city, citizen, doctor, schedule):
    appointment = services.appointment_book(
        city=city, actor=citizen, patient=citizen, schedule=schedule, start=_at(_open_day())
    )
    services.appointment_cancel(city=city, actor=doctor, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert Notification.objects.filter(user=citizen, title__contains="取り消しました").exists()
    with pytest.raises(ConflictError):
        services.appointment_cancel(city=city, actor=citizen, appointment=appointment)


def test_reminders_go_once_the_day_before_and_run_on_the_schedule(city, citizen, schedule):
    day = _open_day()
    appointment = services.appointment_book(
        city=city, actor=citizen, patient=citizen, schedule=schedule, start=_at(day)
    )
    too_early = appointment.start - timedelta(hours=30)
    assert services.reminders_send(now=too_early) == 0
    day_before = appointment.start - timedelta(hours=20)
    assert services.reminders_send(now=day_before) == 1
    assert services.reminders_send(now=day_before + timedelta(hours=1)) == 0
    assert Notification.objects.filter(user=citizen, kind="health.reminder").count() == 1
    keys = {entry.key for entry in SCHEDULED_TASKS.entries()}
    assert {"health.reminders", "health.retention"} <= keys


def test_rotating_keys_reencrypts_records_and_reasons(city, citizen, schedule, settings):
    old = Fernet.generate_key().decode()
    settings.KYOSO_HEALTH_KEYS = [old]
    services.vitals_record(city=city, actor=citizen, patient=citizen, at=timezone.now(), weight=61)
    services.appointment_book(
        city=city, actor=citizen, patient=citizen, schedule=schedule, start=_at(_open_day()),
        reason="咳",
    )  # fmt: skip
    new = Fernet.generate_key().decode()
    settings.KYOSO_HEALTH_KEYS = [new, old]
    call_command("health_rotate_keys")
    settings.KYOSO_HEALTH_KEYS = [new]  # the old key is gone: everything must still read
    rows = services.record_read(city=city, actor=citizen, patient=citizen)
    assert rows[0][1]["valueQuantity"]["value"] == 61
    assert cipher().decrypt(Appointment.objects.get().reason) == {"text": "咳"}
    assert AuditEvent.objects.filter(action="health.keys_rotate").exists()
