"""FHIR Observations for what a citizen measures at home, and the target range of each.

Codes are LOINC (vital-signs profile); HbA1c also carries its JLAC10 code so that a Japanese
system reading the record finds the code it expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

LOINC = "http://loinc.org"
JLAC10 = "urn:oid:1.2.392.200119.4.504"
UCUM = "http://unitsofmeasure.org"
VITAL_CATEGORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "vital-signs",
        }
    ]
}
LAB_CATEGORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "laboratory",
        }
    ]
}


@dataclass(frozen=True)
class Measure:
    key: str
    loinc: str
    display_ja: str
    unit: str
    ucum: str
    low: float
    high: float
    # the range a home measurement should stay in (a guide, not a diagnosis)
    target_low: float | None
    target_high: float | None
    lab: bool = False
    jlac10: str = ""


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("systolic", "8480-6", "収縮期血圧", "mmHg", "mm[Hg]", 50, 300, None, 135),
        Measure("diastolic", "8462-4", "拡張期血圧", "mmHg", "mm[Hg]", 20, 200, None, 85),
        Measure("pulse", "8867-4", "脈拍", "/min", "/min", 20, 250, 50, 100),
        Measure("weight", "29463-7", "体重", "kg", "kg", 2, 300, None, None),
        Measure("steps", "55423-8", "歩数", "steps", "{steps}", 0, 100000, 6000, None),
        Measure("glucose", "2339-0", "血糖値", "mg/dL", "mg/dL", 20, 800, 70, 130),
        Measure(
            "hba1c", "4548-4", "HbA1c", "%", "%", 3, 20, None, 7.0, lab=True,
            jlac10="3D046000001906202",
        ),
    )
}  # fmt: skip
BP_PANEL = "85354-9"


def _value_ok(measure: Measure, value: float) -> None:
    if not measure.low <= value <= measure.high:
        raise ValueError(f"{measure.key}: {value} is outside {measure.low:g}–{measure.high:g}")


def observation(
    key: str, value: float, *, at: datetime, patient_ref: str, note: str = ""
) -> dict[str, Any]:
    """Return a FHIR Observation of one measurement; ValueError names the measure when out of range."""
    measure = MEASURES[key]
    _value_ok(measure, value)
    codings = [{"system": LOINC, "code": measure.loinc, "display": measure.display_ja}]
    if measure.jlac10:
        codings.append({"system": JLAC10, "code": measure.jlac10, "display": measure.display_ja})
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [LAB_CATEGORY if measure.lab else VITAL_CATEGORY],
        "code": {"coding": codings, "text": measure.display_ja},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": at.isoformat(timespec="seconds"),
        "valueQuantity": {
            "value": int(value) if float(value).is_integer() else round(value, 2),
            "unit": measure.unit,
            "system": UCUM,
            "code": measure.ucum,
        },
    }
    if note:
        resource["note"] = [{"text": note[:500]}]
    return resource


def blood_pressure(
    systolic: int, diastolic: int, *, at: datetime, patient_ref: str, pulse: int | None = None
) -> list[dict[str, Any]]:
    """Return the FHIR blood-pressure panel (and a pulse Observation when given)."""
    _value_ok(MEASURES["systolic"], systolic)
    _value_ok(MEASURES["diastolic"], diastolic)
    if diastolic >= systolic:
        raise ValueError("diastolic: must be lower than the systolic pressure")
    panel: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [VITAL_CATEGORY],
        "code": {
            "coding": [{"system": LOINC, "code": BP_PANEL, "display": "血圧"}],
            "text": "血圧",
        },
        "subject": {"reference": patient_ref},
        "effectiveDateTime": at.isoformat(timespec="seconds"),
        "component": [
            {
                "code": {"coding": [{"system": LOINC, "code": code, "display": name}]},
                "valueQuantity": {
                    "value": value,
                    "unit": "mmHg",
                    "system": UCUM,
                    "code": "mm[Hg]",
                },
            }
            for code, name, value in (
                ("8480-6", "収縮期血圧", systolic),
                ("8462-4", "拡張期血圧", diastolic),
            )
        ],
    }
    out = [panel]
    if pulse is not None:
        out.append(observation("pulse", pulse, at=at, patient_ref=patient_ref))
    return out


def series_values(resource: dict[str, Any]) -> dict[str, float]:
    """Return {measure key: value} found in an Observation (components included), for charts."""
    by_loinc = {m.loinc: m.key for m in MEASURES.values()}
    found: dict[str, float] = {}
    parts = [resource, *resource.get("component", [])]
    for part in parts:
        quantity = part.get("valueQuantity") or {}
        if not isinstance(quantity.get("value"), int | float):
            continue
        for coding in (part.get("code") or {}).get("coding", []):
            key = by_loinc.get(str(coding.get("code")))
            if key and coding.get("system") in (LOINC, JLAC10):
                found[key] = float(quantity["value"])
    return found
