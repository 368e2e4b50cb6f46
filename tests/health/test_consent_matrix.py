"""Every role × every endpoint × every data item: exactly what is consented is seen.

The patient shares ONE data item with 日立総合病院 (its doctor). Each role then asks for the whole
record through the service, the clinic page, and the FHIR API; the set of items it gets must be
exactly the expected one — nothing more for the doctor, nothing at all for everyone else.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyoso.core.errors import PermissionDeniedError
from kyoso.health import services
from kyoso.health.models import FhirAccessToken, FhirClientApp, HealthEntry, token_hash
from kyoso.health.records.fhir_resources import DATA_ITEMS, data_item
from kyoso.health.services.records import _store
from kyoso.health.views.fhir import RECORD_TYPES
from tests.core.factories import MembershipFactory
from tests.health.records_fixtures import resource_for

pytestmark = pytest.mark.django_db

ROLES = ("patient", "proxy", "granted_doctor", "other_clinic", "family_no_proxy", "other_citizen",
         "city_staff", "admin", "business", "operator", "moderator", "anonymous")  # fmt: skip
ENDPOINTS = ("service", "page", "fhir")
FHIR_ITEMS = {"condition", "infection", "drug_allergy", "other_allergy", "lab", "checkup",
              "prescription", "vitals", "immunization"}  # fmt: skip


@pytest.fixture
def record(city, citizen, hospital):  # type: ignore[no-untyped-def]
    for item in DATA_ITEMS:
        entry = _store(
            city=city,
            patient=citizen,
            resource=resource_for(item, citizen.pk),
            source="demo",
            actor=citizen,
        )
        assert entry.item == item, item
    return citizen


def _actor(role, city, citizen, doctor, other_doctor):  # type: ignore[no-untyped-def]
    if role == "anonymous":
        return None
    if role == "patient":
        return citizen
    if role == "granted_doctor":
        return doctor
    if role == "other_clinic":
        return other_doctor
    if role == "city_staff":
        return MembershipFactory(city=city, role="staff").user
    if role in ("admin", "business", "operator", "moderator"):
        return MembershipFactory(city=city, role=role).user
    person = MembershipFactory(city=city, role="citizen").user
    if role == "proxy":
        services.proxy_grant(city=city, actor=citizen, patient=citizen, proxy=person)
    return person


def _seen_service(city, actor, patient):  # type: ignore[no-untyped-def]
    if actor is None:
        return set()
    try:
        return {e.item for e, _r in services.record_read(city=city, actor=actor, patient=patient)}
    except PermissionDeniedError:
        return set()


def _seen_page(city, actor, patient):  # type: ignore[no-untyped-def]
    client = Client()
    if actor is not None:
        client.force_login(actor)
    response = client.get(reverse("health:patient", args=[city.slug, patient.pk]))
    if response.status_code != 200:
        assert response.status_code in (302, 403, 404)
        return set()
    text = response.content.decode()
    return {item for item in DATA_ITEMS if f"MARK-{item}" in text}


def _seen_fhir(city, actor, patient):  # type: ignore[no-untyped-def]
    client = Client()
    headers = {}
    if actor is not None:
        app = FhirClientApp.objects.get_or_create(
            city=city, client_id="matrix", defaults={"name": "m", "redirect_uris": "https://x"}
        )[0]
        raw = secrets.token_urlsafe(16)
        FhirAccessToken.objects.create(city=city, client=app, user=actor, token_hash=token_hash(raw),
                                       scopes="user/*.rs", expires_at=timezone.now() + timedelta(hours=1))  # fmt: skip
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    seen: set[str] = set()
    for kind in RECORD_TYPES:
        response = client.get(f"/fhir/R4/{kind}", {"patient": patient.pk}, **headers)
        if response.status_code != 200:
            assert response.status_code in (401, 403, 404), response.content
            continue
        for entry in response.json()["entry"]:
            seen.add(data_item(entry["resource"]) or "")
    # reads by id must agree with searches
    for e in HealthEntry.objects.filter(patient=patient, resource_type__in=RECORD_TYPES):
        response = client.get(f"/fhir/R4/{e.resource_type}/{e.fhir_id}", **headers)
        assert (response.status_code == 200) == (e.item in seen), (e.item, response.status_code)
    return seen


@pytest.mark.parametrize("item", list(DATA_ITEMS))
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_exactly_the_consented_items_are_seen(
    role, endpoint, item, city, record, hospital, doctor, other_doctor
):  # type: ignore[no-untyped-def]
    patient = record
    services.share_grant(
        city=city,
        actor=patient,
        patient=patient,
        items=[item],
        purpose="treatment",
        days=30,
        provider=hospital,
    )
    actor = _actor(role, city, patient, doctor, other_doctor)
    everything = set(DATA_ITEMS)
    expected = {"patient": everything, "proxy": everything, "granted_doctor": {item}}.get(
        role, set()
    )
    if endpoint == "fhir":
        expected = expected & FHIR_ITEMS
    seen = {"service": _seen_service, "page": _seen_page, "fhir": _seen_fhir}[endpoint](
        city, actor, patient
    )
    assert seen == expected
