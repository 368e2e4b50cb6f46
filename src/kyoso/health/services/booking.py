"""Schedules, booking and cancelling, reminders, and the checks before an online visit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record, notification_send
from kyoso.health.keys import cipher
from kyoso.health.models import (
    Appointment,
    AppointmentStatus,
    CareProvider,
    CareStaff,
    ClinicSchedule,
    VisitMode,
    VisitSignal,
)
from kyoso.health.records.clinic_calendar import TOKYO, ClinicCalendar, parse_hours
from kyoso.health.services.access import proxy_is_active

SIGNAL_KINDS = ("offer", "answer", "ice", "bye")
BOOKING_HORIZON_DAYS = 90


def calendar_of(schedule: ClinicSchedule) -> ClinicCalendar:
    """Return the Django-free calendar of a schedule."""
    return ClinicCalendar(
        hours=parse_hours(schedule.hours),
        slot_minutes=schedule.slot_minutes,
        closed_dates=frozenset(date.fromisoformat(d) for d in schedule.closed_dates),
        open_on_holidays=schedule.open_on_holidays,
    )


def staff_of(*, city: City, user: User, provider: CareProvider) -> CareStaff:
    """Return the user's staff row at the provider, or raise PermissionDeniedError."""
    staff = CareStaff.objects.filter(city=city, user=user, provider=provider).first()
    if staff is None:
        raise PermissionDeniedError(_("You do not work for this provider."))
    return staff


@transaction.atomic
def schedule_save(
    *,
    city: City,
    actor: User,
    provider: CareProvider,
    department: str,
    mode: str,
    hours: dict[str, list[str]],
    slot_minutes: int = 15,
    practitioner: str = "",
    closed_dates: list[str] | None = None,
    open_on_holidays: bool = False,
    schedule: ClinicSchedule | None = None,
) -> ClinicSchedule:
    """Return the created or updated schedule (staff of the provider only)."""
    require_role(actor, city, Role.CLINIC)
    staff_of(city=city, user=actor, provider=provider)
    if not department.strip():
        raise DomainError(_("Name the department."), field="department")
    if mode not in VisitMode.values:
        raise DomainError(_("Choose in person or online."), field="mode")
    if not 5 <= slot_minutes <= 120:
        raise DomainError(_("A slot is 5 to 120 minutes."), field="slot_minutes")
    try:
        parse_hours(hours)
    except ValueError as exc:
        raise DomainError(str(exc), field="hours") from exc
    closed = []
    for raw in closed_dates or []:
        try:
            closed.append(date.fromisoformat(raw.strip()).isoformat())
        except ValueError as exc:
            raise DomainError(
                _("Closed days are dates like 2026-12-29."), field="closed_dates"
            ) from exc
    if schedule is None:
        schedule = ClinicSchedule(city=city, provider=provider)
    elif schedule.provider_id != provider.pk:
        raise PermissionDeniedError(_("This schedule belongs to another provider."))
    schedule.department = department.strip()[:60]
    schedule.practitioner = practitioner.strip()[:60]
    schedule.mode = mode
    schedule.slot_minutes = slot_minutes
    schedule.hours = hours
    schedule.closed_dates = sorted(set(closed))
    schedule.open_on_holidays = open_on_holidays
    schedule.save()
    audit_record(city=city, actor=actor, action="health.schedule_save", obj=schedule)
    return schedule


def _may_book_for(*, city: City, actor: User, patient: User) -> None:
    if actor.pk != patient.pk and not proxy_is_active(city=city, patient=patient, proxy=actor):
        raise PermissionDeniedError(_("You can book only for yourself or a person who named you."))


@transaction.atomic
def appointment_book(
    *,
    city: City,
    actor: User,
    patient: User,
    schedule: ClinicSchedule,
    start: datetime,
    reason: str = "",
) -> Appointment:
    """Return a booked appointment in a free slot of the schedule."""
    _may_book_for(city=city, actor=actor, patient=patient)
    if schedule.city_id != city.pk or not schedule.is_active:
        raise NotFoundError(_("No such schedule."), field="schedule")
    if timezone.is_naive(start):
        raise DomainError(_("Give the time with its time zone."), field="start")
    local = start.astimezone(TOKYO)
    now = timezone.now()
    if start <= now:
        raise DomainError(_("This time has passed."), field="start")
    if local.date() > (now + timedelta(days=BOOKING_HORIZON_DAYS)).astimezone(TOKYO).date():
        raise DomainError(_("Bookings open 90 days ahead."), field="start")
    cal = calendar_of(schedule)
    slot = next((s for s in cal.slots_on(local.date()) if s[0] == local), None)
    if slot is None:
        reason_closed = cal.closed_reason(local.date())
        raise DomainError(
            _("The clinic is closed that day (%(why)s).") % {"why": reason_closed}
            if reason_closed else _("There is no slot at this time."),
            field="start",
        )  # fmt: skip
    if Appointment.objects.filter(
        city=city, patient=patient, start=start, status=AppointmentStatus.BOOKED
    ).exists():
        raise ConflictError(_("You already have a booking at this time."), field="start")
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                city=city, schedule=schedule, patient=patient, booked_by=actor,
                start=slot[0], end=slot[1], status=AppointmentStatus.BOOKED,
                reason=cipher().encrypt({"text": reason.strip()[:500]}) if reason.strip() else "",
            )  # fmt: skip
    except IntegrityError as exc:
        raise ConflictError(_("This slot was just taken. Choose another."), field="start") from exc
    audit_record(
        city=city,
        actor=actor,
        action="health.book",
        obj=appointment,
        on_behalf_of=patient if actor.pk != patient.pk else None,
    )
    notification_send(
        city=city, user=patient, kind="health.booking",
        title=_("Booked: %(clinic)s %(dept)s, %(when)s")
        % {"clinic": schedule.provider, "dept": schedule.department,
           "when": local.strftime("%Y-%m-%d %H:%M")},
    )  # fmt: skip
    return appointment


@transaction.atomic
def appointment_cancel(*, city: City, actor: User, appointment: Appointment) -> Appointment:
    """Return the cancelled appointment (the person, their proxy, or the clinic's staff)."""
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("schedule__provider")
        .get(pk=appointment.pk)
    )
    if appointment.city_id != city.pk:
        raise NotFoundError(_("No such appointment."))
    is_clinic = CareStaff.objects.filter(
        city=city, user=actor, provider=appointment.schedule.provider
    ).exists()
    if not is_clinic:
        _may_book_for(city=city, actor=actor, patient=appointment.patient)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ConflictError(_("This appointment is not booked."), field="status")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status"])
    audit_record(city=city, actor=actor, action="health.cancel", obj=appointment)
    if is_clinic:
        notification_send(
            city=city, user=appointment.patient, kind="health.booking",
            title=_("The clinic cancelled your appointment on %(when)s")
            % {"when": appointment.start.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")},
        )  # fmt: skip
    return appointment


def reminders_send(*, now: datetime | None = None, hours_ahead: int = 24) -> int:
    """Send a notice (and e-mail by the person's setting) for appointments in the next day."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED, reminder_sent_at__isnull=True,
        start__gt=now, start__lte=now + timedelta(hours=hours_ahead),
    ).select_related("schedule__provider", "city", "patient")  # fmt: skip
    sent = 0
    for a in due:
        with transaction.atomic():
            notification_send(
                city=a.city, user=a.patient, kind="health.reminder",
                title=_("Reminder: %(clinic)s %(dept)s at %(when)s")
                % {"clinic": a.schedule.provider, "dept": a.schedule.department,
                   "when": a.start.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")},
                body=_("Online visits open from your health page a few minutes before.")
                if a.is_online else "",
            )  # fmt: skip
            Appointment.objects.filter(pk=a.pk).update(reminder_sent_at=now)
        sent += 1
    return sent


# ---- online visits -------------------------------------------------------------------------


def visit_party(*, city: City, actor: User, appointment: Appointment) -> str:
    """Return "patient" or "clinic" for a party of the online visit, or raise."""
    if appointment.city_id != city.pk or not appointment.is_online:
        raise NotFoundError(_("No such online visit."))
    if appointment.patient_id == actor.pk:
        return "patient"
    if CareStaff.objects.filter(
        city=city, user=actor, provider_id=appointment.schedule.provider_id
    ).exists():
        return "clinic"
    raise PermissionDeniedError(_("You are not a party of this visit."))


@transaction.atomic
def visit_agree(*, city: City, actor: User, appointment: Appointment) -> Appointment:
    """Record the patient's agreement to be seen online (厚労省 online-care guideline)."""
    if visit_party(city=city, actor=actor, appointment=appointment) != "patient":
        raise PermissionDeniedError(_("Only the patient can agree."))
    if appointment.patient_agreed_at is None:
        appointment.patient_agreed_at = timezone.now()
        appointment.save(update_fields=["patient_agreed_at"])
        audit_record(city=city, actor=actor, action="health.visit_agree", obj=appointment)
    return appointment


@transaction.atomic
def visit_identity_check(*, city: City, actor: User, appointment: Appointment) -> Appointment:
    """Record that the doctor checked the patient's identity (e.g. My Number card) on screen."""
    if visit_party(city=city, actor=actor, appointment=appointment) != "clinic":
        raise PermissionDeniedError(_("Only the clinic records the identity check."))
    if appointment.identity_checked_at is None:
        appointment.identity_checked_at = timezone.now()
        appointment.identity_checked_by = actor
        appointment.save(update_fields=["identity_checked_at", "identity_checked_by"])
        audit_record(city=city, actor=actor, action="health.visit_identity", obj=appointment)
    return appointment


def visit_ready(appointment: Appointment) -> bool:
    return appointment.patient_agreed_at is not None and appointment.identity_checked_at is not None


def visit_signal_send(
    *, city: City, actor: User, appointment: Appointment, kind: str, payload: dict[str, Any]
) -> VisitSignal:
    """Relay one signalling message to the other party (only once both checks are recorded)."""
    visit_party(city=city, actor=actor, appointment=appointment)
    if not visit_ready(appointment):
        raise ConflictError(
            _("The call starts after the patient's agreement and the identity check."), field="kind"
        )
    if kind not in SIGNAL_KINDS:
        raise DomainError(_("Unknown signal."), field="kind")
    if len(str(payload)) > 20000:
        raise DomainError(_("The signal is too large."), field="payload")
    return VisitSignal.objects.create(
        city=city, appointment=appointment, sender=actor, kind=kind, payload=payload
    )
