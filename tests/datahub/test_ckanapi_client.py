"""A real CKAN client from PyPI (ckanapi) against Kyoso's live server."""

from __future__ import annotations

import ckanapi
import pytest

from kyoso.core.services import api_token_create


@pytest.mark.django_db(transaction=True)
def test_ckanapi_reads_the_catalogue(  # type: ignore[no-untyped-def]
    live_server, city, reports_dataset, kpi_dataset, restricted_dataset, consortium_member
) -> None:
    site = ckanapi.RemoteCKAN(f"{live_server.url}/{city.slug}", user_agent="kyoso-test")
    action = site.action
    assert action.package_list() == ["kpi-actuals", "reports"]
    package = action.package_show(id="reports")
    assert package["title"] == "地区別・種類別の通報件数"
    assert package["license_id"] == "CC-BY-4.0"
    assert package["resources"][0]["format"] == "CSV"

    found = action.package_search(
        q="通報", rows=5, start=0, sort="title asc", **{"facet.field": ["res_format", "tags"]}
    )
    assert found["count"] == 1 and found["results"][0]["name"] == "reports"
    assert found["facets"]["tags"] == {"通報": 1, "道路": 1}
    by_format = action.package_search(fq="res_format:JSON")
    assert [p["name"] for p in by_format["results"]] == ["kpi-actuals"]
    assert action.organization_list() == []

    resource_id = package["resources"][0]["id"]
    assert action.resource_show(id=resource_id)["name"] == "通報件数 (CSV)"
    table = action.datastore_search(
        resource_id=resource_id, limit=10, offset=0, sort="district asc"
    )
    assert table["total"] == 4
    # The 3 streetlight reports of 大沼 are below k = 10: that cell and its complements are blank.
    assert all(r["reports"] is None for r in table["records"])

    with pytest.raises(ckanapi.NotFound):
        action.package_show(id="consortium-energy")
    with pytest.raises(ckanapi.ValidationError):
        action.package_search(fq="colour:red")

    member = ckanapi.RemoteCKAN(
        f"{live_server.url}/{city.slug}",
        apikey=api_token_create(user=consortium_member, name="ckan")[1],
        user_agent="kyoso-test",
    )
    assert member.action.package_show(id="consortium-energy")["private"] is True
    assert member.action.organization_list() == ["green-consortium"]
