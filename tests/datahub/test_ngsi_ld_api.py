"""The NGSI-LD API through Django's test client: entities, queries, batches, attributes, tenancy,
authentication, ProblemDetails errors, the temporal API and subscriptions with real HTTP
notifications (a local HTTP server receives them)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from kyoso.core.services import api_token_create
from kyoso.datahub.models import NgsiEntity, Reading
from kyoso.datahub.services import readings_ingest
from kyoso.datahub.wire import Observation
from tests.second_step import authenticator

BASE = "/ngsi-ld/v1"
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "datahub"
ENV_CONTEXT = "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld"
LINK = f'<{ENV_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
ERR = "https://uri.etsi.org/ngsi-ld/errors/"


@pytest.fixture
def staff_key(staff):  # type: ignore[no-untyped-def]
    authenticator(staff)  # staff keys work only once the account has two-step sign-in
    return api_token_create(user=staff, name="ngsi")[1]


def _auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _entity(n: int, pm25: float, lon: float = 140.65, lat: float = 36.59) -> dict[str, Any]:
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:test-{n}",
        "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": pm25, "unitCode": "GQ"},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
        "refDevice": {"type": "Relationship", "object": f"urn:ngsi-ld:Device:d{n}"},
    }


def _post(client, path, body, key=None, link=True, **extra):  # type: ignore[no-untyped-def]
    headers = {**(_auth(key) if key else {}), **extra}
    if link:
        headers["HTTP_LINK"] = LINK
    return client.post(BASE + path, json.dumps(body), content_type="application/json", **headers)


def _get(client, path, **extra):  # type: ignore[no-untyped-def]
    return client.get(BASE + path, HTTP_LINK=LINK, **extra)


def test_create_read_query_and_errors(client, city, staff_key):  # type: ignore[no-untyped-def]
    assert _post(client, "/entities/", _entity(1, 12.0), staff_key).status_code == 201
    again = _post(client, "/entities/", _entity(1, 12.0), staff_key)
    assert again.status_code == 409 and again.json()["type"] == ERR + "AlreadyExists"

    got = _get(client, "/entities/urn:ngsi-ld:AirQualityObserved:test-1")
    assert got.status_code == 200
    body = got.json()
    assert body["pm25"] == {"type": "Property", "value": 12.0, "unitCode": "GQ"}
    assert body["type"] == "AirQualityObserved"
    assert ENV_CONTEXT in got["Link"]
    # Without the Smart Data Models context, names are full IRIs (JSON-LD compaction).
    bare = client.get(BASE + "/entities/urn:ngsi-ld:AirQualityObserved:test-1").json()
    assert bare["type"] == "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved"

    for n, value in [(2, 30.0), (3, 50.0)]:
        _post(client, "/entities", _entity(n, value, lon=140.70 + n / 10), staff_key)
    found = _get(client, "/entities?type=AirQualityObserved&q=pm25>20&count=true")
    assert [e["id"][-6:] for e in found.json()] == ["test-2", "test-3"]
    assert found["NGSILD-Results-Count"] == "2"
    found = _get(
        client, "/entities?type=AirQualityObserved&q=pm25==10..35;refDevice==urn:ngsi-ld:Device:d2"
    )
    assert [e["id"][-6:] for e in found.json()] == ["test-2"]
    near = _get(
        client,
        "/entities?type=AirQualityObserved&georel=near;maxDistance==2000"
        "&geometry=Point&coordinates=[140.65,36.59]",
    ).json()
    assert [e["id"][-6:] for e in near] == ["test-1"]
    box = "[[[140.85,36.5],[141.0,36.5],[141.0,36.7],[140.85,36.7],[140.85,36.5]]]"
    within = _get(
        client,
        f"/entities?type=AirQualityObserved&georel=within&geometry=Polygon&coordinates={box}",
    ).json()
    assert [e["id"][-6:] for e in within] == ["test-2"]
    picked = _get(client, "/entities?type=AirQualityObserved&attrs=pm25&limit=1&options=keyValues")
    assert picked.json() == [
        {"id": "urn:ngsi-ld:AirQualityObserved:test-1", "type": "AirQualityObserved", "pm25": 12.0}
    ]
    ld = _get(
        client, "/entities?type=AirQualityObserved&limit=1", HTTP_ACCEPT="application/ld+json"
    )
    assert ld["Content-Type"] == "application/ld+json"
    assert ld.json()[0]["@context"][0] == ENV_CONTEXT

    # ProblemDetails for bad input, never a 500.
    cases = [
        (_get(client, "/entities"), 400, "BadRequestData"),
        (_get(client, "/entities?type=AirQualityObserved&q=pm25>"), 400, "BadRequestData"),
        (_get(client, "/entities?type=A&limit=5000"), 403, "TooManyResults"),
        (_get(client, "/entities/urn:ngsi-ld:X:none"), 404, "ResourceNotFound"),
        (_get(client, "/entities/not a uri"), 400, "BadRequestData"),
        (_get(client, "/entities?type=A", HTTP_NGSILD_TENANT="atlantis"), 404, "NonexistentTenant"),
        (
            client.get(
                BASE + "/entities?type=A",
                HTTP_LINK='<https://example.org/ctx.jsonld>; rel="http://www.w3.org/ns/json-ld#context"',
            ),
            503,
            "LdContextNotAvailable",
        ),
        (
            _post(client, "/entities", {"id": "urn:x:1", "type": "T", "a": 1}, staff_key),
            400,
            "BadRequestData",
        ),
        (_post(client, "/entities", {"id": "urn:x:1"}, staff_key), 400, "BadRequestData"),
    ]
    for response, status, kind in cases:
        assert response.status_code == status, (kind, response.content)
        assert response.json()["type"] == ERR + kind
        assert response.json()["title"] and response.json()["detail"]


def test_attributes_update_append_and_delete(client, city, staff_key):  # type: ignore[no-untyped-def]
    _post(client, "/entities", _entity(1, 12.0), staff_key)
    eid = "urn:ngsi-ld:AirQualityObserved:test-1"
    r = client.patch(
        f"{BASE}/entities/{eid}/attrs",
        json.dumps(
            {"pm25": {"type": "Property", "value": 14.5}, "nope": {"type": "Property", "value": 1}}
        ),
        content_type="application/json",
        HTTP_LINK=LINK,
        **_auth(staff_key),
    )
    assert r.status_code == 207
    assert r.json()["updated"] == ["pm25"] and r.json()["notUpdated"][0]["attributeName"] == "nope"
    r = _post(
        client, f"/entities/{eid}/attrs", {"no2": {"type": "Property", "value": 20}}, staff_key
    )
    assert r.status_code == 204
    r = client.patch(
        f"{BASE}/entities/{eid}/attrs/no2",
        json.dumps({"value": 21}),
        content_type="application/json",
        HTTP_LINK=LINK,
        **_auth(staff_key),
    )
    assert r.status_code == 204
    body = _get(client, f"/entities/{eid}?options=sysAttrs").json()
    assert body["pm25"]["value"] == 14.5 and body["no2"]["value"] == 21
    assert "unitCode" not in body["pm25"]  # PATCH …/attrs replaces an attribute whole
    assert "modifiedAt" in body["no2"] and "createdAt" in body
    r = client.delete(f"{BASE}/entities/{eid}/attrs/no2", HTTP_LINK=LINK, **_auth(staff_key))
    assert r.status_code == 204 and "no2" not in _get(client, f"/entities/{eid}").json()
    assert client.delete(f"{BASE}/entities/{eid}", **_auth(staff_key)).status_code == 204
    assert not NgsiEntity.objects.exists()


def test_authentication_tenancy_and_visibility(client, city, other_city, staff, citizen, staff_key):  # type: ignore[no-untyped-def]
    anonymous = _post(client, "/entities", _entity(1, 1.0))
    assert anonymous.status_code == 401 and anonymous.json()["type"] == "about:blank"
    citizen_key = api_token_create(user=citizen, name="c")[1]
    assert _post(client, "/entities", _entity(1, 1.0), citizen_key).status_code == 403
    bad = _post(client, "/entities", _entity(1, 1.0), "kyoso_nonsense")
    assert bad.status_code == 401
    # Staff of Hitachi cannot write in Takahagi's tenant.
    other = _post(client, "/entities", _entity(1, 1.0), staff_key, HTTP_NGSILD_TENANT="takahagi")
    assert other.status_code == 403
    assert (
        _post(
            client, "/entities", _entity(1, 1.0), staff_key, HTTP_NGSILD_TENANT="hitachi"
        ).status_code
        == 201
    )
    hidden = _entity(2, 2.0)
    assert (
        _post(client, "/entities", hidden, staff_key, HTTP_KYOSO_VISIBILITY="staff").status_code
        == 201
    )
    public = _get(client, "/entities?type=AirQualityObserved").json()
    assert [e["id"][-6:] for e in public] == ["test-1"]
    assert _get(client, "/entities/" + hidden["id"]).status_code == 404
    seen = _get(client, "/entities?type=AirQualityObserved", **_auth(staff_key)).json()
    assert len(seen) == 2
    assert (
        _get(client, "/entities?type=AirQualityObserved", HTTP_NGSILD_TENANT="takahagi").json()
        == []
    )


def test_sensors_are_entities_and_devices_write_readings(
    client, city, air_device, air_token, staff_key
):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC).replace(microsecond=0)
    readings_ingest(
        city=city,
        device=air_device,
        observations=[Observation("pm25", now - timedelta(minutes=5), 9.5)],
    )
    eid = "urn:ngsi-ld:AirQualityObserved:hitachi:air-1"
    found = _get(client, "/entities?type=AirQualityObserved&q=pm25<10").json()
    assert [e["id"] for e in found] == [eid]
    assert found[0]["pm25"]["unitCode"] == "GQ" and found[0]["location"]["value"]["type"] == "Point"
    # The device's key writes its own entity: the value becomes a reading.
    r = client.patch(
        f"{BASE}/entities/{eid}/attrs",
        json.dumps({"pm25": {"type": "Property", "value": 11.0, "observedAt": now.isoformat()}}),
        content_type="application/json",
        HTTP_LINK=LINK,
        **_auth(air_token),
    )
    assert r.status_code == 204, r.content
    assert Reading.objects.filter(device=air_device, value=11.0).exists()
    assert _get(client, f"/entities/{eid}").json()["pm25"]["value"] == 11.0
    # …but no other entity, and a sensor entity cannot be deleted through NGSI-LD.
    assert _post(client, "/entities", _entity(9, 1.0), air_token).status_code == 403
    assert client.delete(f"{BASE}/entities/{eid}", **_auth(staff_key)).status_code == 422
    unknown = _post(
        client, f"/entities/{eid}/attrs", {"noise": {"type": "Property", "value": 3}}, air_token
    )
    assert unknown.status_code == 400 and "does not observe" in unknown.json()["detail"]


def test_batch_operations(client, city, staff_key):  # type: ignore[no-untyped-def]
    batch = [_entity(n, float(n)) for n in range(1000)]
    r = _post(client, "/entityOperations/create", batch, staff_key)
    assert r.status_code == 201 and len(r.json()) == 1000
    batch[0]["pm25"]["value"] = 99.0
    del batch[1]["refDevice"]
    r = _post(client, "/entityOperations/upsert", [*batch[:2], _entity(2000, 1.0)], staff_key)
    assert r.status_code == 201 and r.json() == ["urn:ngsi-ld:AirQualityObserved:test-2000"]
    # Upsert replaces attributes by default; options=update merges.
    one = NgsiEntity.objects.get(entity_id=batch[1]["id"])
    assert not any(k.endswith("refDevice") for k in one.attrs)
    r = _post(
        client,
        "/entityOperations/upsert?options=update",
        [
            {
                "id": batch[0]["id"],
                "type": "AirQualityObserved",
                "no2": {"type": "Property", "value": 3},
            }
        ],
        staff_key,
    )
    assert r.status_code == 204
    merged = _get(client, f"/entities/{batch[0]['id']}").json()
    assert merged["pm25"]["value"] == 99.0 and merged["no2"]["value"] == 3
    r = _post(client, "/entityOperations/update", [_entity(1, 5.0), _entity(5000, 1.0)], staff_key)
    assert r.status_code == 207
    assert r.json()["success"] == [_entity(1, 0)["id"]]
    assert r.json()["errors"][0]["error"]["type"] == ERR + "ResourceNotFound"
    r = _post(client, "/entityOperations/create", [_entity(n, 0.0) for n in range(1001)], staff_key)
    assert r.status_code == 400 and r.json()["type"] == ERR + "BadRequestData"
    r = _post(
        client,
        "/entityOperations/delete",
        [e["id"] for e in batch[:10]] + ["urn:x:none"],
        staff_key,
    )
    assert r.status_code == 207 and len(r.json()["success"]) == 10
    assert NgsiEntity.objects.count() == 991


def test_temporal_from_rollups_and_history(client, city, air_device, staff_key):  # type: ignore[no-untyped-def]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    observations = [
        Observation("pm25", start + timedelta(minutes=15 * i), float(i % 4)) for i in range(4 * 48)
    ]
    readings_ingest(city=city, device=air_device, observations=observations)
    eid = "urn:ngsi-ld:AirQualityObserved:hitachi:air-1"
    r = _get(
        client,
        f"/temporal/entities/{eid}?attrs=pm25&timerel=between&timeAt=2026-11-01T00:00:00Z"
        "&endTimeAt=2026-11-03T00:00:00Z&aggrMethods=avg,max,totalCount&aggrPeriodDuration=PT1H",
    )
    assert r.status_code == 200, r.content
    pm25 = r.json()["pm25"]
    assert len(pm25["avg"]) == 48 and pm25["avg"][0] == [
        1.5,
        "2026-11-01T00:00:00Z",
        "2026-11-01T01:00:00Z",
    ]
    assert pm25["max"][5][0] == 3.0 and pm25["totalCount"][0][0] == 4
    daily = _get(
        client,
        f"/temporal/entities/{eid}?attrs=pm25&timerel=between&timeAt=2026-11-01T00:30:00Z"
        "&endTimeAt=2026-11-03T00:30:00Z&aggrMethods=sum&aggrPeriodDuration=P1D",
    ).json()["pm25"]
    assert [b[0] for b in daily["sum"]] == [
        sum(i % 4 for i in range(2, 98)),
        sum(i % 4 for i in range(98, 192)),
    ]
    raw = _get(
        client,
        "/temporal/entities?type=AirQualityObserved&timerel=after&timeAt=2026-11-02T23:30:00Z&attrs=pm25",
    ).json()
    assert [i["value"] for i in raw[0]["pm25"]] == [2.0, 3.0]
    # A stored entity keeps the history of its numeric properties.
    ent = _entity(1, 1.0)
    ent["pm25"]["observedAt"] = "2026-11-01T00:10:00Z"
    _post(client, "/entities", ent, staff_key)
    for minute, value in [(20, 3.0), (70, 5.0)]:
        patch = {
            "pm25": {
                "type": "Property",
                "value": value,
                "observedAt": f"2026-11-01T0{minute // 60}:{minute % 60:02d}:00Z",
            }
        }
        _post(client, f"/entities/{ent['id']}/attrs", patch, staff_key)
    agg = _get(
        client,
        f"/temporal/entities/{ent['id']}?timerel=before&timeAt=2026-11-02T00:00:00Z&aggrMethods=avg&aggrPeriodDuration=PT1H",
    ).json()
    assert [b[0] for b in agg["pm25"]["avg"]] == [2.0, 5.0]
    bad = _get(client, f"/temporal/entities/{eid}?timerel=between&timeAt=2026-11-01T00:00:00Z")
    assert bad.status_code == 400 and bad.json()["type"] == ERR + "BadRequestData"
    bad = _get(
        client,
        f"/temporal/entities/{eid}?timerel=after&timeAt=2026-11-01T00:00:00Z&aggrMethods=avg&aggrPeriodDuration=P1M",
    )
    assert bad.status_code == 400


class _Inbox(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append((dict(self.headers), json.loads(self.rfile.read(length))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def inbox():  # type: ignore[no-untyped-def]
    _Inbox.received = []
    server = HTTPServer(("127.0.0.1", 0), _Inbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/notify", _Inbox.received
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_subscriptions_notify_over_http(client, city, staff_key, air_device, inbox):  # type: ignore[no-untyped-def]
    url, received = inbox
    sub = {
        "type": "Subscription",
        "entities": [{"type": "AirQualityObserved"}],
        "watchedAttributes": ["pm25"],
        "q": "pm25>20",
        "notification": {
            "attributes": ["pm25"],
            "format": "keyValues",
            "endpoint": {"uri": url, "accept": "application/json"},
        },
    }
    r = _post(client, "/subscriptions/", sub, staff_key)
    assert r.status_code == 201, r.content
    sub_id = r["Location"].rsplit("/", 1)[-1]
    assert _post(client, "/subscriptions/", sub, None).status_code == 401
    _post(client, "/entities", _entity(1, 10.0), staff_key)  # q does not match: no notification
    _post(client, "/entities", _entity(2, 25.0), staff_key)
    # A sensor's reading arriving over MQTT or HTTP is a change of its entity too.
    readings_ingest(
        city=city, device=air_device, observations=[Observation("pm25", datetime.now(UTC), 42.0)]
    )
    assert [n["data"] for _h, n in received] == [
        [
            {
                "id": "urn:ngsi-ld:AirQualityObserved:test-2",
                "type": "AirQualityObserved",
                "pm25": 25.0,
            }
        ],
        [
            {
                "id": "urn:ngsi-ld:AirQualityObserved:hitachi:air-1",
                "type": "AirQualityObserved",
                "pm25": 42.0,
            }
        ],
    ]
    headers, first = received[0]
    assert first["type"] == "Notification" and first["subscriptionId"] == sub_id
    headers = {k.lower(): v for k, v in headers.items()}
    assert ENV_CONTEXT in headers["link"] and headers["ngsild-tenant"] == "hitachi"
    listed = _get(client, f"/subscriptions/{sub_id}", **_auth(staff_key)).json()
    assert listed["notification"]["timesSent"] == 2 and listed["notification"]["status"] == "ok"
    assert client.delete(f"{BASE}/subscriptions/{sub_id}", **_auth(staff_key)).status_code == 204
    _post(client, "/entities", _entity(3, 30.0), staff_key)
    assert len(received) == 2


def _examples() -> list[Path]:
    return sorted(DATA.glob("dataModel.*/*/example-normalized.jsonld"))


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/datahub is not present")
@pytest.mark.parametrize("example", _examples(), ids=lambda p: p.parent.name)
def test_smart_data_models_examples_round_trip(client, city, staff_key, example):  # type: ignore[no-untyped-def]
    for name, options in [(example.name, ""), ("example.jsonld", "?options=keyValues")]:
        original = json.loads((example.parent / name).read_text(encoding="utf-8"))
        r = client.post(
            BASE + "/entities" + options,
            json.dumps(original),
            content_type="application/ld+json",
            **_auth(staff_key),
        )
        assert r.status_code == 201, r.content
        context = original["@context"]
        link = f'<{context[-1]}>; rel="http://www.w3.org/ns/json-ld#context"'
        got = client.get(f"{BASE}/entities/{original['id']}{options}", HTTP_LINK=link)
        assert got.status_code == 200
        # createdAt and modifiedAt are the broker's system attributes: a client cannot set them.
        expected = {
            k: v for k, v in original.items() if k not in ("@context", "createdAt", "modifiedAt")
        }
        assert got.json() == expected
        client.delete(f"{BASE}/entities/{original['id']}", **_auth(staff_key))


def test_q_narrowed_in_the_database_keeps_every_match(client, city, staff_key):  # type: ignore[no-untyped-def]
    odd = [
        ("list", {"type": "Property", "value": ["onStreet", "free"]}, 50),
        ("text", {"type": "Property", "value": "onStreet"}, "high"),
        ("bool", {"type": "Property", "value": True}, True),
        ("int", {"type": "Property", "value": "other"}, 21),
    ]
    for name, category, pm25 in odd:
        entity = {
            "id": f"urn:ngsi-ld:AirQualityObserved:{name}",
            "type": "AirQualityObserved",
            "category": category,
            "pm25": {"type": "Property", "value": pm25},
        }
        assert _post(client, "/entities", entity, staff_key).status_code == 201

    def ids(q: str) -> list[str]:
        found = _get(client, f"/entities?type=AirQualityObserved&q={q}&count=true")
        assert found.status_code == 200, found.content
        assert found["NGSILD-Results-Count"] == str(len(found.json()))
        return [e["id"].rsplit(":", 1)[1] for e in found.json()]

    assert ids('category=="onStreet"') == ["list", "text"]
    assert ids("pm25>20") == ["int", "list"]
    assert ids("pm25<=21") == ["int"]
    assert ids("pm25==21.0") == ["int"]
    assert ids('pm25>20;category=="other"') == ["int"]


SCHEMA_URLS = {
    "common/common-schema.json": [
        "https://smart-data-models.github.io/data-models/common-schema.json"
    ],
    "dataModel.Environment/Environment-schema.json": [
        "https://smart-data-models.github.io/dataModel.Environment/Environment-schema.json",
        "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/Environment-schema.json",
    ],
    "dataModel.Weather/weather-schema.json": [
        "https://smart-data-models.github.io/dataModel.Weather/weather-schema.json"
    ],
}


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/datahub is not present")
@pytest.mark.parametrize("example", _examples(), ids=lambda p: p.parent.name)
def test_key_values_read_back_validate_against_the_schema(client, city, staff_key, example):  # type: ignore[no-untyped-def]
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    if example.parent.name == "AirQualityObserved":
        pytest.xfail('upstream: the example has "tsp": 73.3 where its schema says integer')
    registry: Registry = Registry()
    for path, urls in SCHEMA_URLS.items():
        resource = Resource.from_contents(json.loads((DATA / path).read_text(encoding="utf-8")))
        for url in urls:
            registry = registry.with_resource(url, resource)
    schema = json.loads((example.parent / "schema.json").read_text(encoding="utf-8"))
    original = json.loads((example.parent / "example.jsonld").read_text(encoding="utf-8"))
    r = client.post(
        BASE + "/entities?options=keyValues",
        json.dumps(original),
        content_type="application/ld+json",
        **_auth(staff_key),
    )
    assert r.status_code == 201, r.content
    link = f'<{original["@context"][-1]}>; rel="http://www.w3.org/ns/json-ld#context"'
    got = client.get(f"{BASE}/entities/{original['id']}?options=keyValues", HTTP_LINK=link).json()
    errors = list(Draft202012Validator(schema, registry=registry).iter_errors(got))
    assert errors == [], [e.message for e in errors[:3]]
