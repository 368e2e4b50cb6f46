"""Kyoso's rows seen as FHIR R4: Patient, Organization, Consent, AuditEvent (IHE BALP pattern),
Schedule, Slot and Appointment. Built on demand, so the FHIR view never drifts from the rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kyoso.core.models import User
from kyoso.health.models import (
    Appointment,
    CareProvider,
    ClinicSchedule,
    HealthAccess,
    ShareGrant,
)
from kyoso.health.records.fhir_resources import DATA_ITEMS

KYOSO_ITEMS = "https://kyoso.example.jp/fhir/CodeSystem/health-data-item"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
PURPOSE_CODES = {
    "treatment": "TREAT",
    "care": "PATADMIN",
    "family": "FAMRQT",
    "emergency": "ETREAT",
}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def patient(user: User) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(user.pk),
        "active": user.is_active,
        "name": [{"text": str(user)}],
    }
    if user.birth_year:
        resource["birthDate"] = str(user.birth_year)
    return resource


def organization(provider: CareProvider) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": str(provider.fhir_id),
        "name": provider.name_ja,
        "alias": [provider.name_en] if provider.name_en else [],
        "type": [{"text": provider.get_kind_display()}],
    }


def consent(grant: ShareGrant) -> dict[str, Any]:
    """Return the grant as a FHIR R4 Consent (scope patient-privacy, one provision per item)."""
    actor_ref = (
        {"reference": f"Organization/{grant.provider.fhir_id}", "display": grant.provider.name_ja}
        if grant.provider
        else {
            "reference": f"RelatedPerson/{grant.recipient_user_id}",
            "display": grant.recipient_name,
        }
    )
    live = grant.revoked_at is None and grant.ends_at > datetime.now(UTC)
    return {
        "resourceType": "Consent",
        "id": str(grant.fhir_id),
        "status": "active" if live else "inactive",
        "scope": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": f"Patient/{grant.patient_id}"},
        "dateTime": _iso(grant.created_at),
        "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
        "provision": {
            "type": "permit",
            "period": {"start": _iso(grant.starts_at), "end": _iso(grant.revoked_at or grant.ends_at)},
            "actor": [
                {
                    "role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}]},
                    "reference": actor_ref,
                }
            ],
            "action": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentaction", "code": "access"}]}],
            "purpose": [{"system": ACT_REASON, "code": PURPOSE_CODES.get(grant.purpose, "TREAT")}],
            "class": [
                {"system": KYOSO_ITEMS, "code": item, "display": DATA_ITEMS.get(item, item)}
                for item in grant.items
            ],
        },
    }  # fmt: skip


def audit_event(access: HealthAccess) -> dict[str, Any]:
    """Return one access as a FHIR AuditEvent in the IHE BALP "Read"/"Create" pattern."""
    action = {"read": "R", "create": "C", "update": "U", "export": "R"}.get(access.action, "E")
    rest = {"read": "read", "create": "create", "update": "update"}.get(access.action, "search")
    who: dict[str, Any] = {
        "reference": f"Practitioner/{access.actor_id}",
        "display": str(access.actor),
    }
    agents: list[dict[str, Any]] = [{"who": who, "requestor": True}]
    if access.provider_id:
        agents.append(
            {
                "who": {
                    "reference": f"Organization/{access.provider.fhir_id}",  # type: ignore[union-attr]
                    "display": access.provider.name_ja,  # type: ignore[union-attr]
                },
                "requestor": False,
            }
        )
    return {
        "resourceType": "AuditEvent",
        "id": str(access.fhir_id),
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest"},
        "subtype": [{"system": "http://hl7.org/fhir/restful-interaction", "code": rest}],
        "action": action,
        "recorded": _iso(access.at),
        "outcome": "0",
        "agent": agents,
        "source": {"observer": {"display": "Kyoso"}},
        "entity": [
            {"what": {"reference": f"Patient/{access.patient_id}"},
             "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1"},
             "role": {"system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1"}},
            {"what": {"display": DATA_ITEMS.get(access.item, access.item)},
             "description": f"{access.item}: {access.entries} entries via {access.channel}"},
        ],
    }  # fmt: skip


def schedule(s: ClinicSchedule) -> dict[str, Any]:
    return {
        "resourceType": "Schedule",
        "id": str(s.fhir_id),
        "active": s.is_active,
        "serviceType": [{"text": s.get_mode_display()}],
        "specialty": [{"text": s.department}],
        "actor": [
            {"reference": f"Organization/{s.provider.fhir_id}", "display": s.provider.name_ja},
            *([{"display": s.practitioner}] if s.practitioner else []),
        ],
        "comment": f"{s.department} {s.practitioner}".strip(),
    }


def slot_id(s: ClinicSchedule, start: datetime) -> str:
    return f"{s.fhir_id}-{int(start.timestamp())}"


def slot(s: ClinicSchedule, start: datetime, end: datetime, *, busy: bool) -> dict[str, Any]:
    return {
        "resourceType": "Slot",
        "id": slot_id(s, start),
        "schedule": {"reference": f"Schedule/{s.fhir_id}"},
        "status": "busy" if busy else "free",
        "start": _iso(start),
        "end": _iso(end),
    }


def appointment(a: Appointment) -> dict[str, Any]:
    status = {"booked": "booked", "cancelled": "cancelled", "fulfilled": "fulfilled"}[a.status]
    return {
        "resourceType": "Appointment",
        "id": str(a.fhir_id),
        "status": status,
        "serviceType": [{"text": a.schedule.get_mode_display()}],
        "specialty": [{"text": a.schedule.department}],
        "start": _iso(a.start),
        "end": _iso(a.end),
        "slot": [{"reference": f"Slot/{slot_id(a.schedule, a.start)}"}],
        "participant": [
            {"actor": {"reference": f"Patient/{a.patient_id}"}, "status": "accepted"},
            {"actor": {"reference": f"Organization/{a.schedule.provider.fhir_id}",
                       "display": a.schedule.provider.name_ja}, "status": "accepted"},
        ],
    }  # fmt: skip
