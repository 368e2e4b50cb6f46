"""Maps people can read: the offline base map, the gazetteer, the district of a point, tiles."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kyoso.core.errors import PermissionDeniedError
from kyoso.core.geometry import point_in_polygon, point_in_ring, ring_centroid
from kyoso.core.models import AuditEvent, District, PlaceKind
from kyoso.core.selectors import district_at, gazetteer
from kyoso.core.services import place_save
from tests.core.maps_city import make_map_city
from tests.core.test_settings import _run

SQUARE = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]
HOLE = [[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5], [0.5, 0.5]]


def test_point_in_polygon_counts_inside_edges_and_holes() -> None:
    assert point_in_ring((1, 1), SQUARE)
    assert point_in_ring((2, 1), SQUARE)  # on an edge counts in
    assert not point_in_ring((3, 1), SQUARE)
    assert not point_in_ring((1, -0.1), SQUARE)
    donut = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
    assert point_in_polygon((0.25, 0.25), donut)
    assert not point_in_polygon((1, 1), donut)
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[5, 5], [6, 5], [6, 6], [5, 5]]]]}
    assert point_in_polygon((5.8, 5.5), multi)
    assert not point_in_polygon((5.2, 5.8), multi)
    assert not point_in_polygon((1, 1), {"type": "Point", "coordinates": [1, 1]})


def test_ring_centroid_of_an_l_shape_lies_in_its_larger_arm() -> None:
    assert ring_centroid(SQUARE) == pytest.approx((1.0, 1.0))
    ell = [[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4], [0, 0]]
    x, y = ring_centroid(ell)
    assert x == pytest.approx(y) and 1.0 < x < 1.5


@pytest.mark.django_db
def test_district_at_follows_the_outline_not_the_nearest_centre(city) -> None:  # type: ignore[no-untyped-def]
    west, east = District.objects.filter(city=city).order_by("pk")[:2]
    west.outline = {"type": "Polygon", "coordinates": [SQUARE]}
    west.center_lat, west.center_lon = 0.1, 0.1
    east.outline = {}
    east.center_lat, east.center_lon = 1.9, 2.1  # nearer to the point, but it has no outline there
    west.save()
    east.save()
    assert district_at(city, 1.8, 1.9) == west
    assert district_at(city, 1.9, 3.0) == east  # outside every outline: the nearest centre
    assert district_at(city, None, 1.0) is None


@pytest.mark.django_db
def test_the_demo_towns_lie_in_their_districts() -> None:
    from kyoso.core.demo_places import HITACHI_TOWNS
    from kyoso.core.models import Place

    city = make_map_city()
    for code, towns in HITACHI_TOWNS.items():
        for name, _reading in towns:
            place = Place.objects.get(city=city, name_ja=name)
            assert district_at(city, place.lat, place.lon).code == code, name


@pytest.mark.django_db
def test_base_map_has_named_districts_places_and_transport(  # type: ignore[no-untyped-def]
    tmp_path, django_capture_on_commit_callbacks
) -> None:
    city = make_map_city(tmp_path)
    response = Client().get("/hitachi/map/base.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=" in response["Cache-Control"]
    data = json.loads(response.content)
    layers: dict[str, list[dict]] = {}
    for f in data["features"]:
        layers.setdefault(f["properties"]["layer"], []).append(f)
    assert len(layers["district"]) == len(layers["district_label"]) == 23
    assert {f["properties"]["name_ja"] for f in layers["district_label"]} >= {"河原子", "会瀬"}
    assert any(f["properties"]["name_ja"] == "河原子町" for f in layers["town"])
    assert all(f["geometry"]["type"] == "LineString" for f in layers["route"])
    assert len(layers["route"]) >= 2 and layers["station"] and layers["stop"]
    assert [f["properties"]["name_ja"] for f in layers["hospital"]] == ["日立総合病院"]
    assert [f["properties"]["name_ja"] for f in layers["community_centre"]] == [
        "河原子交流センター"
    ]
    assert [f["properties"]["name_ja"] for f in layers["city_hall"]] == ["日立市役所"]
    # The same document again is "not modified"; a newly named place changes it at once.
    etag = response["ETag"]
    assert Client().get("/hitachi/map/base.geojson", HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        place_save(
            actor=_system(),
            city=city,
            kind=PlaceKind.LANDMARK,
            name_ja="日立駅の海の見える通路",
            lat=36.5905,
            lon=140.6620,
        )
    again = Client().get("/hitachi/map/base.geojson", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and "日立駅の海の見える通路" in again.content.decode()


def _system():  # type: ignore[no-untyped-def]
    from kyoso.core.services import system_actor

    return system_actor()


@pytest.mark.django_db(transaction=True)
def test_each_city_has_its_own_base_map(other_city) -> None:  # type: ignore[no-untyped-def]
    make_map_city()
    text = Client().get("/takahagi/map/base.geojson").content.decode()
    assert "河原子" not in text
    assert Client().get("/nowhere/map/base.geojson").status_code == 404


@pytest.mark.django_db
def test_gazetteer_names_kinds_in_japanese_and_finds_readings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    make_map_city(tmp_path)
    data = json.loads(Client().get("/hitachi/map/places.json").content)["places"]
    kinds = {(p["name"], p["kind"]) for p in data}
    assert ("河原子", "学区") in kinds and ("河原子町", "町名") in kinds
    assert ("日立総合病院", "病院") in kinds and ("河原子交流センター", "交流センター") in kinds
    assert any(k == "バス停" for _n, k in kinds) and any(k == "駅" for _n, k in kinds)
    town = next(p for p in data if p["name"] == "河原子町")
    assert "かわらごちょう" in town["match"]
    assert data[0]["kind"] == "学区"  # districts come first
    assert len({(p["name"], p["kind"]) for p in data}) == len(data)  # platforms are one stop


@pytest.mark.django_db
def test_where_says_the_district_back_in_words() -> None:
    city = make_map_city()
    kawarago = District.objects.get(city=city, code="kawarago")
    response = Client().get(
        "/hitachi/map/where.json", {"lat": kawarago.center_lat, "lon": kawarago.center_lon}
    )
    body = response.json()
    assert body["district"]["code"] == "kawarago"
    assert body["sentence"] == "河原子 学区 で よろしいですか？"
    assert Client().get("/hitachi/map/where.json", {"lat": "x"}).status_code == 400


@pytest.mark.django_db
def test_a_report_is_filed_under_the_district_its_outline_holds() -> None:
    """The report goes where the picker said, the district whose outline holds the point."""
    from kyoso.voice.services import report_create
    from tests.voice.factories import ServiceTypeFactory

    city = make_map_city()
    ServiceTypeFactory(city=city, code="streetlight")
    kawarago = District.objects.get(city=city, code="kawarago")
    lat, lon = 36.5455, 140.6425
    assert district_at(city, lat, lon) == kawarago
    report = report_create(city=city, service_code="streetlight", description="x", lat=lat, lon=lon)
    assert report.district == kawarago


@pytest.mark.django_db
def test_only_staff_name_places_and_it_is_audited(city, citizen, staff) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        place_save(actor=citizen, city=city, kind="town", name_ja="河原子町", lat=36.5, lon=140.6)
    place = place_save(
        actor=staff,
        city=city,
        kind="town",
        name_ja="河原子町",
        reading="かわらごちょう",
        lat=36.545,
        lon=140.65,
    )
    assert AuditEvent.objects.filter(city=city, actor=staff, action="place.create").exists()
    assert gazetteer(city)[-1]["match"] == sorted(["河原子町", "かわらごちょう"])
    assert place.city == city


def test_production_defaults_to_gsi_tiles_with_attribution(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "KYOSO_ENV": "production",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-key-for-the-test-0123456789",
        "ALLOWED_HOSTS": "kyoso.example.jp",
        "KYOSO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite3",
        "KYOSO_HEALTH_KEYS": "mM0c2yQv4bYH1pD9D3pC2m9oZ0Vd3xk4Z9yYvG0a1Xc=",
        "KYOSO_HEALTH_INDEX_KEY": "an-index-key-for-the-test",
    }
    code = (
        "from django.conf import settings as s; print(s.KYOSO_TILE_URL); "
        "print(s.KYOSO_TILE_ATTRIBUTION); print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    out = _run(env, "shell", "-c", code)
    assert out.returncode == 0, out.stderr
    url, attribution, img_src = out.stdout.splitlines()[-3:]
    assert url == "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
    assert "出典：国土地理院" in attribution
    assert "https://maps.gsi.go.jp/development/ichiran.html" in attribution
    assert "https://cyberjapandata.gsi.go.jp" in img_src
    own = _run(
        {
            **env,
            "KYOSO_TILE_URL": "https://tiles.example.jp/{z}/{x}/{y}.png",
            "KYOSO_TILE_ATTRIBUTION": "© 例",
        },
        "shell",
        "-c",
        code,
    )
    assert own.stdout.splitlines()[-3:-1] == ["https://tiles.example.jp/{z}/{x}/{y}.png", "© 例"]
    offline = _run({**env, "KYOSO_TILE_URL": "none"}, "shell", "-c", code)
    assert offline.stdout.splitlines()[-3:-1] == ["", ""]


def test_development_and_tests_fetch_no_tiles() -> None:
    from django.conf import settings

    assert settings.KYOSO_TILE_URL == ""
