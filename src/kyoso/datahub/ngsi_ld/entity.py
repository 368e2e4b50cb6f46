"""NGSI-LD entities: checking a payload (normalized or key-values) into the stored form, and
rendering the stored form back for a request's @context.

Stored form: attribute names and the entity type are IRIs (expanded with the request's
@context); an attribute keeps NGSI-LD's own members (``type``, ``value``, ``observedAt``…) as
they are, with its sub-attributes expanded the same way. One instance per attribute: a
``datasetId`` is kept as data but several instances of one attribute are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kyoso.datahub.ngsi_ld.context import ATTRIBUTE_MEMBERS, ENTITY_MEMBERS, NGSI_LD, Context
from kyoso.datahub.ngsi_ld.errors import BadRequestData

LOCATION = NGSI_LD + "location"
# The member that holds an attribute's value, per attribute type.
VALUE_MEMBER = {
    "Property": "value",
    "GeoProperty": "value",
    "Relationship": "object",
    "LanguageProperty": "languageMap",
    "VocabProperty": "vocab",
    "JsonProperty": "json",
    "ListProperty": "valueList",
    "ListRelationship": "objectList",
}
GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"'=;()\\]+$")
_TERM = re.compile(r"^[^\s<>\"'=;()\\]{1,256}$")
MAX_NESTING = 4


@dataclass(slots=True)
class ParsedEntity:
    id: str
    type: str  # IRI
    attrs: dict[str, dict[str, Any]]


def check_uri(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not _URI.match(raw) or len(raw) > 256:
        raise BadRequestData(
            f"{field} must be a URI (e.g. urn:ngsi-ld:Type:id), at most 256 characters"
        )
    return raw


def parse_datetime(raw: Any, field: str) -> datetime:
    if not isinstance(raw, str):
        raise BadRequestData(f"{field} must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequestData(f"{field} is not an ISO 8601 date-time: {raw!r}") from None
    if moment.tzinfo is None:
        raise BadRequestData(f"{field} needs a UTC offset (e.g. Z)")
    return moment


def check_geometry(raw: Any, field: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("type") not in GEOMETRY_TYPES:
        raise BadRequestData(
            f"{field} must be a GeoJSON geometry ({', '.join(sorted(GEOMETRY_TYPES))})"
        )
    coordinates = raw.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        raise BadRequestData(f"{field}.coordinates must be a non-empty array")

    def numbers(item: Any, depth: int) -> None:
        if depth == 0:
            if (
                not isinstance(item, list)
                or len(item) < 2
                or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in item)
            ):
                raise BadRequestData(f"{field}.coordinates must be [longitude, latitude] numbers")
            return
        if not isinstance(item, list) or not item:
            raise BadRequestData(f"{field}.coordinates is not nested as a {raw['type']}")
        for sub in item:
            numbers(sub, depth - 1)

    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2,
             "MultiPolygon": 3}[raw["type"]]  # fmt: skip
    numbers(coordinates, depth)
    return raw


def _check_term(name: str) -> None:
    if not _TERM.match(name):
        raise BadRequestData(f"attribute name {name!r} has forbidden characters")


def parse_attribute(
    name: str, raw: Any, context: Context, *, key_values: bool, depth: int = 0
) -> dict[str, Any]:
    """Return the stored form of one attribute given as ``raw``."""
    if depth > MAX_NESTING:
        raise BadRequestData(f"{name}: sub-attributes nested too deep")
    if isinstance(raw, list) and not key_values:
        if len(raw) == 1:
            raw = raw[0]
        else:
            raise BadRequestData(f"{name}: several instances (datasetId) are not supported")
    if key_values and not (isinstance(raw, dict) and raw.get("type") in VALUE_MEMBER):
        if isinstance(raw, dict) and raw.get("type") in GEOMETRY_TYPES:
            return {"type": "GeoProperty", "value": check_geometry(raw, name)}
        return {"type": "Property", "value": raw}
    if not isinstance(raw, dict):
        raise BadRequestData(
            f"{name}: expected an attribute object such as "
            '{"type": "Property", "value": …} (or send options=keyValues)'
        )
    kind = raw.get("type")
    member = VALUE_MEMBER.get(kind) if isinstance(kind, str) else None
    if member is None:
        raise BadRequestData(f"{name}.type must be one of {', '.join(VALUE_MEMBER)}")
    if kind == "Relationship" and "object" not in raw and "value" in raw:
        # Some published Smart Data Models examples (PhotovoltaicDevice) write a Relationship's
        # target in "value": kept as given, so the example reads back as published.
        member = "value"
    if member not in raw:
        raise BadRequestData(f"{name}: a {kind} needs a {member!r} member")
    out: dict[str, Any] = {"type": kind}
    value = raw[member]
    if value is None:
        raise BadRequestData(f"{name}.{member} must not be null")
    if kind == "GeoProperty":
        value = check_geometry(value, f"{name}.value")
    elif kind == "Relationship":
        value = check_uri(value, f"{name}.object")
    elif kind == "LanguageProperty" and not isinstance(value, dict):
        raise BadRequestData(f"{name}.languageMap must be an object of language: text")
    out[member] = value
    for key, sub in raw.items():
        if key in (member, "type"):
            continue
        if key == "observedAt":
            parse_datetime(sub, f"{name}.observedAt")
            out[key] = sub
        elif key in ("createdAt", "modifiedAt", "instanceId"):
            continue  # system attributes are Kyoso's to set
        elif key in ATTRIBUTE_MEMBERS:
            if key in ("unitCode", "datasetId", "lang") and not isinstance(sub, str):
                raise BadRequestData(f"{name}.{key} must be a string")
            out[key] = sub
        else:
            _check_term(key)
            out[context.expand(key)] = parse_attribute(
                f"{name}.{key}", sub, context, key_values=False, depth=depth + 1
            )
    return out


def parse_attributes(
    payload: dict[str, Any], context: Context, *, key_values: bool
) -> dict[str, dict[str, Any]]:
    attrs: dict[str, dict[str, Any]] = {}
    for name, raw in payload.items():
        if name in ENTITY_MEMBERS:
            continue
        _check_term(name)
        attrs[context.expand(name)] = parse_attribute(name, raw, context, key_values=key_values)
    return attrs


def parse_entity(payload: Any, context: Context, *, key_values: bool = False) -> ParsedEntity:
    """Return the checked entity; raise BadRequestData naming the first bad member."""
    if not isinstance(payload, dict):
        raise BadRequestData("an entity must be a JSON object")
    entity_id = check_uri(payload.get("id"), "id")
    kind = payload.get("type")
    if isinstance(kind, list) and len(kind) == 1:
        kind = kind[0]
    if not isinstance(kind, str) or not kind:
        raise BadRequestData("type must be one entity type name (several types are not supported)")
    _check_term(kind)
    return ParsedEntity(
        entity_id, context.expand(kind), parse_attributes(payload, context, key_values=key_values)
    )


def _render_attribute(attr: dict[str, Any], context: Context, sys_attrs: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, sub in attr.items():
        if key in ATTRIBUTE_MEMBERS:
            if key in ("createdAt", "modifiedAt") and not sys_attrs:
                continue
            out[key] = sub
        else:
            out[context.compact(key)] = _render_attribute(sub, context, sys_attrs)
    return out


def simplified(attr: dict[str, Any]) -> Any:
    """The key-values form of an attribute: its value alone."""
    return attr.get(VALUE_MEMBER.get(attr.get("type", ""), "value"))


def render_entity(
    entity_id: str,
    type_iri: str,
    attrs: dict[str, dict[str, Any]],
    context: Context,
    *,
    key_values: bool = False,
    pick: set[str] | None = None,
    sys_attrs: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return the entity compacted with ``context`` (attributes limited to ``pick`` IRIs)."""
    out: dict[str, Any] = {"id": entity_id, "type": context.compact(type_iri)}
    for iri, attr in attrs.items():
        if pick is not None and iri not in pick:
            continue
        name = context.compact(iri)
        out[name] = (
            simplified(attr) if key_values else _render_attribute(attr, context, bool(sys_attrs))
        )
    if sys_attrs and not key_values:
        out.update(sys_attrs)
    return out


def location_of(
    attrs: dict[str, dict[str, Any]], geoproperty: str = LOCATION
) -> dict[str, Any] | None:
    attr = attrs.get(geoproperty)
    if attr is None or attr.get("type") != "GeoProperty":
        return None
    value = attr.get("value")
    return value if isinstance(value, dict) else None


def numeric_values(attrs: dict[str, dict[str, Any]]) -> list[tuple[str, str | None, float]]:
    """Return (attribute IRI, observedAt or None, value) of every numeric Property."""
    out = []
    for iri, attr in attrs.items():
        value = attr.get("value")
        if (
            attr.get("type") == "Property"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            out.append((iri, attr.get("observedAt"), float(value)))
    return out
