"""Ingest: idempotent by device+property+time, range flags, rollups, HTTP batch, CSV, partitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from kyoso.core.models import AuditEvent
from kyoso.core.services import system_actor
from kyoso.datahub.models import Reading, ReadingFlag, Rollup
from kyoso.datahub.services import (
    readings_ingest,
    readings_partitions_maintain,
    readings_retention_apply,
)
from kyoso.datahub.wire import Observation

T0 = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)


def _obs(minutes: int, value: float, prop: str = "pm25") -> Observation:
    return Observation(prop, T0 + timedelta(minutes=minutes), value)


@pytest.mark.django_db
def test_duplicates_late_and_out_of_order_are_stored_once(city, air_device) -> None:  # type: ignore[no-untyped-def]
    first = readings_ingest(city=city, device=air_device, observations=[_obs(10, 5), _obs(0, 3)])
    assert (first.stored, first.duplicates) == (2, 0)
    # The same readings again (a retry), one late one, and a duplicate inside the batch.
    again = readings_ingest(
        city=city,
        device=air_device,
        observations=[_obs(0, 3), _obs(10, 99), _obs(-30, 7), _obs(-30, 7)],
    )
    assert (again.stored, again.duplicates) == (1, 3)
    assert Reading.objects.filter(city=city).count() == 3
    # The first value stands; a retry with another value does not overwrite it.
    assert Reading.objects.get(prop__name="pm25", observed_at=T0 + timedelta(minutes=10)).value == 5
    hour = Rollup.objects.get(prop__name="pm25", period="hour", bucket=T0)
    assert (hour.count, hour.total, hour.minimum, hour.maximum) == (2, 8.0, 3.0, 5.0)
    earlier = Rollup.objects.get(prop__name="pm25", period="hour", bucket=T0 - timedelta(hours=1))
    assert earlier.count == 1
    # The local (Tokyo) day of 09:00 JST on 3 Dec starts at 15:00 UTC on 2 Dec.
    day = Rollup.objects.get(prop__name="pm25", period="day")
    assert day.bucket == datetime(2026, 12, 2, 15, tzinfo=UTC) and day.count == 3


@pytest.mark.django_db
def test_out_of_range_is_flagged_and_kept_out_of_rollups(city, air_device) -> None:  # type: ignore[no-untyped-def]
    result = readings_ingest(
        city=city, device=air_device, observations=[_obs(0, 12), _obs(1, -4), _obs(2, 9999)]
    )
    assert (result.stored, result.flagged) == (3, 2)
    flags = sorted(Reading.objects.values_list("flag", flat=True))
    assert flags == [ReadingFlag.OK, ReadingFlag.OUT_OF_RANGE, ReadingFlag.OUT_OF_RANGE]
    assert Rollup.objects.get(period="hour").count == 1


@pytest.mark.django_db
def test_unknown_property_is_rejected_by_name(city, air_device) -> None:  # type: ignore[no-untyped-def]
    result = readings_ingest(city=city, device=air_device, observations=[_obs(0, 1, "co2")])
    assert result.stored == 0 and result.rejected[0]["field"] == "property"


@pytest.mark.django_db
def test_http_batch_with_the_device_token(city, air_device, air_token) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    body = {"time": "2026-12-03T09:00:00+09:00", "values": {"pm25": 12.5, "no2": 0.02}}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {air_token}"}
    r = client.post("/api/v1/datahub/ingest", body, content_type="application/json", **auth)
    assert r.status_code == 200, r.content
    assert r.json()["stored"] == 2
    r = client.post("/api/v1/datahub/ingest", body, content_type="application/json", **auth)
    assert r.json() == {"stored": 0, "duplicates": 2, "flagged": 0, "rejected": []}
    # Smart Data Models key-values are accepted as they are.
    sdm = {
        "id": "urn:x",
        "type": "AirQualityObserved",
        "dateObserved": "2026-12-03T01:00:00Z",
        "pm25": 8,
    }
    r = client.post("/api/v1/datahub/ingest", sdm, content_type="application/json", **auth)
    assert r.json()["stored"] == 1
    bad = client.post(
        "/api/v1/datahub/ingest", {"time": "yesterday", "values": {"pm25": 1}},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "time"
    junk = client.post("/api/v1/datahub/ingest", "{", content_type="application/json", **auth)
    assert junk.status_code == 400 and junk.json()["detail"][0]["field"] == "payload"
    wrong = client.post(
        "/api/v1/datahub/ingest", body, content_type="application/json",
        HTTP_AUTHORIZATION="Bearer kdev_not-a-token",
    )  # fmt: skip
    assert wrong.status_code == 401


@pytest.mark.django_db
def test_a_new_credential_revokes_the_old(city, air_device, air_token) -> None:  # type: ignore[no-untyped-def]
    from kyoso.datahub.services import device_authenticate, device_credential_issue

    assert device_authenticate(air_token) == air_device
    _cred, fresh = device_credential_issue(actor=system_actor(), city=city, device=air_device)
    assert device_authenticate(air_token) is None
    assert device_authenticate(fresh, key="air-1") == air_device
    assert device_authenticate(fresh, key="other") is None


@pytest.mark.django_db
def test_csv_upload_by_staff(city, air_device, staff, citizen) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = (
        "device,property,time,value\n"
        "air-1,pm25,2026-12-03T00:00:00Z,3\n"
        "air-1,pm25,2026-12-03T00:00:00Z,3\n"
        "air-1,no2,2026-12-03T00:05:00Z,0.01\n"
    )
    client = Client()
    client.force_login(citizen)
    url = f"/api/v1/datahub/{city.slug}/readings.csv"
    r = client.post(url, {"file": SimpleUploadedFile("r.csv", text.encode())})
    assert r.status_code == 403
    client.force_login(staff)
    r = client.post(url, {"file": SimpleUploadedFile("r.csv", text.encode())})
    assert r.status_code == 200, r.content
    assert r.json()["stored"] == 2 and r.json()["duplicates"] == 1
    assert AuditEvent.objects.filter(action="datahub.readings_import_csv").exists()
    bad = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "r.csv", b"device,property,time,value\nnope,pm25,2026-12-03T00:00:00Z,1\n"
            )
        },
    )
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "device"


@pytest.mark.django_db
def test_devices_and_series_api(city, air_device) -> None:  # type: ignore[no-untyped-def]
    readings_ingest(
        city=city, device=air_device, observations=[_obs(0, 2), _obs(30, 4), _obs(70, 9)]
    )
    client = Client()
    r = client.get(f"/api/v1/datahub/{city.slug}/devices")
    latest = {v["property"]: v["value"] for v in r.json()[0]["latest"]}
    assert latest == {"no2": None, "pm25": 9.0}
    r = client.get(
        f"/api/v1/datahub/{city.slug}/devices/air-1/series",
        {"property": "pm25", "start": "2026-12-02T23:00:00Z", "end": "2026-12-03T03:00:00Z"},
    )
    assert [(p["count"], p["mean"]) for p in r.json()] == [(2, 3.0), (1, 9.0)]
    missing = client.get(f"/api/v1/datahub/{city.slug}/devices/air-1/series", {"property": "co"})
    assert missing.status_code == 404


@pytest.mark.django_db
def test_retention_per_property(city, air_device) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    prop = air_device.properties.get(name="pm25")
    prop.retention_days = 7
    prop.save()
    readings_ingest(
        city=city,
        device=air_device,
        observations=[
            Observation("pm25", now - timedelta(days=10), 1),
            Observation("pm25", now - timedelta(days=1), 1),
            Observation("no2", now - timedelta(days=10), 0.1),
        ],
    )
    assert readings_retention_apply(now=now) == 1
    assert Reading.objects.count() == 2
    assert Rollup.objects.filter(prop=prop, period="day").exists()  # rollups outlive readings


@pytest.mark.django_db
def test_partitions_on_postgresql(city, air_device, settings) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only")
    settings.DATAHUB_RETENTION_DAYS = 365
    now = datetime(2026, 12, 3, tzinfo=UTC)
    old = Observation("pm25", datetime(2025, 6, 15, tzinfo=UTC), 1)
    readings_ingest(city=city, device=air_device, observations=[old, _obs(0, 2)])

    def partitions() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'datahub_reading'"
            )
            return {row[0] for row in cursor.fetchall()}

    assert {"datahub_reading_p202506", "datahub_reading_p202612"} <= partitions()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'datahub_reading'")
        assert cursor.fetchone()[0] == "p"
    done = readings_partitions_maintain(now=now, months_ahead=2)
    assert "datahub_reading_p202506" in done["dropped"]
    assert "datahub_reading_p202702" in done["created"]
    assert "datahub_reading_p202506" not in partitions()
    assert Reading.objects.count() == 1
    # A reading for a dropped month recreates its partition rather than failing.
    assert readings_ingest(city=city, device=air_device, observations=[old]).stored == 1


@pytest.mark.django_db
def test_staff_are_alerted_once_when_a_level_is_crossed(city, staff, citizen) -> None:  # type: ignore[no-untyped-def]
    from kyoso.core.models import Notification
    from kyoso.datahub.services import device_register
    from kyoso.datahub.services.devices import PropertySpec

    river = device_register(
        actor=system_actor(),
        city=city,
        key="river-1",
        name="桜川",
        properties=[PropertySpec("waterLevel", "m", 0, 10)],
    )
    prop = river.properties.get()
    prop.alert_above = 3.0
    prop.save()

    def send(minutes: int, value: float) -> None:
        readings_ingest(
            city=city,
            device=river,
            observations=[Observation("waterLevel", T0 + timedelta(minutes=minutes), value)],
        )

    send(0, 2.0)
    send(10, 3.4)
    send(20, 3.6)  # still above: no second alert
    assert Notification.objects.filter(user=staff, kind="datahub.alert").count() == 1
    assert not Notification.objects.filter(user=citizen).exists()
    send(30, 2.5)
    send(40, 3.2)  # crossed again
    assert Notification.objects.filter(user=staff, kind="datahub.alert").count() == 2
    assert "3.2" in Notification.objects.filter(user=staff).latest("pk").title
