"""Open311 GeoReport v2 endpoints (JSON and XML exactly as the specification names them).

Mounted per city at ``/<city_slug>/open311/v2/`` and once at ``/open311/v2/``, where the
city is chosen by ``jurisdiction_id`` (its URL name or municipality code), as the spec allows.
Errors are a list of ``{code, description}`` with the matching HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any
from xml.etree import ElementTree as ET

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from kyoso.core.errors import DomainError
from kyoso.core.models import City
from kyoso.voice import services
from kyoso.voice.models import Report, ReportStatus, ServiceType
from kyoso.voice.selectors import reports as report_selectors

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-01T00:00:00Z"
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _xml_element(tag: str, value: Any) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            el.append(_xml_element(key, child))
    elif isinstance(value, list):
        item_tag = ITEM_TAGS.get(tag, "item")
        for child in value:
            el.append(_xml_element(item_tag, child))
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)
    return el


def _render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = ET.tostring(_xml_element(root, data), encoding="unicode")
        return HttpResponse(
            '<?xml version="1.0" encoding="utf-8"?>' + body,
            content_type="text/xml; charset=utf-8",
            status=status,
        )
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", [{"code": status, "description": description}], status=status)


def _resolve_city(request: HttpRequest, city_slug: str | None) -> City:
    if city_slug:
        city = City.objects.filter(slug=city_slug).first()
    else:
        jurisdiction = (
            request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
        ).strip()
        if not jurisdiction:
            cities = list(City.objects.all()[:2])
            if len(cities) == 1:
                return cities[0]
            raise Open311Error(
                400, "jurisdiction_id is required: the city's URL name or municipality code."
            )
        city = City.objects.filter(Q(slug=jurisdiction) | Q(municipality_code=jurisdiction)).first()
    if city is None:
        raise Open311Error(404, "Unknown jurisdiction_id.")
    return city


def open311_view(method: str) -> Callable[..., Callable[..., HttpResponse]]:
    """Wrap a view: check the method and format, find the city, and turn errors into Open311 errors."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(
            request: HttpRequest, fmt: str, city_slug: str | None = None, **kwargs: Any
        ) -> HttpResponse:
            if fmt not in ("json", "xml"):
                return _error("json", 404, "Use .json or .xml.")
            if request.method != method:
                response = _error(fmt, 405, f"Use {method}.")
                response["Allow"] = method
                return response
            params = [*request.GET.values(), *request.POST.values(), *kwargs.values()]
            if any("\x00" in str(v) for v in params):
                return _error(fmt, 400, "Parameters may not contain NUL characters.")
            try:
                city = _resolve_city(request, city_slug)
                return view(request, city, fmt, **kwargs)
            except Open311Error as exc:
                return _error(fmt, exc.status, exc.description)
            except DomainError as exc:
                text = f"{exc.field}: {exc.message}" if exc.field else exc.message
                return _error(fmt, exc.status, text)

        return wrapper

    return decorate


def _w3c(value: datetime | None, city: City) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _service_dict(service: ServiceType) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name_ja,
        "description": service.description or service.name_en,
        "metadata": bool(getattr(service, "n_attributes", 0)),
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


def _request_dict(request: HttpRequest, report: Report) -> dict[str, Any]:
    media = report.media_url
    if report.photo is not None and report.photo.file:
        media = request.build_absolute_uri(report.photo.file.url)
    return {
        "service_request_id": str(report.pk),
        "status": report.status,
        "status_notes": report.status_notes,
        "service_name": report.service.name_ja,
        "service_code": report.service.code,
        "description": report.description,
        "agency_responsible": report.agency_responsible,
        "service_notice": report.service_notice,
        "requested_datetime": _w3c(report.requested_at, report.city),
        "updated_datetime": _w3c(report.updated_at, report.city),
        "expected_datetime": _w3c(report.expected_at, report.city),
        "address": report.address_string,
        "address_id": report.address_id,
        "zipcode": report.zipcode,
        "lat": report.lat,
        "long": report.lon,
        "media_url": media,
    }


def _base_url(request: HttpRequest, city: City, city_slug_in_path: bool) -> str:
    path = (
        reverse("voice_open311_city_root", args=[city.slug])
        if city_slug_in_path
        else reverse("voice_open311_root")
    )
    return request.build_absolute_uri(path)


@open311_view("GET")
def discovery(request: HttpRequest, city: City, fmt: str) -> HttpResponse:
    in_path = request.resolver_match is not None and "city_slug" in request.resolver_match.kwargs
    return _render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": f"{city.name_ja} ({city.slug}) — Kyoso",
            "key_service": request.build_absolute_uri(
                reverse("voice:staff_reports", args=[city.slug])
            ),
            "endpoints": [
                {
                    "specification": SPEC_URL,
                    "url": _base_url(request, city, in_path).rstrip("/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@open311_view("GET")
def service_list(request: HttpRequest, city: City, fmt: str) -> HttpResponse:
    from django.db.models import Count

    items = report_selectors.services_of(city).annotate(n_attributes=Count("attributes"))
    return _render(fmt, "services", [_service_dict(s) for s in items])


@open311_view("GET")
def service_definition(request: HttpRequest, city: City, fmt: str, code: str) -> HttpResponse:
    service = report_selectors.services_of(city).filter(code=code).first()
    if service is None:
        raise Open311Error(404, "Unknown service_code.")
    attributes = [
        {
            "variable": a.variable,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description,
            "order": a.order,
            "description": a.description,
            "values": [{"key": v.get("key"), "name": v.get("name")} for v in a.values],
        }
        for a in service.attributes.all()
    ]
    return _render(
        fmt, "service_definition", {"service_code": service.code, "attributes": attributes}
    )


def _float(value: str | None, field: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise Open311Error(400, f"{field}: not a number.") from exc


def _attributes(post: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in post:
        if key.startswith("attribute[") and "]" in key:
            code = key[len("attribute[") : key.index("]")]
            out.setdefault(code, []).extend(post.getlist(key))
    return out


@open311_view("POST")
def request_create(request: HttpRequest, city: City, fmt: str) -> HttpResponse:
    post = request.POST
    client, user = services.open311_authenticate(city=city, api_key=post.get("api_key", ""))
    if not post.get("service_code"):
        raise Open311Error(400, "service_code is required.")
    report = services.report_create(
        city=city,
        service_code=post["service_code"],
        description=post.get("description", ""),
        lat=_float(post.get("lat"), "lat"),
        lon=_float(post.get("long"), "long"),
        address_string=post.get("address_string", ""),
        address_id=post.get("address_id", ""),
        attributes=_attributes(post),
        media_url=post.get("media_url", ""),
        reporter=user,
        client=client,
        email=post.get("email", ""),
        first_name=post.get("first_name", ""),
        last_name=post.get("last_name", ""),
        phone=post.get("phone", ""),
        device_id=post.get("device_id", ""),
        account_id=post.get("account_id", ""),
    )
    return _render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": str(report.pk),
                "token": report.token,
                "service_notice": report.service_notice,
                "account_id": report.account_id or None,
            }
        ],
        status=201,
    )


def _date(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{field}: use the W3C format, e.g. 2026-01-01T00:00:00Z.")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@open311_view("GET")
def request_list(request: HttpRequest, city: City, fmt: str) -> HttpResponse:
    q = request.GET
    ids: list[int] = []
    for raw in _split(q.get("service_request_id", "")):
        if not raw.isdigit() or len(raw) > 15:
            raise Open311Error(400, "service_request_id: a comma-separated list of numbers.")
        ids.append(int(raw))
    statuses = _split(q.get("status", ""))
    if any(s not in ReportStatus.values for s in statuses):
        raise Open311Error(400, "status: open or closed.")
    start, end = (
        _date(q.get("start_date", ""), "start_date"),
        _date(q.get("end_date", ""), "end_date"),
    )
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date.")
    if start and end and end - start > timedelta(days=90):
        raise Open311Error(400, "The date range may not span more than 90 days.")
    reports = report_selectors.open311_requests(
        city,
        ids=ids,
        service_codes=_split(q.get("service_code", "")),
        statuses=statuses,
        start=start,
        end=end,
    )
    return _render(fmt, "service_requests", [_request_dict(request, r) for r in reports])


@open311_view("GET")
def request_detail(request: HttpRequest, city: City, fmt: str, request_id: str) -> HttpResponse:
    report = (
        Report.objects.filter(city=city, pk=int(request_id), is_hidden=False)
        .select_related("service", "photo")
        .first()
        if request_id.isdigit() and len(request_id) <= 15
        else None
    )
    if report is None:
        raise Open311Error(404, "Unknown service_request_id.")
    return _render(fmt, "service_requests", [_request_dict(request, report)])


@open311_view("GET")
def token_detail(request: HttpRequest, city: City, fmt: str, token: str) -> HttpResponse:
    report = Report.objects.filter(city=city, token=token).only("id", "token").first()
    if report is None:
        raise Open311Error(404, "Unknown token.")
    return _render(
        fmt, "service_requests", [{"service_request_id": str(report.pk), "token": report.token}]
    )


def patterns(prefix: str, name_prefix: str) -> list[Any]:
    """Return the URL patterns of the Open311 endpoints under ``prefix``."""
    from django.urls import re_path
    from django.views.generic import RedirectView

    fmt = r"\.(?P<fmt>json|xml)$"
    return [
        re_path(
            rf"^{prefix}$",
            RedirectView.as_view(pattern_name=None, url="discovery.json", permanent=False),
            name=f"{name_prefix}root",
        ),
        re_path(rf"^{prefix}discovery{fmt}", discovery, name=f"{name_prefix}discovery"),
        re_path(rf"^{prefix}services{fmt}", service_list, name=f"{name_prefix}services"),
        re_path(
            rf"^{prefix}services/(?P<code>[\w-]+){fmt}",
            service_definition,
            name=f"{name_prefix}service",
        ),
        re_path(rf"^{prefix}requests{fmt}", _requests, name=f"{name_prefix}requests"),
        re_path(
            rf"^{prefix}requests/(?P<request_id>[^/.]+){fmt}",
            request_detail,
            name=f"{name_prefix}request",
        ),
        re_path(
            rf"^{prefix}tokens/(?P<token>[^/.]+){fmt}", token_detail, name=f"{name_prefix}token"
        ),
    ]


@csrf_exempt
def _requests(request: HttpRequest, fmt: str, city_slug: str | None = None) -> HttpResponse:
    """GET lists requests; POST creates one (both at requests.json|xml)."""
    if request.method == "POST":
        return request_create(request, fmt=fmt, city_slug=city_slug)
    return request_list(request, fmt=fmt, city_slug=city_slug)
