"""A city for map tests: the demo's 23 districts with outlines, its 町名, facilities, a feed."""

from __future__ import annotations

import math
from pathlib import Path

from kyoso.core.demo import HITACHI_DISTRICTS, HITACHI_OUTLINE
from kyoso.core.demo_places import make_places
from kyoso.core.geometry import as_geojson_polygon, voronoi_cells
from kyoso.core.models import City, District
from kyoso.core.services import system_actor
from tests.core.factories import CityFactory


def make_map_city(tmp_path: Path | None = None) -> City:
    """Return 日立市 with the demo's districts and places; with ``tmp_path``, the demo feed and
    facilities too (stops, route lines, a hospital, a community centre, city hall)."""
    city = CityFactory(
        slug="hitachi",
        name_ja="日立市",
        name_en="Hitachi City",
        municipality_code="082023",
        center_lat=36.60,
        center_lon=140.65,
        map_zoom=11,
    )
    sites = [(lon, lat) for *_names, lat, lon in HITACHI_DISTRICTS]
    cells = voronoi_cells(sites, HITACHI_OUTLINE, lat_scale=1 / math.cos(math.radians(36.6)))
    District.objects.bulk_create(
        District(
            city=city,
            code=code,
            name_ja=ja,
            name_en=en,
            center_lat=lat,
            center_lon=lon,
            outline=as_geojson_polygon(cells[i]),
            sort_order=i,
        )
        for i, (code, ja, en, lat, lon) in enumerate(HITACHI_DISTRICTS)
    )
    make_places(city)
    if tmp_path is not None:
        from kyoso.mobility.demo_feed import write_demo_feed
        from kyoso.mobility.services import facility_save, feed_import

        result = feed_import(city=city, source=write_demo_feed(tmp_path / "demo"), actor=None)
        assert result.feed is not None, result.errors
        actor = system_actor()
        for code, ja, kind, lat, lon in (
            ("hitachi-general-hospital", "日立総合病院", "hospital", 36.5905, 140.6555),
            (
                "community-centre-kawarago",
                "河原子交流センター",
                "community_centre",
                36.5438,
                140.651,
            ),
            ("city-hall", "日立市役所", "office", 36.5992, 140.6513),
        ):
            facility_save(
                city=city, actor=actor, code=code, name_ja=ja, kind=kind, lat=lat, lon=lon
            )
    return city
