"""Open311 GeoReport v2: the endpoints as an external client (georeport) sees them on a live server."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from georeport import GeoReport

from kyoso.core.services import api_token_create
from kyoso.voice import services
from kyoso.voice.models import Report
from tests.core.factories import MembershipFactory
from tests.second_step import authenticator
from tests.voice.factories import ReportFactory, ServiceAttributeFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(city, staff):  # type: ignore[no-untyped-def]
    service = ServiceTypeFactory(city=city, code="pothole", name_ja="道路の穴", name_en="Pothole")
    ServiceAttributeFactory(service=service)
    ServiceTypeFactory(city=city, code="streetlight", name_ja="街灯", name_en="Street light")
    _client, key = services.open311_client_create(city=city, actor=staff, name="test app")
    return {"service": service, "key": key}


def test_georeport_client_reads_services_and_definition(live_server, city, setup):
    client = GeoReport(f"{live_server.url}/{city.slug}/open311/v2")
    codes = {s["service_code"]: s for s in client.get_service_list()}
    assert set(codes) == {"pothole", "streetlight"}
    assert codes["pothole"]["metadata"] is True and codes["streetlight"]["metadata"] is False
    assert codes["pothole"]["type"] == "realtime"
    definition = client.get_service_definition("pothole")
    assert definition["service_code"] == "pothole"
    attr = definition["attributes"][0]
    assert (
        attr["code"] == "SIZE"
        and attr["datatype"] == "singlevaluelist"
        and attr["required"] is True
    )
    assert [v["key"] for v in attr["values"]] == ["small", "large"]


def test_post_then_read_back_with_client_json_and_xml(live_server, city, setup):
    base = f"{live_server.url}/{city.slug}/open311/v2"
    response = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": setup["key"],
            "service_code": "pothole",
            "lat": "36.59",
            "long": "140.65",
            "description": "大きな穴",
            "attribute[SIZE]": "large",
            "email": "a@example.jp",
            "first_name": "花子",
            "media_url": "https://example.jp/p.jpg",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert len(created) == 1 and created[0]["service_request_id"]
    request_id = created[0]["service_request_id"]
    token = created[0]["token"]

    client = GeoReport(base)
    one = client.get_service_request(request_id)
    assert one["service_code"] == "pothole" and one["status"] == "open"
    assert one["lat"] == pytest.approx(36.59) and one["long"] == pytest.approx(140.65)
    assert one["media_url"] == "https://example.jp/p.jpg"
    assert "email" not in one  # personal data is never published

    xml_client = GeoReport(base, output_format="xml")
    from_xml = xml_client.get_service_request(request_id)
    assert from_xml["service_request_id"] == request_id and from_xml["description"] == "大きな穴"
    services_xml = xml_client.get_service_list()
    assert {s["service_code"] for s in services_xml} == {"pothole", "streetlight"}

    tokens = requests.get(f"{base}/tokens/{token}.json", timeout=10).json()
    assert tokens == [{"service_request_id": request_id, "token": token}]
    assert Report.objects.get(pk=int(request_id)).attributes == {"SIZE": "large"}


def test_request_list_filters_and_default_window(live_server, city, setup):
    old = ReportFactory(city=city, service=setup["service"])
    Report.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=120))
    open_ = ReportFactory(city=city, service=setup["service"])
    closed = ReportFactory(city=city, service=setup["service"], status="closed")
    client = GeoReport(f"{live_server.url}/{city.slug}/open311/v2")
    ids = {r["service_request_id"] for r in client.get_service_requests()}
    assert ids == {str(open_.pk), str(closed.pk)}
    only_closed = client.get_service_requests(status="closed")
    assert [r["service_request_id"] for r in only_closed] == [str(closed.pk)]
    by_id = client.get_service_requests(service_request_id=f"{old.pk},{closed.pk}")
    assert {r["service_request_id"] for r in by_id} == {str(old.pk), str(closed.pk)}
    start = (timezone.now() - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ranged = client.get_service_requests(start_date=start, end_date=end)
    assert [r["service_request_id"] for r in ranged] == [str(old.pk)]


def test_root_endpoint_with_jurisdiction(live_server, city, other_city, setup):
    ServiceTypeFactory(city=other_city, code="dumping", name_ja="不法投棄", name_en="Dumping")
    by_slug = GeoReport(f"{live_server.url}/open311/v2", jurisdiction=city.slug).get_service_list()
    by_code = GeoReport(
        f"{live_server.url}/open311/v2", jurisdiction=other_city.municipality_code
    ).get_service_list()
    assert {s["service_code"] for s in by_slug} == {"pothole", "streetlight"}
    assert [s["service_code"] for s in by_code] == ["dumping"]
    missing = requests.get(f"{live_server.url}/open311/v2/services.json", timeout=10)
    assert missing.status_code == 400
    assert (
        missing.json()[0]["code"] == 400 and "jurisdiction_id" in missing.json()[0]["description"]
    )


def test_errors_are_open311_lists(live_server, city, setup):
    base = f"{live_server.url}/{city.slug}/open311/v2"
    bad_key = requests.post(
        f"{base}/requests.json",
        data={"api_key": "nope", "service_code": "pothole", "lat": "36", "long": "140"},
        timeout=10,
    )
    assert bad_key.status_code == 403 and bad_key.json()[0]["code"] == 403
    no_place = requests.post(
        f"{base}/requests.json",
        data={"api_key": setup["key"], "service_code": "pothole", "attribute[SIZE]": "small"},
        timeout=10,
    )
    assert no_place.status_code == 400 and "lat" in no_place.json()[0]["description"]
    bad_attr = requests.post(
        f"{base}/requests.xml",
        data={
            "api_key": setup["key"],
            "service_code": "pothole",
            "address_string": "助川町1",
            "attribute[SIZE]": "huge",
        },
        timeout=10,
    )
    assert bad_attr.status_code == 400
    root = ET.fromstring(bad_attr.content)  # noqa: S314 - our own server
    assert root.tag == "errors" and root.find("error/code").text == "400"
    unknown = requests.get(f"{base}/requests/999999.json", timeout=10)
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    bad_status = requests.get(f"{base}/requests.json?status=maybe", timeout=10)
    assert bad_status.status_code == 400
    assert requests.get(f"{base}/services/nope.xml", timeout=10).status_code == 404
    assert Report.objects.count() == 0


def test_xml_discovery_shape(live_server, city, setup):
    response = requests.get(f"{live_server.url}/{city.slug}/open311/v2/discovery.xml", timeout=10)
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own server
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert endpoint.find("specification").text == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert endpoint.find("url").text.endswith(f"/{city.slug}/open311/v2")


def test_member_api_token_is_accepted_and_tenancy(live_server, city, other_city, setup):
    member = MembershipFactory(city=city, role="citizen").user
    authenticator(member)  # staff keys work only once the account has two-step sign-in
    _token, key = api_token_create(user=member, name="app")
    base = f"{live_server.url}/{city.slug}/open311/v2"
    ok = requests.post(
        f"{base}/requests.json",
        data={"api_key": key, "service_code": "streetlight", "address_string": "助川町1-1"},
        timeout=10,
    )
    assert ok.status_code == 201
    report = Report.objects.get()
    assert report.reporter == member
    # The other city's endpoint neither accepts this city's key nor shows its reports.
    other = f"{live_server.url}/{other_city.slug}/open311/v2"
    assert (
        requests.post(
            f"{other}/requests.json",
            data={"api_key": setup["key"], "service_code": "streetlight", "address_string": "x"},
            timeout=10,
        ).status_code
        == 403
    )
    assert GeoReport(other).get_service_requests() == []
    assert requests.get(f"{other}/requests/{report.pk}.json", timeout=10).status_code == 404
