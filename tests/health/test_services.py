"""Services of the health app: record entry, import, export, deletion, sharing, proxies."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent, Consent
from kyoso.health import services
from kyoso.health.models import HealthAccess, HealthEntry, ShareGrant

pytestmark = pytest.mark.django_db

CLINS = "jp-clinical-core/Bundle-Bundle-CLINS-Referral-Example-01.json"
EREFERRAL = "jp-eReferral/Bundle-bundleReferralExample01.json"


def _bundle(shared, name):  # type: ignore[no-untyped-def]
    return (shared / "health" / name).read_bytes()


def test_manual_vitals_are_encrypted_at_rest(city, citizen):
    entries = services.vitals_record(
        city=city, actor=citizen, patient=citizen, at=timezone.now(), systolic=138, diastolic=84,
        pulse=66, weight=61.5, steps=4200,
    )  # fmt: skip
    assert len(entries) == 4
    with connection.cursor() as cur:
        cur.execute("SELECT payload FROM health_healthentry")
        raw = " ".join(r[0] for r in cur.fetchall())
    assert "138" not in raw and "8480-6" not in raw and "Observation" not in raw
    rows = services.record_read(city=city, actor=citizen, patient=citizen, items=["vitals"])
    assert {r["resourceType"] for _e, r in rows} == {"Observation"}


def test_manual_entry_names_the_bad_field(city, citizen):
    with pytest.raises(DomainError) as err:
        services.vitals_record(
            city=city, actor=citizen, patient=citizen, at=timezone.now(), systolic=400, diastolic=80
        )
    assert err.value.field == "systolic"
    with pytest.raises(DomainError) as err:
        services.vitals_record(
            city=city, actor=citizen, patient=citizen, at=timezone.now(), systolic=130
        )
    assert err.value.field == "diastolic"
    with pytest.raises(DomainError) as err:
        services.vitals_record(city=city, actor=citizen, patient=citizen, at=timezone.now())
    assert not HealthEntry.objects.exists()


def test_both_document_bundles_import_and_search_by_code(city, citizen, shared_data):
    first = services.bundle_import(
        city=city, actor=citizen, patient=citizen, data=_bundle(shared_data, CLINS)
    )
    assert first.stored == 18
    second = services.bundle_import(
        city=city, actor=citizen, patient=citizen, data=_bundle(shared_data, EREFERRAL)
    )
    assert second.stored == 21
    found = services.record_read(
        city=city, actor=citizen, patient=citizen,
        code="http://medis.or.jp/CodeSystem/master-disease-keyNumber|20058911",
    )  # fmt: skip
    assert [r["code"]["coding"][0]["display"] for _e, r in found] == ["狭心症"]


def test_a_broken_bundle_keeps_nothing(city, citizen, shared_data):
    bundle = json.loads(_bundle(shared_data, EREFERRAL))
    bundle["entry"][5]["resource"]["active"] = "maybe"
    with pytest.raises(DomainError) as err:
        services.bundle_import(
            city=city, actor=citizen, patient=citizen, data=json.dumps(bundle).encode()
        )
    assert err.value.field.startswith("Bundle.entry[5]")
    assert not HealthEntry.objects.exists()
    with pytest.raises(DomainError) as err:
        services.bundle_import(city=city, actor=citizen, patient=citizen, data=b"not json")
    assert err.value.field == "file"


def test_export_bundle_and_csv_roundtrip(city, citizen, shared_data):
    services.bundle_import(
        city=city, actor=citizen, patient=citizen, data=_bundle(shared_data, EREFERRAL)
    )
    services.vitals_record(
        city=city, actor=citizen, patient=citizen, at=timezone.now(), systolic=128, diastolic=80
    )
    bundle = services.record_export_bundle(city=city, actor=citizen, patient=citizen)
    assert len(bundle["entry"]) == 22
    reimported = services.bundle_import(
        city=city, actor=citizen, patient=citizen, data=json.dumps(bundle).encode()
    )
    assert reimported.stored == 22
    rows = list(
        csv.DictReader(
            io.StringIO(services.record_export_csv(city=city, actor=citizen, patient=citizen))
        )
    )
    assert len(rows) == 44
    assert any(r["value"] == "128/80" for r in rows)


def test_device_csv_import(city, citizen):
    data = "測定日,測定時刻,最高血圧(mmHg),最低血圧(mmHg),脈拍(拍/分)\n2026/11/30,07:12,138,86,68\n".encode(
        "cp932"
    )
    assert services.device_csv_import(city=city, actor=citizen, patient=citizen, data=data) == 1
    assert HealthEntry.objects.filter(patient=citizen).count() == 2
    with pytest.raises(DomainError, match="line 2"):
        services.device_csv_import(
            city=city, actor=citizen, patient=citizen, data=b"Date,SYS,DIA\nx,1,2\n"
        )


def test_delete_all_keeps_only_the_audit_trail(city, citizen, hospital, doctor, shared_data):
    services.bundle_import(
        city=city, actor=citizen, patient=citizen, data=_bundle(shared_data, CLINS)
    )
    grant = services.share_grant(
        city=city,
        actor=citizen,
        patient=citizen,
        items=["lab"],
        purpose="treatment",
        days=30,
        provider=hospital,
    )
    services.record_read(city=city, actor=doctor, patient=citizen, items=["lab"])
    counts = services.record_delete_all(city=city, actor=citizen, patient=citizen)
    assert counts["entries"] == 18 and counts["grants"] == 1 and counts["accesses"] == 1
    assert not HealthEntry.objects.filter(patient=citizen).exists()
    assert not Consent.objects.filter(scope=f"grant:{grant.pk}", revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="health.delete_all")
    assert event.details["entries"] == 18
    assert "牧野" not in json.dumps(
        list(AuditEvent.objects.values()), default=str, ensure_ascii=False
    )


def test_share_lab_with_a_clinic_for_30_days(
    city, citizen, hospital, doctor, other_doctor, shared_data
):
    services.bundle_import(
        city=city, actor=citizen, patient=citizen, data=_bundle(shared_data, CLINS)
    )
    services.vitals_record(
        city=city, actor=citizen, patient=citizen, at=timezone.now(), systolic=128, diastolic=80
    )
    with pytest.raises(PermissionDeniedError):
        services.record_read(city=city, actor=doctor, patient=citizen)
    grant = services.share_grant(
        city=city,
        actor=citizen,
        patient=citizen,
        items=["vitals"],
        purpose="treatment",
        days=30,
        provider=hospital,
    )
    assert grant.ends_at - grant.starts_at == timedelta(days=30)
    assert Consent.objects.get(scope=f"grant:{grant.pk}").purpose == "health.share"
    rows = services.record_read(city=city, actor=doctor, patient=citizen)
    assert {e.item for e, _r in rows} == {"vitals"}
    with pytest.raises(PermissionDeniedError):
        services.record_read(city=city, actor=doctor, patient=citizen, items=["condition"])
    with pytest.raises(PermissionDeniedError):
        services.record_read(city=city, actor=other_doctor, patient=citizen)
    access = HealthAccess.objects.get(patient=citizen)
    assert access.provider == hospital and access.item == "vitals" and access.department == "内科"
    services.share_revoke(city=city, actor=citizen, grant_id=grant.pk)
    with pytest.raises(PermissionDeniedError):
        services.record_read(city=city, actor=doctor, patient=citizen)


def test_expired_grant_stops_access(city, citizen, hospital, doctor):
    grant = services.share_grant(
        city=city,
        actor=citizen,
        patient=citizen,
        items=["vitals"],
        purpose="treatment",
        days=1,
        provider=hospital,
    )
    ShareGrant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(PermissionDeniedError):
        services.record_read(city=city, actor=doctor, patient=citizen)


def test_share_input_is_checked(city, citizen, hospital, family):
    with pytest.raises(DomainError) as err:
        services.share_grant(
            city=city,
            actor=citizen,
            patient=citizen,
            items=[],
            purpose="treatment",
            days=30,
            provider=hospital,
        )
    assert err.value.field == "items"
    with pytest.raises(DomainError) as err:
        services.share_grant(
            city=city,
            actor=citizen,
            patient=citizen,
            items=["dna"],
            purpose="treatment",
            days=30,
            provider=hospital,
        )
    assert err.value.field == "items"
    with pytest.raises(DomainError) as err:
        services.share_grant(
            city=city,
            actor=citizen,
            patient=citizen,
            items=["lab"],
            purpose="marketing",
            days=30,
            provider=hospital,
        )
    assert err.value.field == "purpose"
    with pytest.raises(DomainError) as err:
        services.share_grant(
            city=city,
            actor=citizen,
            patient=citizen,
            items=["lab"],
            purpose="family",
            days=0,
            recipient_user=family,
        )
    assert err.value.field == "days"
    with pytest.raises(PermissionDeniedError):
        services.share_grant(
            city=city,
            actor=family,
            patient=citizen,
            items=["lab"],
            purpose="family",
            days=3,
            recipient_user=family,
        )


def test_family_acts_only_under_recorded_proxy(city, citizen, family, staff):
    with pytest.raises(PermissionDeniedError):
        services.vitals_record(
            city=city, actor=family, patient=citizen, at=timezone.now(), weight=60
        )
    with pytest.raises(PermissionDeniedError):
        services.proxy_grant(city=city, actor=family, patient=citizen, proxy=family)
    services.proxy_grant(city=city, actor=citizen, patient=citizen, proxy=family)
    assert Consent.objects.filter(
        user=citizen, purpose="health.proxy", revoked_at__isnull=True
    ).exists()
    services.vitals_record(city=city, actor=family, patient=citizen, at=timezone.now(), weight=60)
    assert HealthAccess.objects.filter(patient=citizen, actor=family, action="create").exists()
    services.proxy_revoke(city=city, actor=citizen, patient=citizen, proxy=family)
    with pytest.raises(PermissionDeniedError):
        services.record_read(city=city, actor=family, patient=citizen)
    # a legal proxy is recorded by city staff, with the document named
    with pytest.raises(DomainError) as err:
        services.proxy_grant(city=city, actor=staff, patient=citizen, proxy=family, basis="legal")
    assert err.value.field == "note"
    services.proxy_grant(
        city=city,
        actor=staff,
        patient=citizen,
        proxy=family,
        basis="legal",
        note="成年後見登記事項証明書 2026-11",
    )
    assert services.proxy_is_active(city=city, patient=citizen, proxy=family)


def test_care_timeline_note_by_a_nurse_under_consent(city, citizen, hospital, doctor):
    with pytest.raises(PermissionDeniedError):
        services.care_note_add(city=city, actor=doctor, patient=citizen, text="訪問時 血圧安定")
    services.share_grant(
        city=city,
        actor=citizen,
        patient=citizen,
        items=["care_note"],
        purpose="care",
        days=90,
        provider=hospital,
    )
    entry = services.care_note_add(city=city, actor=doctor, patient=citizen, text="訪問時 血圧安定")
    assert entry.author_role == "doctor" and entry.author_provider == hospital
    rows = services.record_read(city=city, actor=citizen, patient=citizen, items=["care_note"])
    assert rows[0][1]["payload"][0]["contentString"] == "訪問時 血圧安定"


def test_payload_rotation(city, citizen, settings):
    from cryptography.fernet import Fernet

    old = Fernet.generate_key().decode()
    settings.KYOSO_HEALTH_KEYS = [old]
    services.vitals_record(city=city, actor=citizen, patient=citizen, at=timezone.now(), weight=60)
    new = Fernet.generate_key().decode()
    settings.KYOSO_HEALTH_KEYS = [new, old]
    assert services.payloads_rotate() == 1
    settings.KYOSO_HEALTH_KEYS = [new]
    rows = services.record_read(city=city, actor=citizen, patient=citizen)
    assert rows[0][1]["valueQuantity"]["value"] == 60


def test_retention_purge(city, citizen):
    services.vitals_record(city=city, actor=citizen, patient=citizen, at=timezone.now(), weight=60)
    entry = HealthEntry.objects.get()
    assert entry.retain_until is not None
    assert services.expired_entries_purge(today=entry.retain_until) == 0
    assert services.expired_entries_purge(today=entry.retain_until + timedelta(days=1)) == 1
