"""FHIR R4 resources: validation with fhir.resources' R4B models and the data item of each.

R4B is used on purpose: the package's default models are R5 and reject R4 shapes such as
``MedicationRequest.medicationCodeableConcept``. Validation never rewrites the resource: the
stored JSON is the one the citizen's system sent, so Japanese codes and text survive unchanged.
"""

from __future__ import annotations

import importlib
import re
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import ValidationError

# The data items a citizen shares one by one: the six JP-CLINS items, then Kyoso's own.
DATA_ITEMS: dict[str, str] = {
    "condition": "傷病名",
    "infection": "感染症",
    "drug_allergy": "薬剤アレルギー等",
    "other_allergy": "その他アレルギー等",
    "lab": "検査",
    "prescription": "処方",
    "vitals": "バイタル",
    "checkup": "健診",
    "immunization": "予防接種",
    "care_note": "介護・ケア記録",
}

# Resource types Kyoso keeps in a person's record.
RECORD_TYPES = frozenset(
    {
        "Observation",
        "Condition",
        "AllergyIntolerance",
        "MedicationRequest",
        "MedicationStatement",
        "Immunization",
        "Communication",
        "DiagnosticReport",
        "Encounter",
        "Composition",
        "DocumentReference",
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Organization",
    }
)

MODULES = {
    "AllergyIntolerance": "allergyintolerance",
    "MedicationRequest": "medicationrequest",
    "MedicationStatement": "medicationstatement",
    "DiagnosticReport": "diagnosticreport",
    "DocumentReference": "documentreference",
    "PractitionerRole": "practitionerrole",
    "CapabilityStatement": "capabilitystatement",
}

# Infectious-disease chapter of ICD-10 (A00–B99): a 傷病名 there is a 感染症 (JP-CLINS).
INFECTION_ICD10 = re.compile(r"^[AB]\d")
DRUG_ALLERGY_SYSTEMS = ("jfagy", "yj-code", "hot", "medication")
VITAL_LOINC = {
    "85354-9",  # blood pressure panel
    "8480-6",  # systolic
    "8462-4",  # diastolic
    "29463-7",  # body weight
    "8867-4",  # heart rate
    "55423-8",  # steps
    "8302-2",  # body height
    "39156-5",  # BMI
    "8310-5",  # body temperature
    "2339-0",  # glucose (self-measured)
}


class FhirValidationError(ValueError):
    """A resource that is not valid FHIR R4; ``field`` names the element."""

    def __init__(self, message: str, *, field: str = "resource") -> None:
        super().__init__(message)
        self.field = field


def model_class(resource_type: str) -> Any:
    """Return the fhir.resources R4B model class of a resource type."""
    if not re.fullmatch(r"[A-Z][A-Za-z]{1,40}", resource_type or ""):
        raise FhirValidationError(f"unknown resourceType {resource_type!r}", field="resourceType")
    module_name = MODULES.get(resource_type, resource_type.lower())
    try:
        module = importlib.import_module(f"fhir.resources.R4B.{module_name}")
        return getattr(module, resource_type)
    except (ImportError, AttributeError) as exc:
        raise FhirValidationError(
            f"unknown resourceType {resource_type!r}", field="resourceType"
        ) from exc


def validate(resource: Any) -> dict[str, Any]:
    """Return the resource unchanged after checking it against the FHIR R4 (R4B) model."""
    if not isinstance(resource, dict):
        raise FhirValidationError("a FHIR resource must be a JSON object")
    cls = model_class(str(resource.get("resourceType", "")))
    try:
        cls.model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
        raise FhirValidationError(
            f"{resource['resourceType']}.{where}: {first.get('msg', 'invalid')}",
            field=f"{resource['resourceType']}.{where}".rstrip("."),
        ) from exc
    return resource


def _codings(concept: Any) -> list[dict[str, Any]]:
    if isinstance(concept, list):
        return [c for item in concept for c in _codings(item)]
    if isinstance(concept, dict):
        return [c for c in concept.get("coding", []) if isinstance(c, dict)]
    return []


def _codes(concept: Any) -> set[str]:
    return {str(c.get("code", "")) for c in _codings(concept)}


def _systems(concept: Any) -> str:
    return " ".join(str(c.get("system", "")).lower() for c in _codings(concept))


def data_item(resource: dict[str, Any]) -> str | None:
    """Return the shareable data item of a resource, or None for context (Patient, Organization)."""
    kind = resource.get("resourceType")
    if kind == "Condition":
        codes = _codes(resource.get("code"))
        cats = _codes(resource.get("category"))
        if any(INFECTION_ICD10.match(c) for c in codes) or "infection" in cats:
            return "infection"
        return "condition"
    if kind == "AllergyIntolerance":
        categories = resource.get("category") or []
        systems = _systems(resource.get("code"))
        if "medication" in categories or any(s in systems for s in ("yj-code", "hot")):
            return "drug_allergy"
        return "other_allergy"
    if kind in ("MedicationRequest", "MedicationStatement"):
        return "prescription"
    if kind == "Immunization":
        return "immunization"
    if kind == "Communication":
        return "care_note"
    if kind in ("Observation", "DiagnosticReport"):
        cats = _codes(resource.get("category"))
        if "vital-signs" in cats or _codes(resource.get("code")) & VITAL_LOINC:
            return "vitals"
        if "exam" in cats or "checkup" in cats:
            return "checkup"
        return "lab"
    if kind in ("Encounter", "Composition", "DocumentReference"):
        return "condition"
    return None


def code_tokens(resource: dict[str, Any]) -> list[str]:
    """Return ``system|code`` tokens of the resource's main code, for search by code."""
    concept = (
        resource.get("code")
        or resource.get("vaccineCode")
        or resource.get("medicationCodeableConcept")
    )
    return [f"{c.get('system', '')}|{c.get('code', '')}" for c in _codings(concept)][:8]


def display_text(resource: dict[str, Any]) -> str:
    """Return a short human label (the code's text or first display)."""
    concept = (
        resource.get("code")
        or resource.get("vaccineCode")
        or resource.get("medicationCodeableConcept")
        or {}
    )
    if isinstance(concept, dict) and concept.get("text"):
        return str(concept["text"])[:200]
    for coding in _codings(concept):
        if coding.get("display"):
            return str(coding["display"])[:200]
    if resource.get("resourceType") == "Communication":
        for part in resource.get("payload", []):
            if part.get("contentString"):
                return str(part["contentString"])[:200]
    return str(resource.get("resourceType", ""))


def _parse_instant(value: str) -> datetime | None:
    try:
        if len(value) == 4:
            return datetime(int(value), 1, 1, tzinfo=UTC)
        if len(value) == 7:
            return datetime(int(value[:4]), int(value[5:7]), 1, tzinfo=UTC)
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        return None


def effective_at(resource: dict[str, Any]) -> datetime | None:
    """Return when the resource's fact happened (effective, onset, authored, recorded), UTC."""
    for key in (
        "effectiveDateTime",
        "effectiveInstant",
        "issued",
        "onsetDateTime",
        "recordedDate",
        "authoredOn",
        "occurrenceDateTime",
        "sent",
        "date",
    ):
        value = resource.get(key)
        if isinstance(value, str) and (parsed := _parse_instant(value)):
            return parsed
    period = resource.get("effectivePeriod") or resource.get("period") or {}
    if isinstance(period, dict) and isinstance(period.get("start"), str):
        return _parse_instant(period["start"])
    return None


def quantity(resource: dict[str, Any]) -> tuple[float, str] | None:
    """Return (value, unit) of an Observation's valueQuantity, if it has one."""
    value = resource.get("valueQuantity")
    if isinstance(value, dict) and isinstance(value.get("value"), int | float):
        return float(value["value"]), str(value.get("unit") or value.get("code") or "")
    return None
