"""Reads of the NGSI-LD API: the tenant's city, Kyoso's sensors as entities, stored entities,
queries and temporal evolution."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform

from kyoso.core.access import STAFF_ROLES, has_role
from kyoso.core.models import City, User
from kyoso.datahub.models import (
    Device,
    NgsiAttributeInstance,
    NgsiEntity,
    NgsiSubscription,
    ObservedProperty,
    Reading,
    ReadingFlag,
    Rollup,
)
from kyoso.datahub.ngsi_ld import temporal
from kyoso.datahub.ngsi_ld.context import (
    SDM_SUBJECTS,
    Context,
    context_for,
)
from kyoso.datahub.ngsi_ld.entity import LOCATION, location_of
from kyoso.datahub.ngsi_ld.errors import NonexistentTenant, ResourceNotFound, TooManyResults
from kyoso.datahub.selectors.series import devices_latest

# Sensors are published with the Smart Data Models vocabulary: every subject context Kyoso holds.
SDM_CONTEXT_URLS = tuple(
    f"https://raw.githubusercontent.com/smart-data-models/dataModel.{s}/master/context.jsonld"
    for s in SDM_SUBJECTS
)
# Kyoso's units as UN/CEFACT common codes (NGSI-LD's unitCode); others go in unitText.
UNIT_CODES = {
    "µg/m3": "GQ",
    "ug/m3": "GQ",
    "mg/m3": "GP",
    "ppm": "59",
    "ppb": "61",
    "°C": "CEL",
    "m": "MTR",
    "cm": "CMT",
    "dB": "2N",
    "dB(A)": "2N",
    "kW": "KWT",
    "W": "WTT",
    "kWh": "KWH",
    "%": "P1",
    "hPa": "A97",
    "m/s": "MTS",
    "lx": "LUX",
}
MAX_LIMIT = 1000
MAX_TEMPORAL_INSTANCES = 10_000
_DEVICE_ID = re.compile(r"^urn:ngsi-ld:([^:]+):([^:]+):([^:]+)$")


def device_context() -> Context:
    return context_for(list(SDM_CONTEXT_URLS))


@dataclass(slots=True)
class Entity:
    """An entity as stored (IRIs), from either a device or the entity table."""

    id: str
    type: str
    attrs: dict[str, dict[str, Any]]
    created_at: datetime | None = None
    modified_at: datetime | None = None
    device: Device | None = None

    def sys_attrs(self) -> dict[str, str]:
        out = {}
        if self.created_at:
            out["createdAt"] = _iso(self.created_at)
        if self.modified_at:
            out["modifiedAt"] = _iso(self.modified_at)
        return out


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def tenant_city(tenant: str | None) -> City:
    """Return the city named by ``NGSILD-Tenant`` (its slug), or the first city without one."""
    if tenant:
        city = City.objects.filter(slug=tenant).first()
        if city is None:
            raise NonexistentTenant(f"no Kyoso city has the slug {tenant!r}")
        return city
    city = City.objects.order_by("pk").first()
    if city is None:
        raise NonexistentTenant("this Kyoso has no city yet")
    return city


def may_read_private(user: User | None, city: City) -> bool:
    return user is not None and has_role(user, city, *STAFF_ROLES)


def device_entity_id(city: City, device: Device) -> str:
    return f"urn:ngsi-ld:{device.entity_type or 'Device'}:{city.slug}:{device.key}"


def device_for_entity_id(city: City, entity_id: str) -> Device | None:
    match = _DEVICE_ID.match(entity_id)
    if not match or match.group(2) != city.slug:
        return None
    device = Device.objects.filter(city=city, key=match.group(3), is_active=True).first()
    if device is None or (device.entity_type or "Device") != match.group(1):
        return None
    return device


def property_iris(device: Device) -> dict[str, str]:
    """Return ``{attribute IRI: property name}`` of a device's observed properties."""
    context = device_context()
    return {context.expand(p.name): p.name for p in device.properties.all()}


def _device_entity(city: City, device: Device, latest: Iterable[Any]) -> Entity:
    context = device_context()
    attrs: dict[str, dict[str, Any]] = {
        context.expand("name"): {"type": "Property", "value": device.name},
    }
    if device.lat is not None and device.lon is not None:
        attrs[LOCATION] = {
            "type": "GeoProperty",
            "value": {"type": "Point", "coordinates": [device.lon, device.lat]},
        }
    if device.owner_id and device.owner is not None:
        attrs[context.expand("dataProvider")] = {"type": "Property", "value": device.owner.name}
    newest: datetime | None = None
    for item in latest:
        if item.time is None or item.value is None:
            continue
        attr: dict[str, Any] = {
            "type": "Property",
            "value": item.value,
            "observedAt": _iso(item.time),
        }
        unit = item.prop.unit
        if unit in UNIT_CODES:
            attr["unitCode"] = UNIT_CODES[unit]
        elif unit:
            attr[context.expand("unitText")] = {"type": "Property", "value": unit}
        attrs[context.expand(item.prop.name)] = attr
        newest = item.time if newest is None or item.time > newest else newest
    if newest is not None:
        attrs[context.expand("dateObserved")] = {"type": "Property", "value": _iso(newest)}
    return Entity(
        device_entity_id(city, device),
        context.expand(device.entity_type or "Device"),
        attrs,
        created_at=device.created_at,
        modified_at=device.last_seen_at or device.created_at,
        device=device,
    )


def device_entities(city: City) -> list[Entity]:
    return [_device_entity(city, d, values) for d, values in devices_latest(city)]


def entity_get(city: City, entity_id: str, *, private: bool) -> Entity:
    """Return one entity of the city, or raise ResourceNotFound."""
    device = device_for_entity_id(city, entity_id)
    if device is not None:
        for found in device_entities_of(city, [device]):
            return found
    row = NgsiEntity.objects.filter(city=city, entity_id=entity_id).first()
    if row is None or (not row.is_public and not private):
        raise ResourceNotFound(f"no entity {entity_id} in this tenant")
    return _stored(row)


def device_entities_of(city: City, devices: list[Device]) -> list[Entity]:
    wanted = {d.pk for d in devices}
    return [_device_entity(city, d, values) for d, values in devices_latest(city) if d.pk in wanted]


def _stored(row: NgsiEntity) -> Entity:
    return Entity(row.entity_id, row.type, row.attrs, row.created_at, row.modified_at)


@dataclass(frozen=True, slots=True)
class EntityQuery:
    types: tuple[str, ...] = ()  # IRIs
    ids: tuple[str, ...] = ()
    id_pattern: re.Pattern[str] | None = None
    attrs: tuple[str, ...] = ()  # IRIs: entities having at least one
    q: Callable[[dict[str, dict[str, Any]]], bool] | None = None
    # Simple conditions of q the database applies first (a superset of the matches).
    prefilter: tuple[tuple[str, str, Any], ...] = ()
    q_attributes: tuple[str, ...] = ()  # the attributes q reads
    geo: Callable[[dict[str, Any]], bool] | None = None
    geoproperty: str = LOCATION

    def matches(self, entity: Entity) -> bool:
        if self.types and entity.type not in self.types:
            return False
        if self.ids and entity.id not in self.ids:
            return False
        if self.id_pattern is not None and not self.id_pattern.search(entity.id):
            return False
        if self.attrs and not any(a in entity.attrs for a in self.attrs):
            return False
        if self.q is not None and not self.q(entity.attrs):
            return False
        if self.geo is not None:
            where = location_of(entity.attrs, self.geoproperty)
            if where is None or not self.geo(where):
                return False
        return True


def entities_query(
    city: City, query: EntityQuery, *, private: bool, limit: int, offset: int
) -> tuple[list[Entity], int]:
    """Return one page of matching entities (sensors first, then stored ones by id) and the total.

    The database narrows by city, type and id; ``q`` and geo-relations are then evaluated on
    the candidates in Python (see the README's limits)."""
    if limit > MAX_LIMIT:
        raise TooManyResults(f"limit is at most {MAX_LIMIT}")
    matched = [e for e in device_entities(city) if query.matches(e)]
    rows = NgsiEntity.objects.filter(city=city)
    if not private:
        rows = rows.filter(is_public=True)
    if query.types:
        rows = rows.filter(type__in=query.types)
    if query.ids:
        rows = rows.filter(entity_id__in=query.ids)
    rows = _prefiltered(rows, query.prefilter).order_by("entity_id")
    plain = query.q is None and query.geo is None and query.id_pattern is None and not query.attrs
    if plain:
        # Nothing to judge in Python: let the database count and page.
        total = len(matched) + rows.count()
        page = matched[offset : offset + limit]
        rest_offset = max(0, offset - len(matched))
        rest = limit - len(page)
        if rest > 0:
            page += [_stored(r) for r in rows[rest_offset : rest_offset + rest]]
        return page, total
    # Judge on the attributes the query reads only, then load the page's entities whole.
    needed = set(query.q_attributes) | set(query.attrs)
    if query.geo is not None:
        needed.add(query.geoproperty)
    names = {f"_a{i}": iri for i, iri in enumerate(sorted(needed))}
    candidates = rows.annotate(
        **{name: KeyTransform(iri, "attrs") for name, iri in names.items()}
    ).values_list("entity_id", "type", *names)
    for entity_id, kind, *values in candidates.iterator(chunk_size=2000):
        partial = {iri: v for iri, v in zip(names.values(), values, strict=True) if v is not None}
        candidate = Entity(entity_id, kind, partial)
        if query.matches(candidate):
            matched.append(candidate)
    page = matched[offset : offset + limit]
    wanted = [e.id for e in page if e.device is None]
    full = {
        r.entity_id: _stored(r) for r in NgsiEntity.objects.filter(city=city, entity_id__in=wanted)
    }
    return [
        e if e.device is not None else full[e.id] for e in page if e.device or e.id in full
    ], len(matched)


_LOOKUPS = {"==": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def _prefiltered(
    rows: QuerySet[NgsiEntity], conditions: Iterable[tuple[str, str, Any]]
) -> QuerySet[NgsiEntity]:
    """Narrow rows by comparisons on ``attrs -> attribute -> value`` in the database.

    JSON ordering across types (PostgreSQL: boolean > number > string; SQLite: text > number)
    may let a few non-matching rows through, never drop a match: ``parse_q`` judges after.
    A list value matches ``==`` when it contains the literal, as ``q`` says."""
    postgres = connection.vendor == "postgresql"
    for i, (iri, op, target) in enumerate(conditions):
        condition = Q()
        # A Relationship compares its object, a VocabProperty its vocab, a list any member.
        for member in ("value", "object", "vocab", "valueList"):
            name = f"_q{i}_{member}"
            rows = rows.alias(**{name: KeyTransform(member, KeyTransform(iri, "attrs"))})
            condition |= Q(**{f"{name}__{_LOOKUPS[op]}": target})
            if op == "==":
                condition |= (
                    Q(**{f"{name}__contains": [target]})
                    if postgres
                    else Q(**{f"{name}__isnull": False})
                )
        rows = rows.filter(condition)
    return rows


def subscriptions_list(city: City) -> list[NgsiSubscription]:
    return list(NgsiSubscription.objects.filter(city=city).order_by("created_at", "pk"))


def subscription_get(city: City, subscription_id: str) -> NgsiSubscription:
    sub = NgsiSubscription.objects.filter(city=city, subscription_id=subscription_id).first()
    if sub is None:
        raise ResourceNotFound(f"no subscription {subscription_id} in this tenant")
    return sub


# -- temporal -------------------------------------------------------------------------------


def _device_props(device: Device, attrs: tuple[str, ...]) -> list[tuple[str, ObservedProperty]]:
    context = device_context()
    out = []
    for prop in device.properties.all().order_by("name"):
        iri = context.expand(prop.name)
        if not attrs or iri in attrs:
            out.append((iri, prop))
    return out


def _aligned_to_hours(window: temporal.Window, period: timedelta | None) -> bool:
    if period is None or period % timedelta(hours=1) or window.start is None or window.end is None:
        return False
    return all(t.minute == t.second == t.microsecond == 0 for t in (window.start, window.end))


def temporal_device_attribute(
    prop: ObservedProperty,
    window: temporal.Window,
    methods: tuple[str, ...] | None,
    period: timedelta | None,
    last_n: int | None,
) -> list[dict[str, Any]] | dict[str, list[list[object]]]:
    """Return the instances of a sensor property, or their aggregates over periods.

    Whole-hour periods on whole-hour windows are summed from the hourly rollups (no raw
    reading is read); anything else is computed from the valid readings."""
    if (
        methods is not None
        and _aligned_to_hours(window, period)
        and not ({"distinctCount", "sumsq", "stddev"} & set(methods))
    ):
        if window.start is None or window.end is None or period is None:  # for mypy
            raise ValueError("an aligned window has both ends and a period")
        rollups = Rollup.objects.filter(
            city_id=prop.city_id,
            prop=prop,
            period="hour",
            bucket__gte=window.start,
            bucket__lt=window.end,
        ).values_list("bucket", "count", "total", "minimum", "maximum")
        buckets = temporal.make_buckets(window, period, window.start, window.end, methods)
        for bucket, count, total, low, high in rollups:
            index = temporal.bucket_index(buckets, bucket)
            if index is not None:
                buckets[index].merge(count, total, low, high, None)
        return temporal.render_aggregates([b for b in buckets if b.count], methods)
    readings = Reading.objects.filter(city_id=prop.city_id, prop=prop, flag=ReadingFlag.OK)
    if window.start is not None:
        readings = readings.filter(observed_at__gte=window.start)
    if window.end is not None:
        readings = readings.filter(observed_at__lt=window.end)
    if methods is not None:
        pairs = list(readings.values_list("observed_at", "value"))
        buckets = temporal.aggregate(pairs, window, period, methods)
        return temporal.render_aggregates(buckets, methods)
    rows = readings.order_by("-observed_at" if last_n else "observed_at").values_list(
        "observed_at", "value"
    )[: min(last_n or MAX_TEMPORAL_INSTANCES, MAX_TEMPORAL_INSTANCES)]
    attr = {"type": "Property"}
    unit_code = UNIT_CODES.get(prop.unit)
    if unit_code:
        attr["unitCode"] = unit_code
    return [{**attr, "value": v, "observedAt": _iso(t)} for t, v in sorted(rows)]


def temporal_stored_attribute(
    row_pk: int,
    city: City,
    attr: str,
    window: temporal.Window,
    methods: tuple[str, ...] | None,
    period: timedelta | None,
    last_n: int | None,
) -> list[dict[str, Any]] | dict[str, list[list[object]]]:
    instances = NgsiAttributeInstance.objects.filter(city=city, entity_id=row_pk, attr=attr)
    if window.start is not None:
        instances = instances.filter(observed_at__gte=window.start)
    if window.end is not None:
        instances = instances.filter(observed_at__lt=window.end)
    if methods is not None:
        pairs = list(instances.values_list("observed_at", "value"))
        return temporal.render_aggregates(
            temporal.aggregate(pairs, window, period, methods), methods
        )
    rows = instances.order_by("-observed_at" if last_n else "observed_at").values_list(
        "observed_at", "value"
    )[: min(last_n or MAX_TEMPORAL_INSTANCES, MAX_TEMPORAL_INSTANCES)]
    return [{"type": "Property", "value": v, "observedAt": _iso(t)} for t, v in sorted(rows)]


def temporal_entity(
    city: City,
    entity: Entity,
    *,
    attrs: tuple[str, ...],
    window: temporal.Window,
    methods: tuple[str, ...] | None,
    period: timedelta | None,
    last_n: int | None,
) -> dict[str, Any]:
    """Return ``{attribute IRI: instances or aggregates}`` of one entity's numeric history."""
    out: dict[str, Any] = {}
    if entity.device is not None:
        for iri, prop in _device_props(entity.device, attrs):
            out[iri] = temporal_device_attribute(prop, window, methods, period, last_n)
        return out
    row = NgsiEntity.objects.filter(city=city, entity_id=entity.id).only("pk").first()
    if row is None:
        return out
    names = attrs or tuple(
        NgsiAttributeInstance.objects.filter(city=city, entity=row)
        .values_list("attr", flat=True)
        .distinct()
        .order_by("attr")
    )
    for iri in names:
        out[iri] = temporal_stored_attribute(row.pk, city, iri, window, methods, period, last_n)
    return out


def active_subscription_filter(city_id: int, now: datetime) -> Q:
    return Q(city_id=city_id, is_active=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
