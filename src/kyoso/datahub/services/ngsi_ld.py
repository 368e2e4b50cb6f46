"""Writes of the NGSI-LD API: entities, attributes, batches, subscriptions and notifications.

Who may write: a member of the city with a device role (staff, operators, businesses) using an
API token writes any stored entity; a device using its own key writes only its own sensor
entity, whose numeric attributes become readings (the same ingest as MQTT and HTTP batch).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kyoso.core.access import has_role
from kyoso.core.models import City, User
from kyoso.datahub.models import Device, NgsiAttributeInstance, NgsiEntity, NgsiSubscription
from kyoso.datahub.ngsi_ld.context import Context, context_for, link_header
from kyoso.datahub.ngsi_ld.entity import (
    ParsedEntity,
    check_uri,
    numeric_values,
    parse_datetime,
    render_entity,
)
from kyoso.datahub.ngsi_ld.errors import (
    AlreadyExists,
    BadRequestData,
    Forbidden,
    NgsiLdError,
    OperationNotSupported,
    ResourceNotFound,
    Unauthorized,
)
from kyoso.datahub.ngsi_ld.query import parse_q
from kyoso.datahub.selectors import ngsi_ld as sel
from kyoso.datahub.services.devices import DEVICE_ROLES
from kyoso.datahub.services.ingest import readings_ingest
from kyoso.datahub.wire import Observation

MAX_BATCH = 1000
NOTIFY_TIMEOUT_S = 5.0
SUBSCRIPTION_CACHE_S = 5.0


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sends a request: a user with an API token, a device with its key, or nobody."""

    user: User | None = None
    device: Device | None = None


@dataclass(slots=True)
class BatchResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, entity_id: str, error: NgsiLdError) -> None:
        self.errors.append({"entityId": entity_id, "error": error.problem()})


def ngsi_writer_check(caller: Caller, city: City) -> None:
    if caller.user is None and caller.device is None:
        raise Unauthorized(
            "writing needs a Kyoso API token or a device key (Authorization: Bearer …)"
        )
    if caller.user is not None and not has_role(caller.user, city, *DEVICE_ROLES):
        raise Forbidden("your token's account has no staff, operator or business role in this city")
    if caller.device is not None and caller.device.city_id != city.pk:
        raise Forbidden("this device key belongs to another tenant")


def _device_target(caller: Caller, city: City, entity_id: str) -> Device | None:
    """The device whose sensor entity ``entity_id`` is, after checking the caller may write it."""
    device = sel.device_for_entity_id(city, entity_id)
    if caller.device is not None and (device is None or device.pk != caller.device.pk):
        raise Forbidden(
            "a device key writes only its own entity " + sel.device_entity_id(city, caller.device)
        )
    return device


def _as_readings(city: City, device: Device, attrs: dict[str, dict[str, Any]]) -> None:
    """Store a sensor entity's numeric attributes as readings of its device."""
    names = sel.property_iris(device)
    now = timezone.now()
    observations = []
    for iri, _observed, value in numeric_values(attrs):
        if iri not in names:
            raise BadRequestData(
                f"{sel.device_context().compact(iri)}: the device does not observe this property"
            )
        observed = attrs[iri].get("observedAt")
        moment = parse_datetime(observed, "observedAt") if observed else now
        observations.append(Observation(names[iri], moment, value))
    readings_ingest(city=city, device=device, observations=observations)


def _instances(
    city: City, pk_of: dict[str, int], items: Iterable[tuple[str, dict[str, Any]]], now: datetime
) -> None:
    rows = []
    for entity_id, attrs in items:
        for iri, observed, value in numeric_values(attrs):
            moment = parse_datetime(observed, "observedAt") if observed else now
            rows.append(
                NgsiAttributeInstance(
                    city=city, entity_id=pk_of[entity_id], attr=iri, observed_at=moment, value=value
                )
            )
    NgsiAttributeInstance.objects.bulk_create(rows, batch_size=1000)


def _stamp(
    attrs: dict[str, dict[str, Any]], now: str, created: dict[str, dict[str, Any]] | None
) -> None:
    for iri, attr in attrs.items():
        before = (created or {}).get(iri)
        attr["createdAt"] = before.get("createdAt", now) if before else now
        attr["modifiedAt"] = now


@transaction.atomic
def ngsi_entities_write(
    *,
    city: City,
    caller: Caller,
    entities: list[ParsedEntity],
    mode: str,
    is_public: bool = True,
) -> BatchResult:
    """Create, upsert (replace or merge) or update entities; return what happened to each.

    ``mode``: ``create`` (existing ones are errors), ``replace`` (upsert replacing attributes),
    ``merge`` (upsert keeping attributes not given), ``update`` (existing ones only, merged),
    ``update-keep`` (as update, never overwriting an attribute that exists)."""
    ngsi_writer_check(caller, city)
    if len(entities) > MAX_BATCH:
        raise BadRequestData(f"at most {MAX_BATCH} entities in one batch")
    result = BatchResult()
    now = timezone.now()
    stamp = now.astimezone(UTC).isoformat().replace("+00:00", "Z")
    plain: dict[str, ParsedEntity] = {}
    for entity in entities:
        try:
            device = _device_target(caller, city, entity.id)
            if device is not None:
                if mode == "create":
                    raise AlreadyExists(f"{entity.id} is a Kyoso sensor; its entity always exists")
                _as_readings(city, device, entity.attrs)
                result.updated.append(entity.id)
            elif entity.id in plain:
                raise BadRequestData(f"{entity.id} appears twice in the batch")
            else:
                plain[entity.id] = entity
        except NgsiLdError as exc:
            result.fail(entity.id, exc)
    if not plain:
        return result
    existing = {
        row.entity_id: row
        for row in NgsiEntity.objects.select_for_update().filter(
            city=city, entity_id__in=list(plain)
        )
    }
    to_create: list[NgsiEntity] = []
    to_update: list[NgsiEntity] = []
    history: list[tuple[str, dict[str, Any]]] = []
    for entity_id, entity in plain.items():
        row = existing.get(entity_id)
        if row is None:
            if mode.startswith("update"):
                result.fail(entity_id, ResourceNotFound(f"no entity {entity_id}"))
                continue
            _stamp(entity.attrs, stamp, None)
            to_create.append(
                NgsiEntity(
                    city=city,
                    entity_id=entity_id,
                    type=entity.type,
                    attrs=entity.attrs,
                    is_public=is_public,
                    created_at=now,
                    modified_at=now,
                )
            )
            result.created.append(entity_id)
        else:
            if mode == "create":
                result.fail(entity_id, AlreadyExists(f"{entity_id} already exists"))
                continue
            if row.type != entity.type:
                result.fail(entity_id, BadRequestData(f"{entity_id} exists with another type"))
                continue
            given = entity.attrs
            if mode == "update-keep":
                given = {k: v for k, v in given.items() if k not in row.attrs}
            _stamp(given, stamp, row.attrs)
            row.attrs = given if mode == "replace" else {**row.attrs, **given}
            row.modified_at = now
            to_update.append(row)
            entity.attrs = given
            result.updated.append(entity_id)
        history.append((entity_id, entity.attrs))
    NgsiEntity.objects.bulk_create(to_create, batch_size=500)
    NgsiEntity.objects.bulk_update(to_update, ["attrs", "modified_at"], batch_size=500)
    pk_of = dict(
        NgsiEntity.objects.filter(city=city, entity_id__in=[e for e, _a in history]).values_list(
            "entity_id", "pk"
        )
    )
    _instances(city, pk_of, history, now)
    _notify_on_commit(city, [(e, set(a)) for e, a in history])
    return result


@transaction.atomic
def ngsi_entity_attrs_write(
    *,
    city: City,
    caller: Caller,
    entity_id: str,
    attrs: dict[str, dict[str, Any]],
    mode: str,
) -> list[str]:
    """Append (``append``, ``append-keep``) or update (``update``: existing attributes only)
    attributes of one entity; return the IRIs not written."""
    ngsi_writer_check(caller, city)
    device = _device_target(caller, city, entity_id)
    if device is not None:
        _as_readings(city, device, attrs)
        return []
    row = NgsiEntity.objects.select_for_update().filter(city=city, entity_id=entity_id).first()
    if row is None:
        raise ResourceNotFound(f"no entity {entity_id} in this tenant")
    skipped = []
    written = {}
    for iri, attr in attrs.items():
        if (mode == "update" and iri not in row.attrs) or (
            mode == "append-keep" and iri in row.attrs
        ):
            skipped.append(iri)
        else:
            written[iri] = attr
    now = timezone.now()
    _stamp(written, now.astimezone(UTC).isoformat().replace("+00:00", "Z"), row.attrs)
    if written:
        row.attrs = {**row.attrs, **written}
        row.modified_at = now
        row.save(update_fields=["attrs", "modified_at"])
        _instances(city, {entity_id: row.pk}, [(entity_id, written)], now)
        _notify_on_commit(city, [(entity_id, set(written))])
    return skipped


@transaction.atomic
def ngsi_entity_attr_delete(*, city: City, caller: Caller, entity_id: str, attr: str) -> None:
    ngsi_writer_check(caller, city)
    if _device_target(caller, city, entity_id) is not None:
        raise OperationNotSupported(
            "a sensor's attributes are its observed properties; change the device"
        )
    row = NgsiEntity.objects.select_for_update().filter(city=city, entity_id=entity_id).first()
    if row is None or attr not in row.attrs:
        raise ResourceNotFound(f"no attribute {attr} of {entity_id}")
    del row.attrs[attr]
    row.modified_at = timezone.now()
    row.save(update_fields=["attrs", "modified_at"])


@transaction.atomic
def ngsi_entities_delete(*, city: City, caller: Caller, entity_ids: list[str]) -> BatchResult:
    ngsi_writer_check(caller, city)
    if len(entity_ids) > MAX_BATCH:
        raise BadRequestData(f"at most {MAX_BATCH} entities in one batch")
    result = BatchResult()
    plain = []
    for entity_id in entity_ids:
        try:
            check_uri(entity_id, "id")
            if _device_target(caller, city, entity_id) is not None:
                raise OperationNotSupported(
                    f"{entity_id} is a Kyoso sensor: retire the device instead"
                )
            plain.append(entity_id)
        except NgsiLdError as exc:
            result.fail(str(entity_id), exc)
    found = set(
        NgsiEntity.objects.filter(city=city, entity_id__in=plain).values_list(
            "entity_id", flat=True
        )
    )
    NgsiEntity.objects.filter(city=city, entity_id__in=found).delete()
    for entity_id in plain:
        if entity_id in found:
            result.updated.append(entity_id)
        else:
            result.fail(entity_id, ResourceNotFound(f"no entity {entity_id}"))
    return result


# -- subscriptions ----------------------------------------------------------------------------

_active_cache: dict[int, tuple[float, bool]] = {}


def _has_subscriptions(city_id: int) -> bool:
    """Whether the city has an active subscription (cached a few seconds per process)."""
    seen = _active_cache.get(city_id)
    if seen is not None and time.monotonic() - seen[0] < SUBSCRIPTION_CACHE_S:
        return seen[1]
    active = NgsiSubscription.objects.filter(
        sel.active_subscription_filter(city_id, timezone.now())
    ).exists()
    _active_cache[city_id] = (time.monotonic(), active)
    return active


@transaction.atomic
def ngsi_subscription_create(
    *, city: City, caller: Caller, body: Any, user_context: Any
) -> NgsiSubscription:
    """Check and store a subscription with an HTTP endpoint; return it."""
    if caller.user is None:
        raise Unauthorized("subscribing needs a Kyoso API token")
    ngsi_writer_check(caller, city)
    if not isinstance(body, dict):
        raise BadRequestData("a subscription must be a JSON object")
    if body.get("type", "Subscription") != "Subscription":
        raise BadRequestData('type must be "Subscription"')
    context = context_for(user_context)
    sub_id = body.get("id") or f"urn:ngsi-ld:Subscription:{uuid.uuid4()}"
    check_uri(sub_id, "id")
    if NgsiSubscription.objects.filter(city=city, subscription_id=sub_id).exists():
        raise AlreadyExists(f"{sub_id} already exists")
    entities = body.get("entities") or []
    watched = body.get("watchedAttributes") or []
    if not isinstance(entities, list) or not all(
        isinstance(e, dict) and e.get("type") for e in entities
    ):
        raise BadRequestData("entities must be a list of {type, id?, idPattern?}")
    if not entities and not watched:
        raise BadRequestData("a subscription needs entities or watchedAttributes")
    if not isinstance(watched, list) or not all(isinstance(a, str) for a in watched):
        raise BadRequestData("watchedAttributes must be a list of attribute names")
    if body.get("q") is not None:
        if not isinstance(body["q"], str):
            raise BadRequestData("q must be a string")
        parse_q(body["q"], context)
    notification = body.get("notification")
    if not isinstance(notification, dict) or not isinstance(notification.get("endpoint"), dict):
        raise BadRequestData("notification.endpoint is required")
    endpoint = notification["endpoint"]
    uri = endpoint.get("uri")
    if not isinstance(uri, str) or not uri.startswith(("http://", "https://")):
        raise BadRequestData(
            "notification.endpoint.uri must be an http(s) URL (MQTT is not supported)"
        )
    if endpoint.get("accept", "application/json") not in (
        "application/json",
        "application/ld+json",
    ):
        raise BadRequestData(
            "notification.endpoint.accept must be application/json or application/ld+json"
        )
    if notification.get("format", "normalized") not in ("normalized", "keyValues", "simplified"):
        raise BadRequestData("notification.format must be normalized or keyValues")
    attributes = notification.get("attributes") or []
    if not isinstance(attributes, list) or not all(isinstance(a, str) for a in attributes):
        raise BadRequestData("notification.attributes must be a list of attribute names")
    expires = body.get("expiresAt")
    throttling = body.get("throttling", 0)
    if isinstance(throttling, bool) or not isinstance(throttling, int) or throttling < 0:
        raise BadRequestData("throttling must be a whole number of seconds")
    stored = {k: v for k, v in body.items() if k != "@context"}
    stored.update(id=sub_id, type="Subscription")
    sub = NgsiSubscription.objects.create(
        city=city,
        subscription_id=sub_id,
        owner=caller.user,
        body=stored,
        context=user_context,
        types=[context.expand(e["type"]) for e in entities],
        watched=[context.expand(a) for a in watched],
        endpoint=uri,
        is_active=body.get("isActive", True) is not False,
        expires_at=parse_datetime(expires, "expiresAt") if expires else None,
        throttling=throttling,
    )
    _active_cache.pop(city.pk, None)
    return sub


@transaction.atomic
def ngsi_subscription_delete(*, city: City, caller: Caller, subscription_id: str) -> None:
    ngsi_writer_check(caller, city)
    sub = sel.subscription_get(city, subscription_id)
    sub.delete()
    _active_cache.pop(city.pk, None)


def _notify_on_commit(city: City, changes: list[tuple[str, set[str]]]) -> None:
    if not changes or not _has_subscriptions(city.pk):
        return
    city_id = city.pk

    def send() -> None:
        from kyoso.datahub.tasks import ngsi_ld_notify_task

        for sub_pk, entity_ids in ngsi_ld_matches(city_id, changes).items():
            ngsi_ld_notify_task.enqueue(sub_pk, entity_ids)

    transaction.on_commit(send)


def ngsi_ld_device_changed(*, city: City, device: Device, props: Iterable[str]) -> None:
    """Queue notifications for a sensor whose readings changed (called by the ingest)."""
    if not _has_subscriptions(city.pk):
        return
    context = sel.device_context()
    _notify_on_commit(
        city, [(sel.device_entity_id(city, device), {context.expand(p) for p in props})]
    )


def _entity_matches(
    sub: NgsiSubscription, entity: sel.Entity, changed: set[str], context: Context
) -> bool:
    selectors = sub.body.get("entities") or []
    if selectors:
        ok = False
        for s in selectors:
            if context.expand(s["type"]) != entity.type:
                continue
            if s.get("id") and s["id"] != entity.id:
                continue
            if s.get("idPattern"):
                import re

                try:
                    if not re.search(s["idPattern"], entity.id):
                        continue
                except re.error:
                    continue
            ok = True
            break
        if not ok:
            return False
    if sub.watched and not changed & set(sub.watched):
        return False
    q = sub.body.get("q")
    return not q or parse_q(q, context)(entity.attrs)


def ngsi_ld_matches(city_id: int, changes: list[tuple[str, set[str]]]) -> dict[int, list[str]]:
    """Return ``{subscription pk: entity ids}`` of the active subscriptions the changes match."""
    subs = list(
        NgsiSubscription.objects.filter(sel.active_subscription_filter(city_id, timezone.now()))
    )
    if not subs:
        return {}
    city = City.objects.get(pk=city_id)
    out: dict[int, list[str]] = {}
    for entity_id, changed in changes:
        try:
            entity = sel.entity_get(city, entity_id, private=True)
        except NgsiLdError:
            continue
        for sub in subs:
            context = context_for(sub.context)
            private = sel.may_read_private(sub.owner, city)
            if not private and not _is_public(city, entity):
                continue
            if _entity_matches(sub, entity, changed, context):
                out.setdefault(sub.pk, []).append(entity_id)
    return out


def _is_public(city: City, entity: sel.Entity) -> bool:
    if entity.device is not None:
        return True
    return NgsiEntity.objects.filter(city=city, entity_id=entity.id, is_public=True).exists()


def ngsi_ld_notify(*, subscription_pk: int, entity_ids: list[str]) -> bool:
    """POST one notification of the entities' current state; return whether it was delivered."""
    sub = (
        NgsiSubscription.objects.select_related("city", "owner").filter(pk=subscription_pk).first()
    )
    if sub is None or not sub.is_active:
        return False
    now = timezone.now()
    if (
        sub.throttling
        and sub.last_notification
        and now - sub.last_notification < timedelta(seconds=sub.throttling)
    ):
        return False
    city = sub.city
    context = context_for(sub.context)
    notification = sub.body.get("notification") or {}
    key_values = notification.get("format") in ("keyValues", "simplified")
    pick = {context.expand(a) for a in notification.get("attributes") or []} or None
    ld = notification["endpoint"].get("accept") == "application/ld+json"
    data = []
    for entity_id in entity_ids:
        try:
            entity = sel.entity_get(city, entity_id, private=sel.may_read_private(sub.owner, city))
        except NgsiLdError:
            continue
        rendered = render_entity(
            entity.id, entity.type, entity.attrs, context, key_values=key_values, pick=pick
        )
        if ld:
            rendered["@context"] = context.as_jsonld()
        data.append(rendered)
    if not data:
        return False
    body = {
        "id": f"urn:ngsi-ld:Notification:{uuid.uuid4()}",
        "type": "Notification",
        "subscriptionId": sub.subscription_id,
        "notifiedAt": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    headers = {
        "Content-Type": "application/ld+json" if ld else "application/json",
        "NGSILD-Tenant": city.slug,
        "User-Agent": "Kyoso NGSI-LD",
    }
    if not ld:
        headers["Link"] = link_header(context)
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked to be http(s)
        sub.endpoint,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=NOTIFY_TIMEOUT_S) as response:  # noqa: S310
            delivered = 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        delivered = False
    fields: dict[str, Any] = {"times_sent": F("times_sent") + 1, "last_notification": now}
    fields["last_success" if delivered else "last_failure"] = now
    NgsiSubscription.objects.filter(pk=sub.pk).update(**fields)
    return delivered
