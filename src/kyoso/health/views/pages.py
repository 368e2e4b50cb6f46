"""Pages of the health app: the citizen's record and sharing, care timeline, booking, online
visits, the clinic's desk, private statistics and FHIR apps (staff)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kyoso.core.access import has_role, is_staff
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.http import AuthedCityRequest
from kyoso.core.models import Role, User
from kyoso.health import forms, selectors, services
from kyoso.health.models import (
    Appointment,
    CareProvider,
    ClinicSchedule,
    FhirClientApp,
    HealthAccess,
)
from kyoso.health.records.clinic_calendar import TOKYO, holiday_name
from kyoso.health.records.fhir_resources import DATA_ITEMS, display_text
from kyoso.health.records.vital_signs import series_values
from kyoso.health.services.oauth import fhir_client_register
from kyoso.health.views.charts import vitals_chart
from kyoso.health.views.fhir import ice_servers


def access_sentence(a: HealthAccess) -> str:
    """Return "日立総合病院 内科 の 医師 が 2026-12-01 14:02 に 検査 を見ました" for one access."""
    if a.provider_id:
        who = _("%(provider)s %(department)s %(profession)s") % {
            "provider": a.provider, "department": a.department,
            "profession": _(dict(PROFESSIONS).get(a.profession, a.profession)),
        }  # fmt: skip
    else:
        who = _("%(name)s (family)") % {"name": a.actor}
    verb = {"read": _("%(who)s looked at %(item)s on %(when)s"),
            "create": _("%(who)s added %(item)s on %(when)s")}.get(a.action, _("%(who)s used %(item)s on %(when)s"))  # fmt: skip
    return verb % {
        "who": who.replace("  ", " "),
        "item": DATA_ITEMS.get(a.item, a.item),
        "when": a.at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"),
    }


PROFESSIONS = [("doctor", "doctor"), ("nurse", "nurse"), ("care_manager", "care manager"),
               ("pharmacist", "pharmacist"), ("clerk", "clerk"), ("proxy", "family")]  # fmt: skip


def _patient_for(request: AuthedCityRequest) -> User:
    """The record shown: the person's own, or (``?for=<id>``) someone who named them proxy."""
    raw = request.GET.get("for") or request.POST.get("for") or ""
    if raw.isdigit() and int(raw) != request.user.pk:
        patient = services.patient_get(city=request.city, patient_id=int(raw))
        if not services.proxy_is_active(city=request.city, patient=patient, proxy=request.user):
            raise PermissionDenied(_("You may not act for this person."))
        return patient
    return request.user


def _back(request: AuthedCityRequest, patient: User, name: str = "health:index") -> HttpResponse:
    url = reverse(name, args=[request.city.slug])
    return redirect(url if patient.pk == request.user.pk else f"{url}?for={patient.pk}")


@login_required
def index(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city, user = request.city, request.user
    patient = _patient_for(request)
    rows = services.record_read(city=city, actor=user, patient=patient, limit=2000)
    series = selectors.vitals_series(rows)
    summary = [
        (e, DATA_ITEMS.get(e.item, e.resource_type), display_text(r))
        for e, r in rows
        if e.item != "vitals"
    ][:30]
    return render(request, "health/index.html", {
        "patient": patient,
        "acting_for": patient.pk != user.pk,
        "bp_chart": vitals_chart(series, ("systolic", "diastolic")),
        "other_chart": vitals_chart(series, ("weight",)),
        "steps_chart": vitals_chart(series, ("steps", "glucose")),
        "entries": summary,
        "count": len(rows),
        "grants": selectors.grants_of(city=city, patient=patient),
        "accesses": [(a, access_sentence(a)) for a in selectors.accesses_of(city=city, patient=patient, limit=50)],
        "appointments": selectors.appointments_of(city=city, patient=patient)[:20],
        "proxies": selectors.proxies_of(city=city, patient=patient),
        "proxy_for": selectors.proxy_for(city=city, user=user),
        "shared_with_me": selectors.patients_shared_with(city=city, user=user),
        "is_clinic": has_role(user, city, Role.CLINIC),
        "now": timezone.now(),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def vitals_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    patient = _patient_for(request)
    form = forms.VitalsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        if "weight" in data:
            data["weight"] = float(data["weight"])
        try:
            services.vitals_record(
                city=request.city, actor=request.user, patient=patient, at=timezone.now(), **data
            )
            return _back(request, patient)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "health/vitals_new.html",
        {"form": form, "patient": patient},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    patient = _patient_for(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            if form.cleaned_data["file"].name.lower().endswith(".csv"):
                result = _("%(n)d readings imported.") % {
                    "n": services.device_csv_import(
                        city=request.city, actor=request.user, patient=patient, data=data
                    )
                }
            else:
                imported = services.bundle_import(
                    city=request.city, actor=request.user, patient=patient, data=data
                )
                result = _("%(n)d entries imported.") % {"n": imported.stored}
        except DomainError as exc:
            form.add_error(
                "file",
                f"{exc.message} ({exc.field})"
                if exc.field and exc.field != "file"
                else exc.message,
            )
    return render(
        request,
        "health/import.html",
        {"form": form, "result": result, "patient": patient},
        status=400 if form.errors else 200,
    )


@login_required
def export_bundle(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    patient = _patient_for(request)
    bundle = services.record_export_bundle(city=request.city, actor=request.user, patient=patient)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=1), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = 'attachment; filename="health-record.json"'
    return response


@login_required
def export_csv(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    patient = _patient_for(request)
    text = services.record_export_csv(city=request.city, actor=request.user, patient=patient)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="health-record.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_all(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    patient = _patient_for(request)
    if request.method == "POST" and request.POST.get("confirm") == "delete":
        counts = services.record_delete_all(city=request.city, actor=request.user, patient=patient)
        return render(request, "health/deleted.html", {"counts": counts})
    return render(request, "health/delete.html", {"patient": patient})


@login_required
@require_http_methods(["GET", "POST"])
def share(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    patient = _patient_for(request)
    providers = list(selectors.providers_of(city))
    form = forms.ShareForm(request.POST or None)
    form.fields["provider"].choices = [("", "—"), *[(str(p.pk), p.name) for p in providers]]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provider = next((p for p in providers if str(p.pk) == data["provider"]), None)
        recipient = (
            User.objects.filter(email=data["family_email"].lower()).first()
            if data["family_email"]
            else None
        )
        if data["family_email"] and recipient is None:
            form.add_error("family_email", _("No account has this e-mail address."))
        else:
            try:
                services.share_grant(city=city, actor=request.user, patient=patient, items=data["items"],
                                     purpose=data["purpose"], days=data["days"], provider=provider,
                                     recipient_user=recipient)  # fmt: skip
                return _back(request, patient)
            except DomainError as exc:
                field = {"recipient": "provider"}.get(exc.field or "", exc.field)
                form.add_error(field if field in form.fields else None, exc.message)
    return render(
        request,
        "health/share.html",
        {"form": form, "patient": patient},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def share_revoke(request: AuthedCityRequest, city_slug: str, grant_id: int) -> HttpResponse:
    grant = services.share_revoke(city=request.city, actor=request.user, grant_id=grant_id)
    return _back(request, grant.patient)


@login_required
@require_http_methods(["POST"])
def family(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    if request.POST.get("revoke", "").isdigit():
        proxy = User.objects.filter(pk=int(request.POST["revoke"])).first()
        if proxy:
            services.proxy_revoke(
                city=request.city, actor=request.user, patient=request.user, proxy=proxy
            )
        return redirect("health:index", request.city.slug)
    form = forms.FamilyForm(request.POST)
    proxy = (
        User.objects.filter(email=request.POST.get("email", "").strip().lower()).first()
        if form.is_valid()
        else None
    )
    if proxy is None:
        raise DomainError(_("No account has this e-mail address."), field="email")
    services.proxy_grant(city=request.city, actor=request.user, patient=request.user, proxy=proxy)
    return redirect("health:index", request.city.slug)


@login_required
def patient_record(request: AuthedCityRequest, city_slug: str, patient_id: int) -> HttpResponse:
    """What a clinic (or family) sees of one person: exactly the consented items."""
    city = request.city
    patient = services.patient_get(city=city, patient_id=patient_id)
    viewer = services.viewer_for(city=city, user=request.user, patient=patient)
    if viewer.relation == "none":
        raise Http404
    rows = services.record_read(city=city, actor=request.user, patient=patient, limit=1000)
    series = selectors.vitals_series(rows)
    return render(request, "health/patient.html", {
        "patient": patient, "viewer": viewer,
        "items": sorted(DATA_ITEMS[i] for i in (viewer.items if not viewer.is_owner else DATA_ITEMS)),
        "entries": [(e, DATA_ITEMS.get(e.item, e.resource_type), _timeline_text(e.item, r)) for e, r in rows],
        "bp_chart": vitals_chart(series, ("systolic", "diastolic")),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def timeline(request: AuthedCityRequest, city_slug: str, patient_id: int) -> HttpResponse:
    """The care team's shared timeline: notes, vitals, medication changes, each signed by role."""
    city = request.city
    patient = services.patient_get(city=city, patient_id=patient_id)
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.care_note_add(
            city=city, actor=request.user, patient=patient, text=form.cleaned_data["text"]
        )
        return redirect("health:timeline", city.slug, patient.pk)
    viewer = services.viewer_for(city=city, user=request.user, patient=patient)
    wanted = [i for i in ("care_note", "vitals", "prescription") if viewer.may_see(i)]
    if not wanted:
        raise Http404
    rows = services.record_read(
        city=city, actor=request.user, patient=patient, items=wanted, limit=200
    )
    entries = [
        {"entry": e, "item": DATA_ITEMS.get(e.item, e.item), "text": _timeline_text(e.item, r),
         "author": e.author, "role": e.author_role, "provider": e.author_provider}
        for e, r in rows
    ]  # fmt: skip
    return render(request, "health/timeline.html", {
        "patient": patient, "entries": entries, "form": form, "can_write": viewer.may_see("care_note"),
    })  # fmt: skip


def _timeline_text(item: str, resource: dict[str, Any]) -> str:
    if item != "vitals":
        return display_text(resource)
    values = series_values(resource)
    if "systolic" in values and "diastolic" in values:
        return f"{display_text(resource)} {values['systolic']:g}/{values['diastolic']:g}"
    return f"{display_text(resource)} " + " ".join(f"{v:g}" for v in values.values())


@login_required
def booking(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    return render(
        request,
        "health/booking.html",
        {"schedules": selectors.schedules_of(request.city), "patient": _patient_for(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def schedule_slots(request: AuthedCityRequest, city_slug: str, schedule_id: str) -> HttpResponse:
    city = request.city
    schedule = (
        ClinicSchedule.objects.filter(city=city, fhir_id=schedule_id, is_active=True)
        .select_related("provider")
        .first()
    )
    if schedule is None:
        raise Http404
    patient = _patient_for(request)
    if request.method == "POST":
        try:
            start = datetime.fromisoformat(request.POST.get("start", ""))
        except ValueError as exc:
            raise DomainError(_("Choose a time."), field="start") from exc
        services.appointment_book(city=city, actor=request.user, patient=patient, schedule=schedule, start=start,
                                  reason=request.POST.get("reason", ""))  # fmt: skip
        return _back(request, patient)
    raw = request.GET.get("from", "")
    try:
        first = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        first = timezone.localdate()
    cal = services.calendar_of(schedule)
    days = []
    slots = selectors.free_slots(schedule, first=first, days=7)
    for offset in range(7):
        day = first + timedelta(days=offset)
        days.append({
            "day": day, "closed": cal.closed_reason(day), "holiday": holiday_name(day),
            "slots": [(s.astimezone(TOKYO), busy) for s, _e, busy in slots if s.astimezone(TOKYO).date() == day],
        })  # fmt: skip
    return render(request, "health/schedule.html", {
        "schedule": schedule, "days": days, "patient": patient,
        "next": first + timedelta(days=7), "prev": max(timezone.localdate(), first - timedelta(days=7)),
    })  # fmt: skip


@login_required
@require_POST
def appointment_cancel(
    request: AuthedCityRequest, city_slug: str, appointment_id: str
) -> HttpResponse:
    appointment = Appointment.objects.filter(city=request.city, fhir_id=appointment_id).first()
    if appointment is None:
        raise Http404
    services.appointment_cancel(city=request.city, actor=request.user, appointment=appointment)
    if request.POST.get("next") == "clinic":
        return redirect("health:clinic", request.city.slug)
    return _back(request, appointment.patient)


def _appointment(request: AuthedCityRequest, appointment_id: str) -> Appointment:
    a = (
        Appointment.objects.filter(city=request.city, fhir_id=appointment_id)
        .select_related("schedule__provider", "patient")
        .first()
    )
    if a is None:
        raise Http404
    return a


@login_required
@require_http_methods(["GET", "POST"])
def visit_room(request: AuthedCityRequest, city_slug: str, appointment_id: str) -> HttpResponse:
    """The video room: agreement (patient) and identity check (doctor) first, then the call."""
    city = request.city
    appointment = _appointment(request, appointment_id)
    try:
        party = services.visit_party(city=city, actor=request.user, appointment=appointment)
    except NotFoundError as exc:
        raise Http404 from exc
    if request.method == "POST":
        if request.POST.get("action") == "agree":
            services.visit_agree(city=city, actor=request.user, appointment=appointment)
        elif request.POST.get("action") == "identity":
            services.visit_identity_check(city=city, actor=request.user, appointment=appointment)
        return redirect("health:visit", city.slug, appointment.fhir_id)
    return render(request, "health/visit.html", {
        "a": appointment, "party": party, "ready": services.visit_ready(appointment),
        "ice_servers": ice_servers(),
        "signals_url": reverse("health:visit_signals", args=[city.slug, appointment.fhir_id]),
        "polite": party == "patient",
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def visit_signals(request: AuthedCityRequest, city_slug: str, appointment_id: str) -> HttpResponse:
    """Signalling relay: POST a message; GET the other party's messages after ``since``."""
    appointment = _appointment(request, appointment_id)
    if request.method == "POST":
        try:
            body = json.loads(request.body)
        except ValueError as exc:
            raise DomainError(_("The body is not JSON."), field="body") from exc
        if not isinstance(body, dict) or not isinstance(body.get("payload", {}), dict):
            raise DomainError(_("Send {kind, payload}."), field="payload")
        signal = services.visit_signal_send(city=request.city, actor=request.user, appointment=appointment,
                                            kind=str(body.get("kind", "")), payload=body.get("payload") or {})  # fmt: skip
        return JsonResponse({"id": signal.pk}, status=201)
    services.visit_party(city=request.city, actor=request.user, appointment=appointment)
    since = request.GET.get("since", "0")
    messages = appointment.signals.exclude(sender=request.user).filter(
        pk__gt=int(since) if since.isdigit() else 0
    )
    return JsonResponse(
        {
            "ready": services.visit_ready(appointment),
            "messages": [
                {"id": m.pk, "kind": m.kind, "payload": m.payload} for m in messages[:100]
            ],
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def clinic(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    """The clinic's desk: who shares with us, today's appointments, our waiting time."""
    city = request.city
    staff_rows = selectors.staff_rows_of(city=city, user=request.user)
    if not staff_rows:
        raise PermissionDenied(_("This page is for staff of a clinic, hospital or care provider."))
    provider: CareProvider = staff_rows[0].provider
    waiting = forms.WaitingForm(request.POST or None)
    saved = False
    if request.method == "POST" and waiting.is_valid():
        services.provider_waiting_publish(
            city=city,
            actor=request.user,
            provider=provider,
            waiting_minutes=waiting.cleaned_data["waiting_minutes"],
        )
        saved = True
    raw = request.GET.get("day", "")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return render(request, "health/clinic.html", {
        "provider": provider, "staff": staff_rows[0], "waiting": waiting, "saved": saved,
        "shared": selectors.patients_shared_with(city=city, user=request.user),
        "day": day, "day_closed": holiday_name(day),
        "appointments": selectors.day_view(city=city, provider=provider, day=day),
        "schedules": selectors.schedules_of(city, provider=provider),
        "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def statistics(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    if not is_staff(request.user, city):
        raise PermissionDenied(_("This page is for city staff."))
    form = forms.StatisticForm(request.POST or None)
    query = None
    if request.method == "POST" and form.is_valid():
        try:
            query = services.private_statistic_run(city=city, actor=request.user,
                                                   statistic=form.cleaned_data["statistic"],
                                                   epsilon=float(form.cleaned_data["epsilon"]))  # fmt: skip
        except DomainError as exc:
            form.add_error("epsilon", exc.message)
    from kyoso.health.services.statistics import budget_of

    for dataset in ("checkups", "vitals"):
        budget_of(city, dataset)
    return render(request, "health/statistics.html", {
        "form": form, "query": query, "budgets": selectors.budgets_of(city),
    }, status=409 if form.errors else 200)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def fhir_apps(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    if not is_staff(request.user, city):
        raise PermissionDenied(_("This page is for city staff."))
    form = forms.FhirAppForm(request.POST or None)
    created: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        app, secret = fhir_client_register(
            city=city, actor=request.user, name=form.cleaned_data["name"],
            redirect_uris=form.cleaned_data["redirect_uris"].splitlines(), confidential=not form.cleaned_data["public"],
        )  # fmt: skip
        created = {"app": app, "secret": secret}
    return render(request, "health/fhir_apps.html", {
        "form": form, "created": created, "apps": FhirClientApp.objects.filter(city=city).order_by("-created_at"),
        "base": request.build_absolute_uri("/fhir/R4/"),
    })  # fmt: skip
