"""The FHIR R4 API at /fhir/R4/ against a live server, driven by the fhirpy client library,
after a real OAuth2 authorisation-code flow with PKCE and SMART scopes."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client
from django.utils import timezone
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import BaseFHIRError

from kyoso.health import services
from kyoso.health.records import fhir_resources
from kyoso.health.services.oauth import fhir_client_register
from tests.health.factories import ClinicScheduleFactory

REDIRECT = "https://app.example.jp/callback"


def _authorize(live_server, city, staff, user, scope: str, public: bool = False) -> str:  # type: ignore[no-untyped-def]
    app, secret = fhir_client_register(
        city=city, actor=staff, name="PHR app", redirect_uris=[REDIRECT], confidential=not public
    )
    verifier = "v" * 64
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    browser = Client()
    browser.force_login(user)
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT, "scope": scope,
              "state": "xyz", "code_challenge": challenge, "code_challenge_method": "S256"}  # fmt: skip
    page = browser.get("/fhir/oauth/authorize", params)
    assert page.status_code == 200 and "PHR app" in page.content.decode()
    approved = browser.post("/fhir/oauth/authorize", {**params, "decision": "allow"})
    query = parse_qs(urlparse(approved["Location"]).query)
    assert query["state"] == ["xyz"]
    form = {"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT,
            "client_id": app.client_id, "code_verifier": verifier}  # fmt: skip
    if secret:
        form["client_secret"] = secret
    token = requests.post(f"{live_server.url}/fhir/oauth/token", data=form, timeout=30)
    assert token.status_code == 200, token.text
    again = requests.post(f"{live_server.url}/fhir/oauth/token", data=form, timeout=30)
    assert (
        again.status_code == 400 and again.json()["error"] == "invalid_grant"
    )  # codes are one-time
    return token.json()["access_token"]


@pytest.fixture
def fhir_setup(transactional_db, city, citizen, staff, hospital, doctor, shared_data):  # type: ignore[no-untyped-def]
    services.bundle_import(
        city=city,
        actor=citizen,
        patient=citizen,
        data=(
            shared_data / "health/jp-clinical-core/Bundle-Bundle-CLINS-Referral-Example-01.json"
        ).read_bytes(),
    )
    services.bundle_import(
        city=city,
        actor=citizen,
        patient=citizen,
        data=(
            shared_data / "health/jp-clinical-core/Bundle-Bundle-CLINS-Observations-Example-01.json"
        ).read_bytes(),
    )
    for day, (sys_, dia) in enumerate([(150, 95), (138, 86), (126, 80)]):
        services.vitals_record(city=city, actor=citizen, patient=citizen, at=timezone.now() - timedelta(days=10 - day * 4),
                               systolic=sys_, diastolic=dia)  # fmt: skip
    return city


def test_metadata_is_a_capability_statement_with_smart_uris(live_server, fhir_setup):
    body = requests.get(f"{live_server.url}/fhir/R4/metadata", timeout=30).json()
    fhir_resources.validate(body)
    assert body["fhirVersion"] == "4.0.1"
    uris = body["rest"][0]["security"]["extension"][0]["extension"]
    assert {u["url"] for u in uris} == {"authorize", "token"}


def test_patient_app_reads_searches_and_writes_with_fhirpy(live_server, fhir_setup, citizen, staff):
    city = fhir_setup
    token = _authorize(
        live_server,
        city,
        staff,
        citizen,
        "launch/patient patient/*.rs patient/Observation.c",
        public=True,
    )
    client = SyncFHIRClient(f"{live_server.url}/fhir/R4", authorization=f"Bearer {token}")
    everything = client.resources("Observation").search(patient=citizen.pk).fetch_all()
    assert len(everything) == 3 + 4 + 1  # three BP panels, four lab results, one 身体所見
    bp = (
        client.resources("Observation")
        .search(patient=citizen.pk, code="http://loinc.org|85354-9")
        .fetch_all()
    )
    assert len(bp) == 3
    since = (timezone.now() - timedelta(days=3)).date().isoformat()
    recent = (
        client.resources("Observation")
        .search(patient=citizen.pk, code="85354-9", date__ge=since)
        .fetch_all()
    )
    assert [r["component"][0]["valueQuantity"]["value"] for r in recent] == [126]
    conditions = client.resources("Condition").search(patient=citizen.pk).fetch_all()
    assert "狭心症" in json.dumps([c.serialize() for c in conditions], ensure_ascii=False)
    allergies = client.resources("AllergyIntolerance").search(patient=citizen.pk).fetch_all()
    assert len(allergies) == 3
    assert client.resources("MedicationRequest").search(patient=citizen.pk).fetch_all() == []
    one = client.reference("Observation", bp[0]["id"]).to_resource()
    assert one["id"] == bp[0]["id"]
    me = client.reference("Patient", str(citizen.pk)).to_resource()
    assert me["id"] == str(citizen.pk)
    # write a new weight
    new = client.resource("Observation", status="final", code={"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                          subject={"reference": f"Patient/{citizen.pk}"}, effectiveDateTime=datetime.now().astimezone().isoformat(),
                          valueQuantity={"value": 58.2, "unit": "kg"})  # fmt: skip
    new.save()
    assert new["id"]
    # patient/ scopes never reach another person's record
    with pytest.raises(BaseFHIRError):
        client.resources("Observation").search(patient=citizen.pk + 999).fetch_all()
    # a bad date names the parameter
    response = requests.get(
        f"{live_server.url}/fhir/R4/Observation",
        params={"date": "yesterday"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 400 and response.json()["issue"][0]["expression"] == ["date"]


def test_clinic_app_sees_only_consented_items_and_the_patient_sees_the_audit(
    live_server, fhir_setup, citizen, staff, doctor, hospital
):
    city = fhir_setup
    token = _authorize(live_server, city, staff, doctor, "user/*.rs")
    client = SyncFHIRClient(f"{live_server.url}/fhir/R4", authorization=f"Bearer {token}")
    with pytest.raises(BaseFHIRError):
        client.resources("Observation").search(patient=citizen.pk).fetch_all()
    services.share_grant(
        city=city,
        actor=citizen,
        patient=citizen,
        items=["lab"],
        purpose="treatment",
        days=30,
        provider=hospital,
    )
    labs = client.resources("Observation").search(patient=citizen.pk).fetch_all()
    assert len(labs) == 4 and all(fhir_resources.data_item(r.serialize()) == "lab" for r in labs)
    # Conditions were not shared: the search answers, with nothing in it (as HAPI's consent
    # interceptor filters a search rather than refusing it).
    assert client.resources("Condition").search(patient=citizen.pk).fetch_all() == []
    # the patient's own app sees Consent and AuditEvent resources mirroring the rows
    own = SyncFHIRClient(
        f"{live_server.url}/fhir/R4",
        authorization=f"Bearer {_authorize(live_server, city, staff, citizen, 'patient/*.rs')}",
    )
    consents = own.resources("Consent").search(patient=citizen.pk).fetch_all()
    assert len(consents) == 1 and consents[0]["provision"]["class"][0]["code"] == "lab"
    fhir_resources.validate(consents[0].serialize())
    events = own.resources("AuditEvent").search(patient=citizen.pk).fetch_all()
    assert events and events[0]["agent"][1]["who"]["display"] == "日立総合病院"
    for e in events:
        fhir_resources.validate(e.serialize())
    # the clinic may not read the patient's consents or audit trail
    with pytest.raises(BaseFHIRError):
        client.resources("AuditEvent").search(patient=citizen.pk).fetch_all()


def test_schedule_slot_and_booking_through_fhir(live_server, fhir_setup, citizen, staff, hospital):
    city = fhir_setup
    schedule = ClinicScheduleFactory(
        city=city,
        provider=hospital,
        hours={d: ["09:00-12:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    token = _authorize(
        live_server,
        city,
        staff,
        citizen,
        "patient/Schedule.rs patient/Slot.rs patient/Appointment.crs",
    )
    client = SyncFHIRClient(f"{live_server.url}/fhir/R4", authorization=f"Bearer {token}")
    schedules = client.resources("Schedule").search().fetch_all()
    assert [s["id"] for s in schedules] == [str(schedule.fhir_id)]
    slots = client.resources("Slot").search(schedule=str(schedule.fhir_id), status="free").fetch()
    assert slots
    booked = client.resource("Appointment", status="proposed", participant=[{"actor": {"reference": f"Patient/{citizen.pk}"}, "status": "needs-action"}],
                             slot=[{"reference": f"Slot/{slots[0]['id']}"}])  # fmt: skip
    booked.save()
    assert booked["status"] == "booked"
    mine = client.resources("Appointment").search(patient=citizen.pk).fetch_all()
    assert len(mine) == 1
    for resource in (schedules[0], slots[0], mine[0]):
        fhir_resources.validate(resource.serialize())
    taken = requests.post(
        f"{live_server.url}/fhir/R4/Appointment",
        json=booked.serialize() | {"id": None},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert taken.status_code == 409


def test_no_token_and_wrong_scope(live_server, fhir_setup, citizen, staff):
    assert requests.get(f"{live_server.url}/fhir/R4/Observation", timeout=30).status_code == 401
    token = _authorize(live_server, fhir_setup, staff, citizen, "patient/Condition.rs")
    response = requests.get(
        f"{live_server.url}/fhir/R4/Observation",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 403 and response.json()["resourceType"] == "OperationOutcome"
