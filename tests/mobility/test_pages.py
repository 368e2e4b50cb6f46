from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kyoso.mobility.models import Stop
from tests.mobility.factories import FacilityFactory

pytestmark = pytest.mark.django_db


def test_index_search_and_map(client, city, tiny_feed, django_assert_max_num_queries):
    url = reverse("mobility:index", args=[city.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"q": "病院"})
    assert response.status_code == 200
    assert "病院前" in response.content.decode()
    assert 'data-refresh="15"' in response.content.decode()


def test_stop_page_and_sign_mode(client, city, tiny_feed, django_assert_max_num_queries):
    FacilityFactory(city=city)
    stop = Stop.objects.get(feed=tiny_feed, stop_id="S3")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("mobility:stop", args=[city.slug, stop.pk]))
    assert response.status_code == 200
    assert 'hx-trigger="every 30s"' in response.content.decode()
    sign = client.get(reverse("mobility:sign", args=[city.slug, stop.pk]))
    assert 'http-equiv="refresh"' in sign.content.decode()
    partial = client.get(reverse("mobility:stop_departures", args=[city.slug, stop.pk]))
    # 病院前 ends every trip: arrivals there are not departures.
    assert "departures-updated" in partial.content.decode()
    assert "このあと90分間に出発する便はありません。" in partial.content.decode()


def test_journey_page_shows_legs(client, city, tiny_feed):
    response = client.get(
        reverse("mobility:journey", args=[city.slug]),
        {"origin": "中央駅", "destination": "病院前", "date": (timezone.localdate() + timedelta(days=30)).isoformat(), "time": "07:30",
         "max_transfers": "2"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "08:00" in body and "08:20" in body
    unknown = client.get(
        reverse("mobility:journey", args=[city.slug]),
        {"origin": "どこにもない", "destination": "病院前", "date": (timezone.localdate() + timedelta(days=30)).isoformat(), "time": "07:30",
         "max_transfers": "2"},
    )  # fmt: skip
    assert "errorlist" in unknown.content.decode() or "aria-invalid" in unknown.content.decode()


def test_staff_pages_need_roles(
    client, city, citizen, staff, operator_user, clinic, clinic_organisation, tiny_feed
):
    client.force_login(citizen)
    for name in ("feeds", "crowding", "ridership"):
        assert client.get(reverse(f"mobility:{name}", args=[city.slug])).status_code == 403
    client.force_login(operator_user)
    assert client.get(reverse("mobility:feeds", args=[city.slug])).status_code == 200
    assert client.get(reverse("mobility:ridership", args=[city.slug])).status_code == 200
    client.force_login(clinic)
    facility = FacilityFactory(city=city, organisation=clinic_organisation)
    other = FacilityFactory(city=city, code="someone-elses")
    page = client.get(reverse("mobility:crowding", args=[city.slug])).content.decode()
    assert f'value="{facility.code}"' in page and f'value="{other.code}"' not in page
    refused = client.post(
        reverse("mobility:crowding", args=[city.slug]),
        {"facility": other.code, "waiting_minutes": "5", "crowding": "", "valid_minutes": "60"},
    )
    assert refused.status_code == 200  # the form refuses a facility it did not offer
    response = client.post(
        reverse("mobility:crowding", args=[city.slug]),
        {
            "facility": facility.code,
            "waiting_minutes": "35",
            "crowding": "high",
            "valid_minutes": "60",
        },
    )
    assert response.status_code == 302


def test_gtfs_rt_endpoints_serve_protobuf(client, city):
    for name in ("gtfs_rt_trip_updates", "gtfs_rt_vehicles", "gtfs_rt_alerts"):
        response = client.get(reverse(f"mobility:{name}", args=[city.slug]))
        assert response["Content-Type"] == "application/x-protobuf"


def _weekday_after(days: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.isoformat()


@pytest.fixture
def demo_places(city, demo_feed):  # type: ignore[no-untyped-def]
    from kyoso.mobility.demo import FACILITIES

    for code, ja, en, kind, stop_ids, *_rest in FACILITIES:
        FacilityFactory(city=city, code=code, name_ja=ja, name_en=en, kind=kind, stop_ids=stop_ids)
    return demo_feed


@pytest.mark.parametrize(
    ("typed", "stop"),
    [
        ("ひたち医療センター", "多賀駅前"),
        ("市役所", "日立駅中央口"),
        ("日立総合病院前", "日立総合病院"),
    ],
)
def test_journey_finds_facilities_not_only_stop_names(client, city, demo_places, typed, stop):
    response = client.get(
        reverse("mobility:journey", args=[city.slug]),
        {"origin": "日立駅", "destination": typed, "date": _weekday_after(7), "time": "09:00",
         "max_transfers": "2", "walk": "standard"},
    )  # fmt: skip
    body = response.content.decode()
    assert 'id="journey-results"' in body and "did-you-mean" not in body
    assert f"日立駅 から {stop} まで" in body
    assert "この名前の" not in body


def test_a_generic_word_asks_did_you_mean(client, city, demo_places):
    response = client.get(
        reverse("mobility:journey", args=[city.slug]),
        {"origin": "日立駅", "destination": "病院", "date": _weekday_after(7), "time": "09:00",
         "max_transfers": "2", "walk": "standard"},
    )  # fmt: skip
    body = response.content.decode()
    assert 'id="journey-results"' not in body  # not silently one of the hospitals
    assert "こちらのことですか" in body
    assert "日立総合病院</a>" in body and "ひたち医療センター</a>" in body
    assert "destination=%E3%81%B2%E3%81%9F%E3%81%A1" in body  # the link repeats the search


def test_suggestions_name_places_of_every_kind(client, city, demo_places):
    data = client.get(reverse("mobility:stop_names", args=[city.slug]), {"q": "センター"}).json()
    kinds = {p["name"]: p["kind"] for p in data["places"]}
    assert kinds["ひたち医療センター"] == "facility" and kinds["おさかなセンター"] == "stop"
