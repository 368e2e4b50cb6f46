"""Pages of demand-responsive rides: booking (also by proxy), the ride, the dispatch board, GTFS-Flex."""

from __future__ import annotations

import zipfile
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from kyoso.mobility.models import DispatchRun, RideRequest, RideStatus
from tests.mobility.demand_fixtures import demand_zone, tomorrow

pytestmark = pytest.mark.django_db


def _post(client: Client, city, **extra):  # type: ignore[no-untyped-def]
    data = {"service": "minami", "origin": "minami:0", "destination": "minami:1",
            "date": tomorrow().isoformat(), "time": "10:00", "passengers": "1", **extra}  # fmt: skip
    return client.post(f"/{city.slug}/mobility/demand/", data)


def test_a_citizen_books_and_sees_the_pickup_time(
    client: Client, city, citizen, operator_user
) -> None:
    demand_zone(city, operator_user)
    client.force_login(citizen)
    page = client.get(f"/{city.slug}/mobility/demand/")
    assert "みなみ号" in page.content.decode() and "坂下集会所" in page.content.decode()
    response = _post(client, city)
    ride = RideRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/demand/rides/{ride.pk}/"
    )
    page = client.get(response["Location"]).content.decode()
    assert ride.status == RideStatus.SCHEDULED
    assert f"{ride.planned_pickup.astimezone(ZoneInfo(city.time_zone)):%H:%M}" in page
    assert "みなみ号1" in page
    features = client.get(f"/{city.slug}/mobility/demand/rides/{ride.pk}/map.geojson").json()[
        "features"
    ]
    assert [f["properties"]["symbol"] for f in features] == ["乗", "降", "車"]


def test_a_booking_outside_the_hours_is_refused_on_the_form(
    client: Client, city, citizen, operator_user
) -> None:
    demand_zone(city, operator_user)
    client.force_login(citizen)
    response = _post(client, city, time="19:00")
    assert response.status_code == 200 and "その時刻は運行していません" in response.content.decode()
    assert not RideRequest.objects.exists()


def test_a_point_picked_on_the_map(client: Client, city, citizen, operator_user) -> None:
    demand_zone(city, operator_user)
    client.force_login(citizen)
    _post(client, city, origin="__map__", origin_lat="36.59", origin_lon="140.64")
    ride = RideRequest.objects.get()
    assert (ride.origin_lat, ride.origin_lon) == (36.59, 140.64)


def test_staff_book_for_a_citizen_by_e_mail(
    client: Client, city, citizen, staff, operator_user
) -> None:
    demand_zone(city, operator_user)
    client.force_login(staff)
    assert "id_rider_email" in client.get(f"/{city.slug}/mobility/demand/").content.decode()
    _post(client, city, rider_email=citizen.email)
    ride = RideRequest.objects.get()
    assert ride.rider == citizen and ride.is_proxy
    client.force_login(citizen)
    page = client.get(f"/{city.slug}/mobility/demand/rides/{ride.pk}/").content.decode()
    assert "職員" in page


def test_citizens_cannot_book_for_others_or_see_their_rides(
    client: Client, city, citizen, staff, operator_user
) -> None:
    demand_zone(city, operator_user)
    client.force_login(staff)
    _post(client, city)
    client.force_login(citizen)
    assert "id_rider_email" not in client.get(f"/{city.slug}/mobility/demand/").content.decode()
    ride = RideRequest.objects.get()
    assert client.get(f"/{city.slug}/mobility/demand/rides/{ride.pk}/").status_code == 404
    assert client.get(f"/{city.slug}/mobility/staff/demand/minami/").status_code == 403


def test_the_rider_cancels(client: Client, city, citizen, operator_user) -> None:
    demand_zone(city, operator_user)
    client.force_login(citizen)
    _post(client, city)
    ride = RideRequest.objects.get()
    client.post(f"/{city.slug}/mobility/demand/rides/{ride.pk}/cancel/")
    ride.refresh_from_db()
    assert ride.status == RideStatus.CANCELLED


def test_dispatch_board_and_reoptimise(
    client: Client, city, citizen, operator_user, django_assert_max_num_queries
) -> None:
    demand_zone(city, operator_user)
    client.force_login(citizen)
    for origin in ("minami:0", "minami:2"):
        _post(client, city, origin=origin)
    client.force_login(operator_user)
    url = f"/{city.slug}/mobility/staff/demand/minami/?date={tomorrow().isoformat()}"
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert page.count("坂下集会所") >= 1 and "スーパー坂下店" in page and "2 件中 2 件" in page
    runs = DispatchRun.objects.count()
    client.post(url)
    assert DispatchRun.objects.count() == runs + 1


def test_gtfs_flex_export_and_import_pages(client: Client, city, other_city, operator_user) -> None:
    from tests.core.factories import MembershipFactory

    demand_zone(city, operator_user)
    data = client.get(f"/{city.slug}/mobility/demand/minami/gtfs-flex.zip").content
    assert "locations.geojson" in zipfile.ZipFile(BytesIO(data)).namelist()
    other = MembershipFactory(city=other_city, role="operator").user
    client.force_login(other)
    upload = BytesIO(data)
    upload.name = "flex.zip"
    page = client.post(
        f"/{other_city.slug}/mobility/staff/demand/", {"file": upload}
    ).content.decode()
    assert "1 件" in page or "取り込みました" in page
    assert (
        client.get(f"/{other_city.slug}/mobility/demand/").content.decode().count("みなみ号") >= 1
    )
