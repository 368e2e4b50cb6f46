from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kyoso.core.services import api_token_create
from kyoso.mobility.algorithms import gtfs_rt
from kyoso.mobility.models import Facility, Stop, Taxi
from tests.mobility.factories import TINY, FacilityFactory, write_feed
from tests.second_step import authenticator

pytestmark = pytest.mark.django_db
BASE = "/api/v1/mobility"


def _bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    authenticator(user)  # staff and operator keys need two-step sign-in set up
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_stops_and_departures_are_public(client, city, tiny_feed):
    found = client.get(f"{BASE}/{city.slug}/stops", {"q": "Central"}).json()
    assert found[0]["name"] == "中央駅" and found[0]["stop_id"] == "駅"
    response = client.get(f"{BASE}/{city.slug}/stops/{found[0]['id']}/departures")
    assert response.status_code == 200
    assert client.get(f"{BASE}/{city.slug}/stops/999999/departures").status_code == 404


def test_taxi_push_only_by_operators(client, city, citizen, operator_user):
    body = {"vehicle_id": "TX-1", "status": "free", "lat": 36.59, "lon": 140.66}
    assert (
        client.post(f"{BASE}/{city.slug}/taxis", body, content_type="application/json").status_code
        == 401
    )
    denied = client.post(
        f"{BASE}/{city.slug}/taxis", body, content_type="application/json", **_bearer(citizen)
    )
    assert denied.status_code == 403
    ok = client.post(
        f"{BASE}/{city.slug}/taxis", body, content_type="application/json", **_bearer(operator_user)
    )
    assert ok.status_code == 200 and Taxi.objects.get().status == "free"
    bad = client.post(
        f"{BASE}/{city.slug}/taxis",
        {**body, "status": "flying"},
        content_type="application/json",
        **_bearer(operator_user),
    )
    assert bad.status_code == 422
    near = client.get(f"{BASE}/{city.slug}/taxis", {"lat": 36.59, "lon": 140.66}).json()
    assert near[0]["vehicle_id"] == "TX-1" and near[0]["pickup_minutes"] >= 1


def test_crowding_publish_permissions_and_text(client, city, citizen, clinic, clinic_organisation):
    facility = FacilityFactory(city=city, organisation=clinic_organisation)
    body = {"facility": facility.code, "waiting_minutes": 40}
    denied = client.post(
        f"{BASE}/{city.slug}/crowding", body, content_type="application/json", **_bearer(citizen)
    )
    assert denied.status_code == 403
    ok = client.post(
        f"{BASE}/{city.slug}/crowding", body, content_type="application/json", **_bearer(clinic)
    )
    assert ok.status_code == 201
    listed = client.get(f"{BASE}/{city.slug}/crowding").json()
    assert listed[0]["text"] == "日立総合病院の待ち時間 約40分"


def test_gtfs_rt_push_and_republish(client, city, citizen, operator_user, tiny_feed):
    snap = gtfs_rt.Snapshot(
        timestamp=int(timezone.now().timestamp()),
        vehicles=[gtfs_rt.VehicleData(vehicle_id="B1", lat=36.58, lon=140.65, route_id="R1")],
    )
    data = gtfs_rt.build_feed(snap)
    url = f"{BASE}/{city.slug}/gtfs-rt"

    def push(body: bytes, user):  # type: ignore[no-untyped-def]
        upload = SimpleUploadedFile("feed.pb", body, content_type="application/x-protobuf")
        return client.post(url, {"file": upload}, **_bearer(user))

    denied = push(data, citizen)
    assert denied.status_code == 403, denied.content
    assert push(b"nonsense", operator_user).status_code == 400
    ok = push(data, operator_user)
    assert ok.json()["vehicles"] == 1
    feed = client.get(f"/{city.slug}/mobility/gtfs-rt/vehicle-positions.pb")
    assert feed["Content-Type"] == "application/x-protobuf"
    assert gtfs_rt.parse_feed(feed.content).vehicles[0].vehicle_id == "B1"
    as_json = client.get(f"/{city.slug}/mobility/gtfs-rt/vehicle-positions.pb?format=json").json()
    assert as_json["vehicles"][0]["vehicle_id"] == "B1"
    geo = client.get(f"{BASE}/{city.slug}/vehicles").json()
    assert geo["features"][0]["properties"]["route_id"] == "R1"


def _zip(folder) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    return buffer.getvalue()


def test_feed_upload_reports_errors(client, city, operator_user, citizen, tmp_path):
    good = _zip(write_feed(tmp_path / "good"))
    rows = [*TINY["trips.txt"], ["NOPE", "ALL", "T9", "x", "0"]]
    bad = _zip(write_feed(tmp_path / "bad", {"trips.txt": rows}))
    url = f"{BASE}/{city.slug}/feeds"
    denied = client.post(url, {"file": SimpleUploadedFile("g.zip", good)}, **_bearer(citizen))
    assert denied.status_code == 403
    rejected = client.post(
        url, {"file": SimpleUploadedFile("b.zip", bad)}, **_bearer(operator_user)
    )
    assert rejected.status_code == 422
    assert any(d["field"] == f"trips.txt:{len(rows)}:route_id" for d in rejected.json()["detail"])
    ok = client.post(url, {"file": SimpleUploadedFile("g.zip", good)}, **_bearer(operator_user))
    assert ok.status_code == 200 and ok.json()["counts"]["stop_times"] == 8


def test_journey_api_with_destination_waiting_time(client, city, tiny_feed):
    Facility.objects.create(city=city, code="h", name_ja="病院", stop_ids=["S3"])
    origin = Stop.objects.get(feed=tiny_feed, stop_id="駅")
    target = Stop.objects.get(feed=tiny_feed, stop_id="S3")
    depart = (timezone.localtime() + timedelta(days=1)).replace(hour=7, minute=30)
    response = client.get(
        f"{BASE}/{city.slug}/journey",
        {"origin": origin.pk, "destination": target.pk, "depart": depart.isoformat()},
    )
    assert response.status_code == 200, response.content
    journeys = response.json()["journeys"]
    assert journeys[0]["legs"][0]["trip_id"] == "T1"
    assert response.json()["destination_facilities"][0]["code"] == "h"
    bad = client.get(
        f"{BASE}/{city.slug}/journey",
        {"origin": origin.pk, "destination": target.pk, "depart": depart.isoformat(),
         "until": (depart - timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    assert bad.status_code == 400


def test_other_city_sees_none_of_it(client, city, other_city, tiny_feed):
    assert client.get(f"{BASE}/{other_city.slug}/stops", {"q": "中央"}).json() == []
    stop = Stop.objects.filter(feed=tiny_feed).first()
    assert stop is not None
    assert client.get(f"{BASE}/{other_city.slug}/stops/{stop.pk}/departures").status_code == 404
