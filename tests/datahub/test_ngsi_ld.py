"""The Django-free NGSI-LD parts: @context terms (checked against a real JSON-LD processor,
pyld, with an offline document loader), the q language, geo-relations and temporal arithmetic."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kyoso.datahub.ngsi_ld import geo, temporal
from kyoso.datahub.ngsi_ld.context import CONTEXT_DIR, KNOWN_CONTEXTS, context_for
from kyoso.datahub.ngsi_ld.entity import parse_entity
from kyoso.datahub.ngsi_ld.errors import BadRequestData, LdContextNotAvailable
from kyoso.datahub.ngsi_ld.query import parse_q, prefilter_conditions, q_attributes

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "datahub"
ENV = "https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld"


def _offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    name = KNOWN_CONTEXTS.get(url)
    if name is None:
        raise AssertionError(f"the test would fetch {url}")
    document = json.loads((CONTEXT_DIR / name).read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/datahub is not present")
@pytest.mark.parametrize(
    "example",
    sorted(DATA.glob("dataModel.*/*/example-normalized.jsonld")),
    ids=lambda p: p.parent.name,
)
def test_attribute_iris_are_those_a_json_ld_processor_gives(example: Path) -> None:
    from pyld import jsonld

    document = json.loads(example.read_text(encoding="utf-8"))
    contexts = document["@context"]
    # NGSI-LD always appends the core context (GS CIM 009 §5.5.7).
    full = [*contexts, "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"]
    expanded = jsonld.expand({**document, "@context": full}, {"documentLoader": _offline_loader})[0]
    entity = parse_entity(document, context_for(contexts))
    assert entity.type == expanded["@type"][0]
    system = {"https://uri.etsi.org/ngsi-ld/createdAt", "https://uri.etsi.org/ngsi-ld/modifiedAt"}
    assert set(entity.attrs) == {k for k in expanded if not k.startswith("@")} - system


def test_unknown_context_urls_are_never_fetched() -> None:
    with pytest.raises(LdContextNotAvailable):
        context_for("https://example.org/context.jsonld")
    inline = context_for({"pm": "https://example.org/pm"})
    assert inline.expand("pm") == "https://example.org/pm"
    assert inline.expand("other") == "https://uri.etsi.org/ngsi-ld/default-context/other"
    assert inline.expand("location") == "https://uri.etsi.org/ngsi-ld/location"
    assert inline.compact("https://example.org/pm") == "pm"


def _attrs(**values: Any) -> dict[str, dict[str, Any]]:
    context = context_for(ENV)
    out = {}
    for name, value in values.items():
        if isinstance(value, dict):
            out[context.expand(name)] = value
        else:
            out[context.expand(name)] = {
                "type": "Property",
                "value": value,
                "observedAt": "2026-11-01T00:00:00Z",
            }
    return out


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("pm25>20", True),
        ("pm25>=25.5", True),
        ("pm25<25.5", False),
        ("pm25==20..30", True),
        ("pm25!=20..30", False),
        ("pm25==1,25.5,3", True),
        ('airQualityLevel=="poor"', True),
        ("airQualityLevel==poor", True),
        ('airQualityLevel=~"^po"', True),
        ('airQualityLevel!~="^po"', False),
        ("pm25>30|airQualityLevel==poor", True),
        ("pm25>30;airQualityLevel==poor", False),
        ("(pm25>30|pm25<26);no2", False),
        ("(pm25>30|pm25<26);refDevice==urn:ngsi-ld:Device:1", True),
        ("pm25.observedAt>2026-10-31T00:00:00Z", True),
        ("address[addressLocality]==日立市", True),
        ("temperature", False),
        ("dataProvider==true", False),
    ],
)
def test_q_language(q: str, expected: bool) -> None:
    attrs = _attrs(
        pm25=25.5,
        airQualityLevel="poor",
        address={"type": "Property", "value": {"addressLocality": "日立市"}},
        refDevice={"type": "Relationship", "object": "urn:ngsi-ld:Device:1"},
        dataProvider="true",
    )
    assert parse_q(q, context_for(ENV))(attrs) is expected


@pytest.mark.parametrize("q", ["", "pm25>", "(pm25>1", "pm25>1)", "a=~[", "a b==1"])
def test_bad_q_is_a_bad_request(q: str) -> None:
    with pytest.raises(BadRequestData):
        parse_q(q, context_for(ENV))


def test_q_names_what_it_reads_and_what_a_database_may_narrow() -> None:
    context = context_for(ENV)
    q = 'pm25>80;airQualityLevel=="poor";no2.observedAt>2026-01-01T00:00:00Z'
    assert q_attributes(q, context) == {
        context.expand(n) for n in ("pm25", "airQualityLevel", "no2")
    }
    assert prefilter_conditions(q, context) == [
        (context.expand("pm25"), ">", 80),
        (context.expand("airQualityLevel"), "==", "poor"),
    ]
    assert prefilter_conditions("pm25>80|no2>1", context) == []


def test_geo_relations() -> None:
    hitachi_station = {"type": "Point", "coordinates": [140.6620, 36.5907]}
    near = geo.parse_georel("near;maxDistance==1500", "Point", "[140.6513,36.5992]")
    assert near(hitachi_station)  # city hall is ≈1.34 km away
    assert not geo.parse_georel("near;maxDistance==1000", "Point", "[140.6513,36.5992]")(
        hitachi_station
    )
    assert geo.distance_m([140.6620, 36.5907], [140.6513, 36.5992]) == pytest.approx(1340, abs=30)
    box = "[[[140.6,36.5],[140.7,36.5],[140.7,36.6],[140.6,36.6],[140.6,36.5]]]"
    assert geo.parse_georel("within", "Polygon", box)(hitachi_station)
    assert not geo.parse_georel("disjoint", "Polygon", box)(hitachi_station)
    assert (
        geo.parse_georel("near;minDistance==2000", "Point", "[140.6513,36.5992]")(hitachi_station)
        is False
    )
    for bad in [("near", "Point", "[1,2]"), ("near;maxDistance==x", "Point", "[1,2]"),
                ("within", "Polygon", "[1,2]"), ("touches", "Point", "[1,2]"), ("near;maxDistance==1", "Point", "nope")]:  # fmt: skip
        with pytest.raises(BadRequestData):
            geo.parse_georel(*bad)


def test_temporal_windows_durations_and_aggregation() -> None:
    assert temporal.parse_duration("PT1H") == timedelta(hours=1)
    assert temporal.parse_duration("P1DT12H") == timedelta(days=1, hours=12)
    assert temporal.parse_duration("P2W") == timedelta(weeks=2)
    for bad in ("P1M", "P1Y", "1H", "P", "PT"):
        with pytest.raises(BadRequestData):
            temporal.parse_duration(bad)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    window = temporal.parse_window("between", "2026-11-01T00:00:00Z", "2026-11-01T02:00:00Z")
    points = [(start + timedelta(minutes=m), float(m)) for m in range(0, 180, 30)]
    methods = ("totalCount", "avg", "min", "max", "sum", "stddev", "sumsq", "distinctCount")
    buckets = temporal.aggregate(points, window, timedelta(hours=1), methods)
    out = temporal.render_aggregates(buckets, methods)
    assert out["totalCount"] == [[2, "2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z"],
                                 [2, "2026-11-01T01:00:00Z", "2026-11-01T02:00:00Z"]]  # fmt: skip
    assert [b[0] for b in out["avg"]] == [15.0, 75.0]
    assert [b[0] for b in out["stddev"]] == [15.0, 15.0]
    assert [b[0] for b in out["sumsq"]] == [900.0, 3600.0 + 8100.0]
    whole = temporal.aggregate(points, temporal.Window(None, None), None, ("max",))
    assert [b.value("max") for b in whole] == [150.0]
    with pytest.raises(BadRequestData):
        temporal.parse_window("between", "2026-11-01T00:00:00Z", None)
    with pytest.raises(BadRequestData):
        temporal.parse_methods("median")
