"""One FHIR resource per data item, each carrying a marker text a test can look for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kyoso.health.records import vital_signs

AT = "2026-11-20T09:00:00+09:00"


def resource_for(item: str, patient_id: int) -> dict[str, Any]:
    ref = {"reference": f"Patient/{patient_id}"}
    mark = f"MARK-{item}"
    if item in ("condition", "infection"):
        code = (
            ("http://medis.or.jp/CodeSystem/master-disease-keyNumber", "20058911")
            if item == "condition"
            else ("http://hl7.org/fhir/sid/icd-10", "A15.0")
        )
        return {
            "resourceType": "Condition",
            "subject": ref,
            "recordedDate": AT,
            "code": {"coding": [{"system": code[0], "code": code[1]}], "text": mark},
        }
    if item in ("drug_allergy", "other_allergy"):
        return {
            "resourceType": "AllergyIntolerance",
            "patient": ref,
            "recordedDate": AT,
            "category": ["medication" if item == "drug_allergy" else "food"],
            "code": {"text": mark},
        }
    if item in ("lab", "checkup"):
        category = "laboratory" if item == "lab" else "exam"
        return {
            "resourceType": "Observation",
            "status": "final",
            "subject": ref,
            "effectiveDateTime": AT,
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": category,
                        }
                    ]
                }
            ],
            "code": {
                "coding": [{"system": "urn:oid:1.2.392.200119.4.504", "code": "3H015000002326101"}],
                "text": mark,
            },
            "valueQuantity": {"value": 3.5, "unit": "mEq/L"},
        }
    if item == "prescription":
        return {
            "resourceType": "MedicationRequest",
            "status": "active",
            "intent": "order",
            "subject": ref,
            "authoredOn": AT,
            "medicationCodeableConcept": {
                "coding": [{"system": "urn:oid:1.2.392.100495.20.2.74", "code": "104195801"}],
                "text": mark,
            },
        }
    if item == "vitals":
        panel = vital_signs.blood_pressure(
            131, 83, at=datetime(2026, 11, 20, tzinfo=UTC), patient_ref=ref["reference"]
        )[0]
        panel["code"]["text"] = mark
        return panel
    if item == "immunization":
        return {
            "resourceType": "Immunization",
            "status": "completed",
            "patient": ref,
            "occurrenceDateTime": AT,
            "vaccineCode": {"text": mark},
        }
    if item == "care_note":
        return {
            "resourceType": "Communication",
            "status": "completed",
            "subject": ref,
            "sent": AT,
            "payload": [{"contentString": mark}],
        }
    raise KeyError(item)
