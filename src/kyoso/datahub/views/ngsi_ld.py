"""The NGSI-LD API (ETSI GS CIM 009 subset) at ``/ngsi-ld/v1/``: thin views that parse the
request (tenant, token, @context, options), call one service or selector and render JSON(-LD).
Every error answers a ProblemDetails body (see ``ngsi_ld.errors``)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City
from kyoso.core.services import api_token_authenticate
from kyoso.datahub.ngsi_ld import geo, temporal
from kyoso.datahub.ngsi_ld.context import Context, context_for, context_from_link, link_header
from kyoso.datahub.ngsi_ld.entity import (
    ParsedEntity,
    check_uri,
    parse_attribute,
    parse_attributes,
    parse_entity,
    render_entity,
)
from kyoso.datahub.ngsi_ld.errors import (
    BadRequestData,
    Forbidden,
    InvalidRequest,
    NgsiLdError,
    ResourceNotFound,
    Unauthorized,
)
from kyoso.datahub.ngsi_ld.query import parse_q, prefilter_conditions, q_attributes
from kyoso.datahub.selectors import ngsi_ld as sel
from kyoso.datahub.services import ngsi_ld as svc
from kyoso.datahub.services.devices import device_authenticate

JSON = "application/json"
JSONLD = "application/ld+json"
BATCH_OPS = ("create", "upsert", "update", "delete")


class NotAcceptable(NgsiLdError):
    status = 406
    name = "NotAcceptable"
    title = "Not Acceptable"

    @property
    def type(self) -> str:
        return "about:blank"


class UnsupportedMediaType(NotAcceptable):
    status = 415
    title = "Unsupported Media Type"


class MethodNotAllowed(NotAcceptable):
    status = 405
    title = "Method Not Allowed"


@dataclass(slots=True)
class Call:
    request: HttpRequest
    city: City
    caller: svc.Caller
    context: Context  # from the Link header (or the core context)
    ld: bool  # answer application/ld+json

    @property
    def private(self) -> bool:
        return sel.may_read_private(self.caller.user, self.city)

    def param(self, name: str) -> str | None:
        value = self.request.GET.get(name)
        return value if value not in (None, "") else None

    def options(self) -> set[str]:
        raw = ",".join(self.request.GET.getlist("options"))
        out = {o.strip() for o in raw.split(",") if o.strip()}
        fmt = self.param("format")
        if fmt in ("keyValues", "simplified"):
            out.add("keyValues")
        if "simplified" in out:
            out.add("keyValues")
        return out


def _problem(error: NgsiLdError) -> HttpResponse:
    return HttpResponse(
        json.dumps(error.problem(), ensure_ascii=False), status=error.status, content_type=JSON
    )


def _caller(request: HttpRequest, city: City) -> svc.Caller:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return svc.Caller()
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send Authorization: Bearer <Kyoso API token or device key>")
    token = token.strip()
    if token.startswith("kdev_"):
        device = device_authenticate(token, city=city)
        if device is None:
            raise Unauthorized("unknown or revoked device key for this tenant")
        return svc.Caller(device=device)
    user = api_token_authenticate(token, method=request.method or "GET")
    if user is None:
        raise Unauthorized("unknown, expired or read-only API token")
    return svc.Caller(user=user)


def _wants_ld(request: HttpRequest) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "") or "*/*"
    kinds = [part.split(";")[0].strip() for part in accept.split(",")]
    if JSONLD in kinds:
        return True
    if any(k in (JSON, "*/*", "application/*") for k in kinds):
        return False
    raise NotAcceptable("answers are application/json or application/ld+json")


def ngsi_ld_view(
    *methods: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise MethodNotAllowed(f"use {', '.join(methods)}")
                city = sel.tenant_city(request.META.get("HTTP_NGSILD_TENANT"))
                link = context_from_link(request.META.get("HTTP_LINK", ""))
                call = Call(
                    request, city, _caller(request, city), context_for(link), _wants_ld(request)
                )
                response = view(call, *args, **kwargs)
            except NgsiLdError as exc:
                return _problem(exc)
            except PermissionDeniedError as exc:
                return _problem(Forbidden(exc.message))
            except NotFoundError as exc:
                return _problem(ResourceNotFound(exc.message))
            except DomainError as exc:
                return _problem(
                    BadRequestData(f"{exc.field}: {exc.message}" if exc.field else exc.message)
                )
            except RequestDataTooBig:
                return _problem(BadRequestData("the body is larger than the server accepts"))
            if request.method in methods and methods != ("GET",):
                response["Allow"] = ", ".join(methods)
            return response

        return wrapper

    return decorate


def _body(call: Call) -> tuple[Any, Context]:
    """Return the parsed JSON body and the @context to read it with."""
    content_type = call.request.content_type or ""
    if content_type not in (JSON, JSONLD):
        raise UnsupportedMediaType(
            "send application/json (with a Link header) or application/ld+json"
        )
    raw = call.request.body
    if b"\x00" in raw or b"\\u0000" in raw:
        raise BadRequestData("NUL characters are not allowed")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequest("the body is not JSON") from None
    if content_type == JSONLD:
        if isinstance(data, dict):
            if "@context" not in data:
                raise BadRequestData("application/ld+json needs an @context member")
            return data, context_for(data["@context"])
        return data, call.context  # a batch: each entity carries its own @context
    if isinstance(data, dict) and "@context" in data:
        raise BadRequestData("application/json must not carry @context: send it in a Link header")
    return data, call.context


def _entity_context(call: Call, item: Any, content_type: str) -> Context:
    if content_type == JSONLD and isinstance(item, dict):
        if "@context" not in item:
            raise BadRequestData("each entity of an application/ld+json batch needs an @context")
        return context_for(item["@context"])
    return call.context


def _respond(
    call: Call, data: Any, status: int = 200, context: Context | None = None
) -> HttpResponse:
    context = context or call.context
    if call.ld:
        jsonld = context.as_jsonld()
        if isinstance(data, list):
            data = [{**item, "@context": jsonld} for item in data]
        elif isinstance(data, dict):
            data = {**data, "@context": jsonld}
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type=JSONLD if call.ld else JSON,
    )
    if not call.ld:
        response["Link"] = link_header(context)
    return response


def _no_content() -> HttpResponse:
    return HttpResponse(status=204)


def _int_param(call: Call, name: str, default: int, low: int = 0) -> int:
    raw = call.param(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequestData(f"{name} must be a whole number") from None
    if value < low:
        raise BadRequestData(f"{name} must be at least {low}")
    return value


def _csv_iris(call: Call, name: str) -> tuple[str, ...]:
    raw = call.param(name)
    return (
        tuple(call.context.expand(part.strip()) for part in raw.split(",") if part.strip())
        if raw
        else ()
    )


def _query(call: Call) -> sel.EntityQuery:
    ids = tuple(i.strip() for i in (call.param("id") or "").split(",") if i.strip())
    for entity_id in ids:
        check_uri(entity_id, "id")
    pattern = None
    if call.param("idPattern"):
        try:
            pattern = re.compile(call.param("idPattern") or "")
        except re.error:
            raise BadRequestData("idPattern is not a regular expression") from None
    types = _csv_iris(call, "type")
    attrs = _csv_iris(call, "attrs")
    q = call.param("q")
    georel = call.param("georel")
    geometry, coordinates = call.param("geometry"), call.param("coordinates")
    if not (types or ids or pattern or attrs or q or georel):
        raise BadRequestData("give at least one of type, id, idPattern, attrs, q or georel")
    if (geometry or coordinates) and not georel:
        raise BadRequestData("geometry and coordinates need georel")
    return sel.EntityQuery(
        types=types,
        ids=ids,
        id_pattern=pattern,
        attrs=attrs,
        q=parse_q(q, call.context) if q else None,
        prefilter=tuple(prefilter_conditions(q, call.context)) if q else (),
        q_attributes=tuple(sorted(q_attributes(q, call.context))) if q else (),
        geo=geo.parse_georel(georel, geometry, coordinates) if georel else None,
        geoproperty=call.context.expand(call.param("geoproperty") or "location"),
    )


def _render(
    call: Call, entity: sel.Entity, options: set[str], pick: tuple[str, ...]
) -> dict[str, Any]:
    return render_entity(
        entity.id,
        entity.type,
        entity.attrs,
        call.context,
        key_values="keyValues" in options,
        pick=set(pick) if pick else None,
        sys_attrs=entity.sys_attrs() if "sysAttrs" in options else None,
    )


# -- entities -------------------------------------------------------------------------------


@ngsi_ld_view("GET", "POST")
def entities(call: Call) -> HttpResponse:
    if call.request.method == "POST":
        data, context = _body(call)
        entity = parse_entity(data, context, key_values="keyValues" in call.options())
        public = call.request.META.get("HTTP_KYOSO_VISIBILITY", "public") != "staff"
        result = svc.ngsi_entities_write(
            city=call.city, caller=call.caller, entities=[entity], mode="create", is_public=public
        )
        if result.errors:
            error = result.errors[0]["error"]
            return HttpResponse(json.dumps(error), status=error["status"], content_type=JSON)
        response = HttpResponse(status=201)
        response["Location"] = f"/ngsi-ld/v1/entities/{entity.id}"
        return response
    query = _query(call)
    limit = _int_param(call, "limit", 20)
    page, total = sel.entities_query(
        call.city, query, private=call.private, limit=limit, offset=_int_param(call, "offset", 0)
    )
    options = call.options()
    response = _respond(call, [_render(call, e, options, query.attrs) for e in page])
    if call.param("count") == "true":
        response["NGSILD-Results-Count"] = str(total)
    return response


@ngsi_ld_view("GET", "DELETE")
def entity(call: Call, entity_id: str) -> HttpResponse:
    check_uri(entity_id, "entityId")
    if call.request.method == "DELETE":
        result = svc.ngsi_entities_delete(
            city=call.city, caller=call.caller, entity_ids=[entity_id]
        )
        if result.errors:
            error = result.errors[0]["error"]
            return HttpResponse(json.dumps(error), status=error["status"], content_type=JSON)
        return _no_content()
    found = sel.entity_get(call.city, entity_id, private=call.private)
    return _respond(call, _render(call, found, call.options(), _csv_iris(call, "attrs")))


@ngsi_ld_view("POST", "PATCH")
def entity_attrs(call: Call, entity_id: str) -> HttpResponse:
    check_uri(entity_id, "entityId")
    data, context = _body(call)
    if not isinstance(data, dict):
        raise BadRequestData("send an object of attributes")
    attrs = parse_attributes(data, context, key_values="keyValues" in call.options())
    if not attrs:
        raise BadRequestData("no attribute given")
    if call.request.method == "POST":
        mode = "append-keep" if "noOverwrite" in call.options() else "append"
    else:
        mode = "update"
    skipped = svc.ngsi_entity_attrs_write(
        city=call.city, caller=call.caller, entity_id=entity_id, attrs=attrs, mode=mode
    )
    if not skipped:
        return _no_content()
    done = [context.compact(a) for a in attrs if a not in skipped]
    reason = (
        "attribute exists (noOverwrite)" if mode == "append-keep" else "attribute does not exist"
    )
    not_done = [{"attributeName": context.compact(a), "reason": reason} for a in skipped]
    key = "notUpdated"
    return HttpResponse(
        json.dumps({"updated": done, key: not_done}, ensure_ascii=False),
        status=207,
        content_type=JSON,
    )


@ngsi_ld_view("PATCH", "DELETE")
def entity_attr(call: Call, entity_id: str, attr: str) -> HttpResponse:
    check_uri(entity_id, "entityId")
    if call.request.method == "DELETE":
        svc.ngsi_entity_attr_delete(
            city=call.city, caller=call.caller, entity_id=entity_id, attr=call.context.expand(attr)
        )
        return _no_content()
    data, context = _body(call)
    if not isinstance(data, dict):
        raise BadRequestData("send the attribute as an object")
    patch = {k: v for k, v in data.items() if k != "@context"}
    current = sel.entity_get(call.city, entity_id, private=True)
    iri = context.expand(attr)
    before = current.attrs.get(iri)
    if before is None:
        raise ResourceNotFound(f"no attribute {attr} of {entity_id}")
    if "type" not in patch:
        patch["type"] = before.get("type")
    if current.device is None:
        kept = {k: v for k, v in before.items() if k not in ("createdAt", "modifiedAt")}
        if "value" in patch or "object" in patch:
            kept.pop("observedAt", None)
        patch = {**kept, **patch}
    svc.ngsi_entity_attrs_write(
        city=call.city,
        caller=call.caller,
        entity_id=entity_id,
        attrs={iri: parse_attribute(attr, patch, context, key_values=False)},
        mode="update",
    )
    return _no_content()


# -- batch ----------------------------------------------------------------------------------


@ngsi_ld_view("POST")
def entity_operations(call: Call, op: str) -> HttpResponse:
    if op not in BATCH_OPS:
        raise ResourceNotFound(f"entityOperations/{op}: use {', '.join(BATCH_OPS)}")
    data, _context = _body(call)
    if not isinstance(data, list):
        raise BadRequestData("a batch is a JSON array")
    if len(data) > svc.MAX_BATCH:
        raise BadRequestData(f"at most {svc.MAX_BATCH} entities in one batch")
    if op == "delete":
        if not all(isinstance(i, str) for i in data):
            raise BadRequestData("entityOperations/delete takes an array of entity ids")
        result = svc.ngsi_entities_delete(city=call.city, caller=call.caller, entity_ids=data)
        return _batch_response(result, ok_status=204, list_created=False)
    options = call.options()
    key_values = "keyValues" in options
    content_type = call.request.content_type or ""
    parsed: list[ParsedEntity] = []
    failed = svc.BatchResult()
    for item in data:
        try:
            parsed.append(
                parse_entity(item, _entity_context(call, item, content_type), key_values=key_values)
            )
        except NgsiLdError as exc:
            failed.fail(str(item.get("id", "")) if isinstance(item, dict) else "", exc)
    if op == "create":
        mode = "create"
    elif op == "upsert":
        mode = "merge" if "update" in options else "replace"
    else:
        mode = "update-keep" if "noOverwrite" in options else "update"
    result = svc.BatchResult()
    if parsed:
        result = svc.ngsi_entities_write(
            city=call.city, caller=call.caller, entities=parsed, mode=mode
        )
    result.errors = failed.errors + result.errors
    if op == "create":
        return _batch_response(result, ok_status=201, list_created=True)
    if op == "upsert" and result.created and not result.errors:
        return HttpResponse(json.dumps(result.created), status=201, content_type=JSON)
    return _batch_response(result, ok_status=204, list_created=False)


def _batch_response(result: svc.BatchResult, *, ok_status: int, list_created: bool) -> HttpResponse:
    if result.errors:
        body = {"success": result.created + result.updated, "errors": result.errors}
        return HttpResponse(json.dumps(body, ensure_ascii=False), status=207, content_type=JSON)
    if list_created:
        return HttpResponse(json.dumps(result.created), status=ok_status, content_type=JSON)
    return _no_content()


# -- subscriptions --------------------------------------------------------------------------


def _subscription_out(call: Call, sub: Any) -> dict[str, Any]:
    body = dict(sub.body)
    notification = dict(body.get("notification") or {})
    notification.update(
        timesSent=sub.times_sent,
        status="ok"
        if not sub.last_failure or (sub.last_success and sub.last_success > sub.last_failure)
        else "failed",
    )
    for name in ("last_notification", "last_success", "last_failure"):
        value = getattr(sub, name)
        if value:
            camel = name.split("_")[0] + name.split("_")[1].capitalize()
            notification[camel] = value.isoformat().replace("+00:00", "Z")
    body["notification"] = notification
    body["isActive"] = sub.is_active
    body["status"] = "active" if sub.is_active else "paused"
    return body


def _require_subscriber(call: Call) -> None:
    if call.caller.user is None:
        raise Unauthorized("subscriptions are read and written with a Kyoso API token")
    svc.ngsi_writer_check(call.caller, call.city)


@ngsi_ld_view("GET", "POST")
def subscriptions(call: Call) -> HttpResponse:
    _require_subscriber(call)
    if call.request.method == "POST":
        data, _context = _body(call)
        user_context = data.pop("@context", None) if isinstance(data, dict) else None
        if user_context is None:
            user_context = context_from_link(call.request.META.get("HTTP_LINK", ""))
        sub = svc.ngsi_subscription_create(
            city=call.city, caller=call.caller, body=data, user_context=user_context
        )
        response = HttpResponse(status=201)
        response["Location"] = f"/ngsi-ld/v1/subscriptions/{sub.subscription_id}"
        return response
    limit = _int_param(call, "limit", 20)
    subs = sel.subscriptions_list(call.city)
    offset = _int_param(call, "offset", 0)
    response = _respond(call, [_subscription_out(call, s) for s in subs[offset : offset + limit]])
    if call.param("count") == "true":
        response["NGSILD-Results-Count"] = str(len(subs))
    return response


@ngsi_ld_view("GET", "DELETE")
def subscription(call: Call, subscription_id: str) -> HttpResponse:
    _require_subscriber(call)
    if call.request.method == "DELETE":
        svc.ngsi_subscription_delete(
            city=call.city, caller=call.caller, subscription_id=subscription_id
        )
        return _no_content()
    sub = sel.subscription_get(call.city, subscription_id)
    return _respond(call, _subscription_out(call, sub), context=context_for(sub.context))


# -- temporal -------------------------------------------------------------------------------


def _temporal_params(call: Call) -> dict[str, Any]:
    window = temporal.parse_window(
        call.param("timerel"), call.param("timeAt"), call.param("endTimeAt")
    )
    options = call.options()
    methods = None
    period = None
    if "aggregatedValues" in options or call.param("aggrMethods"):
        methods = temporal.parse_methods(call.param("aggrMethods"))
        duration = call.param("aggrPeriodDuration")
        period = temporal.parse_duration(duration) if duration and duration != "PT0S" else None
    last_n = _int_param(call, "lastN", 0, low=0) or None
    timeproperty = call.param("timeproperty") or "observedAt"
    if timeproperty != "observedAt":
        raise BadRequestData("timeproperty: only observedAt is kept")
    return {"window": window, "methods": methods, "period": period, "last_n": last_n}


def _temporal_render(
    call: Call, found: sel.Entity, params: dict[str, Any], attrs: tuple[str, ...]
) -> dict[str, Any]:
    history = sel.temporal_entity(call.city, found, attrs=attrs, **params)
    out: dict[str, Any] = {"id": found.id, "type": call.context.compact(found.type)}
    for iri, value in history.items():
        name = call.context.compact(iri)
        if isinstance(value, dict):
            out[name] = {"type": "Property", **value}
        elif "temporalValues" in call.options() or "keyValues" in call.options():
            out[name] = {
                "type": "Property",
                "values": [[v["value"], v["observedAt"]] for v in value],
            }
        else:
            out[name] = value
    return out


@ngsi_ld_view("GET")
def temporal_entities(call: Call) -> HttpResponse:
    params = _temporal_params(call)
    if params["window"].start is None and params["window"].end is None:
        raise BadRequestData("a temporal query needs timerel and timeAt")
    query = _query(call)
    limit = _int_param(call, "limit", 20)
    if limit > 100:
        raise BadRequestData("limit is at most 100 entities for the temporal API")
    page, total = sel.entities_query(
        call.city, query, private=call.private, limit=limit, offset=_int_param(call, "offset", 0)
    )
    response = _respond(call, [_temporal_render(call, e, params, query.attrs) for e in page])
    if call.param("count") == "true":
        response["NGSILD-Results-Count"] = str(total)
    return response


@ngsi_ld_view("GET")
def temporal_entity(call: Call, entity_id: str) -> HttpResponse:
    check_uri(entity_id, "entityId")
    params = _temporal_params(call)
    found = sel.entity_get(call.city, entity_id, private=call.private)
    return _respond(call, _temporal_render(call, found, params, _csv_iris(call, "attrs")))
