"""A real NGSI-LD client from PyPI (Orange's ngsildclient) against Kyoso's live server."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from ngsildclient import Client, Entity

from kyoso.core.services import api_token_create
from kyoso.datahub.services import readings_ingest
from kyoso.datahub.wire import Observation
from tests.second_step import authenticator

ENV_CONTEXT = "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld"


@pytest.mark.django_db(transaction=True)
def test_ngsildclient_against_a_live_server(live_server, city, staff, air_device):  # type: ignore[no-untyped-def]
    readings_ingest(
        city=city, device=air_device, observations=[Observation("pm25", datetime.now(UTC), 8.0)]
    )
    url = urlsplit(live_server.url)
    client = Client(hostname=url.hostname or "", port=url.port or 80, tenant="hitachi")
    authenticator(staff)  # staff keys work only once the account has two-step sign-in
    client.session.headers["Authorization"] = f"Bearer {api_token_create(user=staff, name='c')[1]}"

    entities = []
    for n, value in enumerate([12.0, 31.0, 44.0]):
        e = Entity("AirQualityObserved", f"hitachi:client-{n}", ctx=[ENV_CONTEXT])
        e.prop("pm25", value, unitcode="GQ")
        e.prop("airQualityLevel", "moderate" if value > 30 else "good")
        entities.append(e)
    assert client.create(entities[0]).id == "urn:ngsi-ld:AirQualityObserved:hitachi:client-0"
    ok, _info = client.batch.upsert(entities)
    assert ok

    got = client.get("urn:ngsi-ld:AirQualityObserved:hitachi:client-1", ctx=ENV_CONTEXT)
    assert got["pm25"]["value"] == 31.0 and got["pm25"]["unitCode"] == "GQ"

    found = client.entities.query(type="AirQualityObserved", q="pm25>30", ctx=ENV_CONTEXT)
    assert sorted(e.id for e in found) == [
        "urn:ngsi-ld:AirQualityObserved:hitachi:client-1",
        "urn:ngsi-ld:AirQualityObserved:hitachi:client-2",
    ]
    # Kyoso's own sensor is an entity the client reads like any other.
    sensor = client.get("urn:ngsi-ld:AirQualityObserved:hitachi:air-1", ctx=ENV_CONTEXT)
    assert sensor["pm25"]["value"] == 8.0
    assert client.exists("urn:ngsi-ld:AirQualityObserved:hitachi:client-2")
    client.delete(entities[2])
    assert not client.exists("urn:ngsi-ld:AirQualityObserved:hitachi:client-2")
    client.close()
