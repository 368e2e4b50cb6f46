"""The FHIR R4 REST API at /fhir/R4/: SMART-scoped bearer tokens, consent enforced by services.

Search supports what other systems need most: ``patient``, ``code`` (``system|code`` or a bare
code), ``date`` with ge/gt/le/lt/eq prefixes and ``_count``. Errors are OperationOutcomes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import User
from kyoso.health import fhir_mirror, selectors, services
from kyoso.health.models import (
    Appointment,
    AppointmentStatus,
    ClinicSchedule,
    FhirAccessToken,
    ShareGrant,
)
from kyoso.health.records import bundles, smart_scopes
from kyoso.health.records.fhir_resources import _parse_instant
from kyoso.health.services.oauth import fhir_token_authenticate

FHIR_JSON = "application/fhir+json"
RECORD_TYPES = (
    "Observation",
    "Condition",
    "AllergyIntolerance",
    "MedicationRequest",
    "Immunization",
)
ALL_TYPES = (*RECORD_TYPES, "Patient", "Consent", "AuditEvent", "Schedule", "Slot", "Appointment")


def _fhir(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return JsonResponse(
        data, status=status, content_type=FHIR_JSON, json_dumps_params={"ensure_ascii": False}
    )


def outcome(status: int, code: str, message: str, field: str = "") -> HttpResponse:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": message}
    if field:
        issue["expression"] = [field]
    return _fhir({"resourceType": "OperationOutcome", "issue": [issue]}, status)


class FhirRequest(HttpRequest):
    fhir_token: FhirAccessToken
    fhir_scopes: list[smart_scopes.ResourceScope]


def fhir_view(
    resource_type: str, action: str
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Authenticate the bearer token, check the SMART scope, map domain errors to outcomes."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            header = request.headers.get("Authorization", "")
            token = (
                fhir_token_authenticate(header[7:].strip())
                if header.lower().startswith("bearer ")
                else None
            )
            if token is None:
                response = outcome(401, "login", "A valid OAuth2 bearer token is required.")
                response["WWW-Authenticate"] = 'Bearer realm="kyoso-fhir"'
                return response
            scopes, _others = smart_scopes.parse(token.scopes)
            if not smart_scopes.allows(scopes, resource_type=resource_type, action=action):
                return outcome(
                    403, "forbidden", f"The token's scopes do not allow {resource_type}.{action}."
                )
            request.user = token.user
            fr: FhirRequest = request  # type: ignore[assignment]
            fr.fhir_token = token
            fr.fhir_scopes = scopes
            try:
                return view(fr, *args, **kwargs)
            except NotFoundError as exc:
                return outcome(404, "not-found", exc.message, exc.field or "")
            except PermissionDeniedError as exc:
                return outcome(403, "forbidden", exc.message, exc.field or "")
            except DomainError as exc:
                return outcome(
                    exc.status if exc.status < 500 else 400, "invalid", exc.message, exc.field or ""
                )

        return wrapped

    return decorate


def _patient_only(request: FhirRequest, resource_type: str, action: str) -> bool:
    """True when the token grants this only in the patient context (the signed-in person)."""
    return not smart_scopes.allows(
        request.fhir_scopes, resource_type=resource_type, action=action, context="user"
    )


def _patient_param(request: FhirRequest, resource_type: str) -> User:
    raw = request.GET.get("patient") or request.GET.get("subject") or ""
    raw = raw.removeprefix("Patient/")
    if _patient_only(request, resource_type, "s"):
        if raw and raw != str(request.fhir_token.user_id):
            raise PermissionDeniedError(
                "patient/ scopes cover only the signed-in person.", field="patient"
            )
        return request.fhir_token.user
    if not raw.isdigit():
        raise DomainError("Search needs patient=<id>.", field="patient")
    return services.patient_get(city=request.fhir_token.city, patient_id=int(raw))


def _date_range(values: list[str]) -> tuple[datetime | None, datetime | None]:
    since = until = None
    for raw in values:
        prefix, value = (
            (raw[:2], raw[2:]) if raw[:2] in ("ge", "gt", "le", "lt", "eq") else ("eq", raw)
        )
        moment = _parse_instant(value)
        if moment is None:
            raise DomainError(f"date {raw!r} is not a FHIR date", field="date")
        span = timedelta(days=1) if len(value) == 10 else timedelta(seconds=1)
        if prefix in ("ge", "gt", "eq"):
            since = moment + (span if prefix == "gt" else timedelta())
        if prefix in ("le", "lt", "eq"):
            until = moment + (span if prefix in ("le", "eq") else timedelta())
    return since, until


def _count(request: HttpRequest) -> int:
    raw = request.GET.get("_count", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise DomainError("_count must be 1 to 1000", field="_count")
    return int(raw)


def _searchset(request: HttpRequest, resources: list[dict[str, Any]]) -> HttpResponse:
    base = request.build_absolute_uri(reverse("health_fhir:metadata")).removesuffix("metadata")
    return _fhir(bundles.make_bundle(resources, kind="searchset", base_url=base))


@require_http_methods(["GET"])
def metadata(request: HttpRequest) -> HttpResponse:
    """Return the CapabilityStatement, with the SMART OAuth endpoints."""
    authorize = request.build_absolute_uri(reverse("health_fhir:authorize"))
    token = request.build_absolute_uri(reverse("health_fhir:token"))
    resources = []
    for kind in ALL_TYPES:
        interactions = [{"code": "read"}, {"code": "search-type"}]
        if kind in ("Observation", "Appointment"):
            interactions.append({"code": "create"})
        params = [{"name": "patient", "type": "reference"}]
        if kind in RECORD_TYPES:
            params += [{"name": "code", "type": "token"}, {"name": "date", "type": "date"}]
        resources.append({"type": kind, "interaction": interactions, "searchParam": params})
    return _fhir({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-01",
        "kind": "instance",
        "software": {"name": "Kyoso health"},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "cors": False,
                "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"}]}],
                "extension": [{
                    "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                    "extension": [{"url": "authorize", "valueUri": authorize}, {"url": "token", "valueUri": token}],
                }],
            },
            "resource": resources,
        }],
    })  # fmt: skip


@require_http_methods(["GET"])
def smart_configuration(request: HttpRequest) -> HttpResponse:
    return JsonResponse({
        "authorization_endpoint": request.build_absolute_uri(reverse("health_fhir:authorize")),
        "token_endpoint": request.build_absolute_uri(reverse("health_fhir:token")),
        "grant_types_supported": ["authorization_code"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "fhirUser", "launch/patient", "patient/*.rs", "user/*.rs",
                             "patient/Observation.crs", "user/Observation.crs"],
        "capabilities": ["launch-standalone", "client-public", "client-confidential-symmetric",
                         "context-standalone-patient", "permission-patient", "permission-user", "permission-v1", "permission-v2"],
    })  # fmt: skip


def record_search(resource_type: str) -> Callable[..., HttpResponse]:
    @fhir_view(resource_type, "s")
    def view(request: FhirRequest) -> HttpResponse:
        if request.method == "POST":
            return _record_create(request, resource_type)
        patient = _patient_param(request, resource_type)
        since, until = _date_range(request.GET.getlist("date"))
        rows = services.record_read(
            city=request.fhir_token.city, actor=request.fhir_token.user, patient=patient,
            resource_types=[resource_type], code=request.GET.get("code", ""), since=since, until=until,
            channel="fhir", limit=_count(request),
        )  # fmt: skip
        return _searchset(request, [r for _e, r in rows])

    return require_http_methods(["GET", "POST"])(view)


def _record_create(request: FhirRequest, resource_type: str) -> HttpResponse:
    if not smart_scopes.allows(request.fhir_scopes, resource_type=resource_type, action="c"):
        return outcome(403, "forbidden", f"The token's scopes do not allow {resource_type}.c.")
    try:
        resource = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return outcome(400, "invalid", "The body is not JSON.")
    if not isinstance(resource, dict) or resource.get("resourceType") != resource_type:
        return outcome(400, "invalid", f"The body must be a {resource_type}.", "resourceType")
    ref = str((resource.get("subject") or {}).get("reference", "")).removeprefix("Patient/")
    if _patient_only(request, resource_type, "c"):
        patient = request.fhir_token.user
        if ref and ref != str(patient.pk):
            return outcome(
                403,
                "forbidden",
                "patient/ scopes write only the signed-in person's record.",
                "subject",
            )
    elif ref.isdigit():
        patient = services.patient_get(city=request.fhir_token.city, patient_id=int(ref))
    else:
        return outcome(400, "required", "subject must be Patient/<id>.", "subject")
    resource.pop("id", None)
    entry = services.entry_create(
        city=request.fhir_token.city,
        actor=request.fhir_token.user,
        patient=patient,
        resource=resource,
    )
    resource["id"] = str(entry.fhir_id)
    response = _fhir(resource, 201)
    response["Location"] = request.build_absolute_uri(f"{resource_type}/{entry.fhir_id}")
    return response


def record_read(resource_type: str) -> Callable[..., HttpResponse]:
    @fhir_view(resource_type, "r")
    def view(request: FhirRequest, fhir_id: str) -> HttpResponse:
        entry, resource = services.entry_read(
            city=request.fhir_token.city,
            actor=request.fhir_token.user,
            fhir_id=fhir_id,
            resource_type=resource_type,
        )
        if (
            _patient_only(request, resource_type, "r")
            and entry.patient_id != request.fhir_token.user_id
        ):
            raise NotFoundError("No such resource.", field="id")
        return _fhir(resource)

    return require_http_methods(["GET"])(view)


def _visible_patient(request: FhirRequest, patient: User) -> User:
    if _patient_only(request, "Patient", "r") and patient.pk != request.fhir_token.user_id:
        raise NotFoundError("No such patient.", field="id")
    viewer = services.viewer_for(
        city=request.fhir_token.city, user=request.fhir_token.user, patient=patient
    )
    if viewer.relation == "none":
        raise NotFoundError("No such patient.", field="id")
    return patient


@require_http_methods(["GET"])
@fhir_view("Patient", "r")
def patient_read(request: FhirRequest, patient_id: int) -> HttpResponse:
    patient = services.patient_get(city=request.fhir_token.city, patient_id=patient_id)
    return _fhir(fhir_mirror.patient(_visible_patient(request, patient)))


@require_http_methods(["GET"])
@fhir_view("Patient", "s")
def patient_search(request: FhirRequest) -> HttpResponse:
    city, user = request.fhir_token.city, request.fhir_token.user
    raw = request.GET.get("_id", "")
    if raw:
        if not raw.isdigit():
            raise DomainError("_id must be a patient id.", field="_id")
        try:
            people = [
                _visible_patient(request, services.patient_get(city=city, patient_id=int(raw)))
            ]
        except NotFoundError:
            people = []
    elif _patient_only(request, "Patient", "s"):
        people = [user]
    else:
        people = [user] + [p for p, _g in selectors.patients_shared_with(city=city, user=user)]
    return _searchset(request, [fhir_mirror.patient(p) for p in people])


def _owner_patient(request: FhirRequest, resource_type: str) -> User:
    patient = _patient_param(request, resource_type)
    viewer = services.viewer_for(
        city=request.fhir_token.city, user=request.fhir_token.user, patient=patient
    )
    if not viewer.is_owner:
        raise PermissionDeniedError(
            f"Only the person (or their proxy) can read their {resource_type}s.", field="patient"
        )
    return patient


@require_http_methods(["GET"])
@fhir_view("Consent", "s")
def consent_search(request: FhirRequest) -> HttpResponse:
    patient = _owner_patient(request, "Consent")
    grants = selectors.grants_of(city=request.fhir_token.city, patient=patient)
    return _searchset(request, [fhir_mirror.consent(g) for g in grants])


@require_http_methods(["GET"])
@fhir_view("Consent", "r")
def consent_read(request: FhirRequest, fhir_id: str) -> HttpResponse:
    grant = (
        ShareGrant.objects.filter(city=request.fhir_token.city, fhir_id=fhir_id)
        .select_related("provider", "recipient_user")
        .first()
    )
    if grant is None:
        raise NotFoundError("No such consent.", field="id")
    viewer = services.viewer_for(
        city=request.fhir_token.city, user=request.fhir_token.user, patient=grant.patient
    )
    if not viewer.is_owner:
        raise NotFoundError("No such consent.", field="id")
    return _fhir(fhir_mirror.consent(grant))


@require_http_methods(["GET"])
@fhir_view("AuditEvent", "s")
def audit_event_search(request: FhirRequest) -> HttpResponse:
    patient = _owner_patient(request, "AuditEvent")
    rows = selectors.accesses_of(
        city=request.fhir_token.city, patient=patient, limit=_count(request)
    )
    return _searchset(request, [fhir_mirror.audit_event(a) for a in rows])


@require_http_methods(["GET"])
@fhir_view("Schedule", "s")
def schedule_search(request: FhirRequest) -> HttpResponse:
    return _searchset(
        request, [fhir_mirror.schedule(s) for s in selectors.schedules_of(request.fhir_token.city)]
    )


@require_http_methods(["GET"])
@fhir_view("Slot", "s")
def slot_search(request: FhirRequest) -> HttpResponse:
    schedule_id = request.GET.get("schedule", "").removeprefix("Schedule/")
    schedule = (
        ClinicSchedule.objects.filter(  # type: ignore[misc]
            city=request.fhir_token.city, fhir_id=schedule_id if _is_uuid(schedule_id) else None
        )
        .select_related("provider")
        .first()
    )
    if schedule is None:
        raise DomainError("Search needs schedule=<id> of a schedule.", field="schedule")
    since, _until = _date_range(request.GET.getlist("start"))
    first = (since or timezone.now()).astimezone(timezone.get_current_timezone()).date()
    slots = selectors.free_slots(schedule, first=first, days=7)
    wanted = request.GET.get("status", "")
    return _searchset(request, [
        fhir_mirror.slot(schedule, start, end, busy=busy) for start, end, busy in slots
        if not wanted or wanted == ("busy" if busy else "free")
    ][: _count(request)])  # fmt: skip


def _is_uuid(raw: str) -> bool:
    import uuid

    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


@csrf_exempt
@require_http_methods(["GET", "POST"])
@fhir_view("Appointment", "s")
def appointment_search(request: FhirRequest) -> HttpResponse:
    city, user = request.fhir_token.city, request.fhir_token.user
    if request.method == "POST":
        if not smart_scopes.allows(request.fhir_scopes, resource_type="Appointment", action="c"):
            return outcome(403, "forbidden", "The token's scopes do not allow Appointment.c.")
        try:
            body = json.loads(request.body)
            slot_ref = str(body["slot"][0]["reference"]).removeprefix("Slot/")
            schedule_id, epoch = slot_ref.rsplit("-", 1)
            start = datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError):
            return outcome(400, "invalid", "Book with slot: [{reference: Slot/<id>}].", "slot")
        schedule = ClinicSchedule.objects.filter(  # type: ignore[misc]
            city=city, fhir_id=schedule_id if _is_uuid(schedule_id) else None
        ).first()
        if schedule is None:
            return outcome(404, "not-found", "No such slot.", "slot")
        appointment = services.appointment_book(
            city=city, actor=user, patient=user, schedule=schedule, start=start
        )
        return _fhir(fhir_mirror.appointment(appointment), 201)
    patient = _owner_patient(request, "Appointment")
    rows = (
        Appointment.objects.filter(city=city, patient=patient)
        .select_related("schedule__provider")
        .order_by("start")
    )
    if request.GET.get("status") == "booked":
        rows = rows.filter(status=AppointmentStatus.BOOKED)
    return _searchset(request, [fhir_mirror.appointment(a) for a in rows[: _count(request)]])


def ice_servers() -> list[dict[str, Any]]:
    try:
        servers = json.loads(settings.KYOSO_ICE_SERVERS or "[]")
    except ValueError:
        return []
    return servers if isinstance(servers, list) else []
