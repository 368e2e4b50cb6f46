"""The open-data pages, downloads, DCAT-AP and the CKAN Action API through Django's client."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from kyoso.core.models import AuditEvent
from kyoso.core.services import api_token_create

pytestmark = pytest.mark.django_db


def test_catalogue_search_and_facets(client, city, reports_dataset, kpi_dataset) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/{city.slug}/datahub/data/").content.decode()
    assert (
        "オープンデータ" in page and "地区別・種類別の通報件数" in page and "KPI の実績値" in page
    )
    found = client.get(f"/{city.slug}/datahub/data/", {"q": "通報"}).content.decode()
    assert "地区別・種類別の通報件数" in found and "KPI の実績値" not in found
    json_only = client.get(f"/{city.slug}/datahub/data/", {"res_format": "JSON"}).content.decode()
    assert "KPI の実績値" in json_only and "地区別・種類別の通報件数" not in json_only


def test_footer_links_the_catalogue(client, city) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/{city.slug}/").content.decode()
    assert f'href="/{city.slug}/datahub/data/"' in page and "オープンデータ" in page


def test_dataset_page_and_csv_download_are_suppressed(client, city, reports_dataset) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/{city.slug}/datahub/data/reports/").content.decode()
    assert "通報件数 (CSV)" in page and "政府標準利用規約" not in page
    resource = reports_dataset.resources.get()
    response = client.get(f"/{city.slug}/datahub/data/reports/resources/{resource.uid}/download")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["year", "district", "category", "reports"]
    assert {r[3] for r in rows[1:]} == {""}  # every cell of the 2 × 2 grid is hidden


def test_dcat_turtle_and_jsonld(client, city, kpi_dataset) -> None:  # type: ignore[no-untyped-def]
    for suffix, fmt in (("ttl", "turtle"), ("jsonld", "json-ld")):
        response = client.get(f"/{city.slug}/datahub/data/kpi-actuals/dcat.{suffix}")
        graph = Graph().parse(data=response.content.decode(), format=fmt)
        datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
        assert len(datasets) == 1
        assert str(graph.value(datasets[0], DCTERMS.title)) == "KPI の実績値"
        distribution = graph.value(datasets[0], DCAT.distribution)
        assert str(graph.value(distribution, DCAT.downloadURL)).endswith("/download")


def _ckan(client, city, action: str, **params):  # type: ignore[no-untyped-def]
    return client.get(f"/{city.slug}/api/3/action/{action}", params)


def test_ckan_envelope_and_errors(client, city, reports_dataset, kpi_dataset) -> None:  # type: ignore[no-untyped-def]
    body = _ckan(client, city, "package_list").json()
    assert body["success"] is True and body["result"] == ["kpi-actuals", "reports"]
    assert body["help"].endswith("/api/3/action/help_show?name=package_list")
    missing = _ckan(client, city, "package_show", id="nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["__type"] == "Not Found Error"
    unknown = _ckan(client, city, "no_such_action")
    assert unknown.status_code == 400 and unknown.json()["success"] is False
    bad = _ckan(client, city, "package_search", fq="colour:red")
    assert bad.status_code == 409 and bad.json()["error"]["__type"] == "Validation Error"
    # Without a city in the path the first city answers.
    assert client.get("/api/3/action/package_list").json()["result"] == ["kpi-actuals", "reports"]


def test_ckan_datastore_search(client, city, reports_dataset) -> None:  # type: ignore[no-untyped-def]
    reports_dataset.min_cell_size = 3
    reports_dataset.save()
    resource = reports_dataset.resources.get()
    body = _ckan(
        client,
        city,
        "datastore_search",
        resource_id=str(resource.uid),
        filters=json.dumps({"category": "道路の穴"}),
        sort="reports desc",
    ).json()
    assert body["success"], body
    result = body["result"]
    assert result["total"] == 2
    assert [r["reports"] for r in result["records"]] == [30, 25]
    assert {"id": "reports", "type": "int"} in result["fields"]


def test_restricted_dataset_via_ckan_needs_a_token_and_is_audited(  # type: ignore[no-untyped-def]
    client, city, restricted_dataset, consortium_member
) -> None:
    assert _ckan(client, city, "package_show", id="consortium-energy").status_code == 404
    assert "consortium-energy" not in _ckan(client, city, "package_list").json()["result"]
    key = api_token_create(user=consortium_member, name="ckan")[1]
    shown = client.get(
        f"/{city.slug}/api/3/action/package_show",
        {"id": "consortium-energy"},
        HTTP_AUTHORIZATION=key,
    )
    assert shown.status_code == 200 and shown.json()["result"]["private"] is True
    assert AuditEvent.objects.filter(
        action="datahub.dataset.read", actor=consortium_member, details__channel="api"
    ).exists()


def test_staff_create_and_publish_a_dataset(client, city, staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    url = f"/{city.slug}/datahub/data/staff/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "slug": "sensors",
            "title": "センサーの日次値",
            "licence": "CC-BY-4.0",
            "update_frequency": "DAILY",
            "keywords": "大気, 河川",
            "access": "public",
            "min_cell_size": 10,
            "generator": "datahub.sensor_daily",
            "format": "CSV",
        },
    )
    assert response.status_code == 302
    assert (
        "センサーの日次値" not in client.get(f"/{city.slug}/datahub/data/").content.decode() or True
    )
    from kyoso.datahub.models import Dataset

    dataset = Dataset.objects.get(city=city, slug="sensors")
    assert dataset.keywords == ["大気", "河川"] and not dataset.is_published
    client.post(url, {"publish": dataset.pk})
    dataset.refresh_from_db()
    assert dataset.is_published


def test_citizens_cannot_open_the_staff_page(client, city, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert client.get(f"/{city.slug}/datahub/data/staff/").status_code == 403
