"""The Django-free health algorithms on plain data and the real Japanese FHIR examples."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from kyoso.health.records import bundles, fhir_resources, vital_signs
from kyoso.health.records.clinic_calendar import ClinicCalendar, holiday_name, parse_hours
from kyoso.health.records.consent_rules import Grant, permits, visible_items
from kyoso.health.records.device_csv import DeviceCsvError, read_blood_pressure_csv
from kyoso.health.records.payload_cipher import PayloadCipher


def _load(shared: Path, name: str) -> dict:
    return json.loads((shared / "health" / name).read_text(encoding="utf-8"))


def test_every_shared_example_validates_as_r4(shared_data):
    files = sorted((shared_data / "health").rglob("*.json"))
    assert len(files) >= 20
    for path in files:
        resource = json.loads(path.read_text(encoding="utf-8"))
        if resource["resourceType"] == "Bundle":
            bundles.read_bundle(resource)
        else:
            assert fhir_resources.validate(resource) is resource


def test_r4_medication_request_shape_is_accepted(shared_data):
    med = _load(
        shared_data, "jp-clinical-core/MedicationRequest-Example-JP-MedReq-PO-TID-2days.json"
    )
    assert "medicationCodeableConcept" in med
    fhir_resources.validate(med)
    assert fhir_resources.data_item(med) == "prescription"
    assert any("104195801" in t for t in fhir_resources.code_tokens(med))


def test_both_document_bundles_resolve_and_classify(shared_data):
    for name, count in (
        ("jp-clinical-core/Bundle-Bundle-CLINS-Referral-Example-01.json", 18),
        ("jp-eReferral/Bundle-bundleReferralExample01.json", 21),
    ):
        entries = bundles.read_bundle(_load(shared_data, name))
        assert len(entries) == count
        assert entries[0].resource["resourceType"] == "Composition"
        patient = bundles.patient_of(entries)
        assert patient is not None
    entries = bundles.read_bundle(
        _load(shared_data, "jp-clinical-core/Bundle-Bundle-CLINS-Referral-Example-01.json")
    )
    items = {fhir_resources.data_item(e.resource) for e in entries}
    assert {"condition", "other_allergy", "drug_allergy"} <= items
    angina = next(e.resource for e in entries if "ANGINA" in e.resource.get("id", ""))
    assert (
        "http://medis.or.jp/CodeSystem/master-disease-keyNumber|20058911"
        in fhir_resources.code_tokens(angina)
    )
    names = json.dumps(bundles.patient_of(entries).resource, ensure_ascii=False)  # type: ignore[union-attr]
    assert "牧野" in names


def test_a_dangling_reference_is_refused_naming_the_entry(shared_data):
    bundle = copy.deepcopy(_load(shared_data, "jp-eReferral/Bundle-bundleReferralExample01.json"))
    bundle["entry"].pop(1)  # the Patient every other entry refers to
    with pytest.raises(fhir_resources.FhirValidationError) as err:
        bundles.read_bundle(bundle)
    assert err.value.field.startswith("Bundle.entry[")


def test_a_document_must_start_with_a_composition(shared_data):
    bundle = copy.deepcopy(_load(shared_data, "jp-eReferral/Bundle-bundleReferralExample01.json"))
    bundle["entry"].append(bundle["entry"].pop(0))
    with pytest.raises(fhir_resources.FhirValidationError, match="Composition"):
        bundles.read_bundle(bundle)


def test_invalid_resource_names_the_element():
    with pytest.raises(fhir_resources.FhirValidationError) as err:
        fhir_resources.validate({"resourceType": "Observation", "status": "final"})
    assert "code" in err.value.field
    with pytest.raises(fhir_resources.FhirValidationError):
        fhir_resources.validate({"resourceType": "NoSuchThing"})


def test_infectious_disease_is_its_own_item():
    tb = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "A15.0"}]},
    }
    assert fhir_resources.data_item(tb) == "infection"


def test_bundle_roundtrip_keeps_japanese_text(shared_data):
    obs = _load(shared_data, "jp-clinical-core/Observation-Example-JP-Obs-LabResult-eCS-Alb.json")
    out = bundles.make_bundle([obs], kind="collection")
    again = bundles.read_bundle(json.loads(json.dumps(out, ensure_ascii=False)))
    assert again[0].resource == obs
    assert again[0].resource["valueQuantity"]["unit"] == "mg/L"  # as published


def test_vitals_build_valid_observations_and_read_back():
    at = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    panel, _pulse = vital_signs.blood_pressure(142, 88, at=at, patient_ref="Patient/1", pulse=70)
    fhir_resources.validate(panel)
    assert fhir_resources.data_item(panel) == "vitals"
    assert vital_signs.series_values(panel) == {"systolic": 142, "diastolic": 88}
    a1c = vital_signs.observation("hba1c", 6.8, at=at, patient_ref="Patient/1")
    fhir_resources.validate(a1c)
    assert fhir_resources.data_item(a1c) == "lab"
    with pytest.raises(ValueError, match="systolic"):
        vital_signs.blood_pressure(400, 80, at=at, patient_ref="Patient/1")
    with pytest.raises(ValueError, match="diastolic"):
        vital_signs.blood_pressure(100, 120, at=at, patient_ref="Patient/1")


def test_consent_rules_need_item_recipient_purpose_and_period():
    start = datetime(2026, 12, 1, tzinfo=UTC)
    end = datetime(2026, 12, 31, tzinfo=UTC)
    g = Grant("org:1", frozenset({"lab"}), "treatment", start, end)
    at = datetime(2026, 12, 10, tzinfo=UTC)
    assert permits([g], recipients=["org:1"], item="lab", at=at)
    assert not permits([g], recipients=["org:2"], item="lab", at=at)
    assert not permits([g], recipients=["org:1"], item="condition", at=at)
    assert not permits([g], recipients=["org:1"], item="lab", at=end)
    assert not permits([g], recipients=["org:1"], item="lab", at=at, purpose="research")
    revoked = Grant("org:1", frozenset({"lab"}), "treatment", start, end, revoked_at=at)
    assert not permits([revoked], recipients=["org:1"], item="lab", at=at)
    assert visible_items([g], recipients=["org:1"], at=at) == {"lab"}


def test_calendar_closes_on_holidays_and_kyushinbi():
    hours = parse_hours(
        {d: ["09:00-12:00", "14:00-17:00"] for d in ("mon", "tue", "thu", "fri")}
        | {"sat": ["09:00-12:00"]}
    )
    cal = ClinicCalendar(hours=hours, slot_minutes=30, closed_dates=frozenset({date(2026, 12, 29)}))
    assert holiday_name(date(2026, 11, 3)) == "文化の日"
    assert cal.closed_reason(date(2026, 11, 3)) == "文化の日"  # a Tuesday
    assert cal.closed_reason(date(2026, 12, 2)) == "休診日"  # Wednesday
    assert cal.closed_reason(date(2026, 12, 29)) == "休診日"
    assert cal.closed_reason(date(2026, 12, 6)) == "休診日"  # Sunday
    slots = cal.slots_on(date(2026, 12, 1))
    assert (
        len(slots) == 12 and slots[0][0].time() == time(9, 0) and slots[-1][1].time() == time(17, 0)
    )
    assert len(cal.slots_on(date(2026, 12, 5))) == 6
    # 振替休日: 2026-05-06 (Wed) replaces 憲法記念日 on a Sunday
    assert holiday_name(date(2026, 5, 6)) is not None
    open_cal = ClinicCalendar(hours=hours, open_on_holidays=True)
    assert open_cal.closed_reason(date(2026, 11, 3)) is None
    with pytest.raises(ValueError, match=r"hours\.mon"):
        parse_hours({"mon": ["09:00-12:00", "11:00-13:00"]})
    with pytest.raises(ValueError, match=r"hours\.tue"):
        parse_hours({"tue": ["nine to five"]})


def test_device_csv_japanese_and_shift_jis():
    text = "測定日,測定時刻,最高血圧(mmHg),最低血圧(mmHg),脈拍(拍/分)\n2026/11/30,07:12,138,86,68\n2026/12/01,6:55,１４２,90,\n"
    for encoding in ("utf-8", "cp932"):
        readings = read_blood_pressure_csv(text.encode(encoding))
        assert [(r.systolic, r.diastolic, r.pulse) for r in readings] == [
            (138, 86, 68),
            (142, 90, None),
        ]
    with pytest.raises(DeviceCsvError) as err:
        read_blood_pressure_csv(b"Date,Time,SYS,DIA\n2026-12-01,07:00,abc,80\n")
    assert err.value.line == 2 and err.value.column == "systolic"
    with pytest.raises(DeviceCsvError, match="no systolic"):
        read_blood_pressure_csv(b"Date,Time\n2026-12-01,07:00\n")


def test_cipher_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = PayloadCipher([old]).encrypt({"text": "狭心症"})
    both = PayloadCipher([new, old])
    rotated = both.rotate(token)
    assert PayloadCipher([new]).decrypt(rotated) == {"text": "狭心症"}
    with pytest.raises(ValueError):
        PayloadCipher([new]).decrypt(token)
    assert "狭心症" not in token
