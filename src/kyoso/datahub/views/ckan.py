"""The CKAN Action API subset at ``/<city>/api/3/action/<name>`` (and ``/api/3/action/`` for
the first city): thin views that parse CKAN's parameters, call the catalogue's selectors and
its publishing service, and answer CKAN's envelope ``{"help", "success", "result"}``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Organisation, User
from kyoso.core.services import api_token_authenticate
from kyoso.datahub import selectors as sel
from kyoso.datahub import services as svc
from kyoso.datahub.models import Access, Dataset, Licence, Resource
from kyoso.datahub.opendata import (
    CkanError,
    CkanNotAuthorized,
    CkanNotFound,
    CkanValidationError,
    datastore_query,
    field_type,
    int_param,
    json_param,
    parse_fq,
)

Params = dict[str, Any]


class Call:
    def __init__(self, request: HttpRequest, city: City, user: User | None, params: Params):
        self.request, self.city, self.user, self.params = request, city, user, params

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


def organisation_dict(org: Organisation, count: int | None = None) -> dict[str, Any]:
    out = {
        "id": org.code,
        "name": org.code,
        "title": org.name_ja,
        "display_name": org.name_ja,
        "description": org.name_en,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "image_url": "",
    }
    if count is not None:
        out["package_count"] = count
    return out


def resource_dict(call: Call, resource: Resource) -> dict[str, Any]:
    dataset = resource.dataset
    url = reverse(
        "datahub:resource_download",
        kwargs={"city_slug": call.city.slug, "slug": dataset.slug, "uid": resource.uid},
    )
    return {
        "id": str(resource.uid),
        "package_id": str(dataset.uid),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "mimetype": "text/csv" if resource.format == "CSV" else "application/json",
        "url": call.absolute(url),
        "url_type": "",
        "datastore_active": True,
        "position": resource.position,
        "created": resource.created_at.isoformat(),
        "last_modified": dataset.modified_at.isoformat(),
        "state": "active",
    }


def package_dict(call: Call, dataset: Dataset) -> dict[str, Any]:
    page = reverse("datahub:dataset", kwargs={"city_slug": call.city.slug, "slug": dataset.slug})
    resources = [resource_dict(call, r) for r in dataset.resources.all()]
    return {
        "id": str(dataset.uid),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "type": "dataset",
        "state": "active",
        "private": dataset.access == Access.RESTRICTED,
        "license_id": dataset.licence,
        "license_title": str(Licence(dataset.licence).label),
        "license_url": dataset.licence_url,
        "url": call.absolute(page),
        "owner_org": dataset.organisation.code if dataset.organisation else None,
        "organization": organisation_dict(dataset.organisation) if dataset.organisation else None,
        "groups": (
            [{"name": dataset.theme.code, "title": dataset.theme.name_ja}] if dataset.theme else []
        ),
        "tags": [{"name": k, "display_name": k} for k in dataset.keywords],
        "num_tags": len(dataset.keywords),
        "resources": resources,
        "num_resources": len(resources),
        "metadata_created": dataset.created_at.isoformat(),
        "metadata_modified": dataset.modified_at.isoformat(),
        "extras": [
            {"key": "update_frequency", "value": dataset.update_frequency},
            {"key": "derived_from_people", "value": str(dataset.derived_from_people).lower()},
            {"key": "min_cell_size", "value": str(dataset.min_cell_size)},
        ],
    }


def package_list(call: Call) -> Any:
    names = sorted(d.slug for d in sel.datasets_visible(call.city, call.user))
    offset = int_param(call.params, "offset", 0, most=10**9)
    limit = int_param(call.params, "limit", len(names), most=10**9)
    return names[offset : offset + limit]


def _dataset(call: Call, ref: Any) -> Dataset:
    if not ref:
        raise CkanValidationError("Missing value", "id")
    dataset = sel.dataset_get(call.city, call.user, str(ref))
    svc.dataset_access_record(actor=call.user, city=call.city, dataset=dataset, channel="api")
    return dataset


def package_show(call: Call) -> Any:
    return package_dict(
        call, _dataset(call, call.params.get("id") or call.params.get("name_or_id"))
    )


def package_search(call: Call) -> Any:
    facet_fields = json_param(call.params, "facet.field", list(sel.FACET_FIELDS))
    if not isinstance(facet_fields, list) or not set(facet_fields) <= set(sel.FACET_FIELDS):
        raise CkanValidationError(f"Facets of {', '.join(sel.FACET_FIELDS)} only", "facet.field")
    found = sel.dataset_search(
        call.city,
        call.user,
        q=str(call.params.get("q", "") or "").replace("*:*", ""),
        filters=parse_fq(str(call.params.get("fq", "") or ""), sel.FACET_FIELDS),
        sort=str(call.params.get("sort") or "title asc").split(",")[0],
        rows=int_param(call.params, "rows", 10, most=1000),
        start=int_param(call.params, "start", 0, most=10**9),
        facet_fields=tuple(facet_fields),
    )
    for dataset in found.datasets:
        svc.dataset_access_record(actor=call.user, city=call.city, dataset=dataset, channel="api")
    return {
        "count": found.count,
        "sort": call.params.get("sort") or "title asc",
        "results": [package_dict(call, d) for d in found.datasets],
        "facets": found.facets,
        "search_facets": {
            name: {
                "title": name,
                "items": [
                    {"name": value, "display_name": value, "count": n}
                    for value, n in counts.items()
                ],
            }
            for name, counts in found.facets.items()
        },
    }


def organization_list(call: Call) -> Any:
    counts: dict[int, int] = {}
    orgs: dict[int, Organisation] = {}
    for dataset in sel.datasets_visible(call.city, call.user):
        if dataset.organisation is not None:
            orgs[dataset.organisation.pk] = dataset.organisation
            counts[dataset.organisation.pk] = counts.get(dataset.organisation.pk, 0) + 1
    ordered = sorted(orgs.values(), key=lambda o: o.code)
    if str(call.params.get("all_fields", "")).lower() in ("true", "1"):
        return [organisation_dict(o, counts[o.pk]) for o in ordered]
    return [o.code for o in ordered]


def _resource(call: Call) -> Resource:
    ref = call.params.get("id") or call.params.get("resource_id")
    if not ref:
        raise CkanValidationError("Missing value", "id")
    return sel.resource_get(call.city, call.user, str(ref))


def resource_show(call: Call) -> Any:
    resource = _resource(call)
    svc.dataset_access_record(
        actor=call.user, city=call.city, dataset=resource.dataset, channel="api"
    )
    return resource_dict(call, resource)


def datastore_search(call: Call) -> Any:
    resource = _resource(call)
    table = svc.resource_publish(actor=call.user, city=call.city, resource=resource, channel="api")
    limit = int_param(call.params, "limit", 100, most=32000)
    offset = int_param(call.params, "offset", 0, most=10**9)
    records, total = datastore_query(
        table.columns,
        table.rows,
        filters=json_param(call.params, "filters", None),
        q=json_param(call.params, "q", ""),
        sort=str(call.params.get("sort") or ""),
        limit=limit,
        offset=offset,
    )
    base = call.request.path
    return {
        "resource_id": str(resource.uid),
        "fields": [{"id": "_id", "type": "int"}]
        + [
            {"id": c, "type": field_type([row[n] for row in table.rows])}
            for n, c in enumerate(table.columns)
        ],
        "records": records,
        "total": total,
        "limit": limit,
        "offset": offset,
        "_links": {
            "start": f"{base}?resource_id={resource.uid}",
            "next": f"{base}?resource_id={resource.uid}&offset={offset + limit}",
        },
    }


ACTIONS: dict[str, Callable[[Call], Any]] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "resource_show": resource_show,
    "datastore_search": datastore_search,
}


def _user(request: HttpRequest) -> User | None:
    """Return the API token's user (CKAN sends the key bare in Authorization), else the session's."""
    header = request.META.get("HTTP_AUTHORIZATION") or request.META.get("HTTP_X_CKAN_API_KEY", "")
    key = header.split(" ", 1)[1] if header.lower().startswith("bearer ") else header
    if key.strip():
        user = api_token_authenticate(key.strip(), method="GET")
        if user is None:
            raise CkanNotAuthorized("Unknown or expired API token")
        return user
    return request.user if isinstance(request.user, User) else None


def _params(request: HttpRequest) -> Params:
    params: Params = {k: request.GET.get(k) for k in request.GET}
    if request.method == "POST" and request.body:
        if (request.content_type or "").endswith("json"):
            try:
                body = json.loads(request.body)
            except ValueError:
                raise CkanError("JSON Error: the body is not JSON") from None
            if not isinstance(body, dict):
                raise CkanError("JSON Error: the body is not an object")
            params.update(body)
        else:
            params.update({k: request.POST.get(k) for k in request.POST})
    return params


def _answer(help_url: str, status: int, **body: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps({"help": help_url, **body}, ensure_ascii=False, default=str),
        status=status,
        content_type="application/json;charset=utf-8",
    )


def _run(request: HttpRequest, city: City, action: str) -> HttpResponse:
    help_url = request.build_absolute_uri(
        f"{request.path.rsplit('/', 1)[0]}/help_show?name={action}"
    )
    try:
        if request.method not in ("GET", "POST"):
            raise CkanError("Bad request - use GET or POST")
        view = ACTIONS.get(action)
        if view is None:
            raise CkanError(f"Bad request - Action name not known: {action}")
        result = view(Call(request, city, _user(request), _params(request)))
    except CkanError as exc:
        return _answer(help_url, exc.status, success=False, error=exc.error())
    except (NotFoundError, PermissionDeniedError):
        # A dataset the caller may not see is not found, so its existence is not told either.
        return _answer(help_url, 404, success=False, error=CkanNotFound("Not found").error())
    except DomainError as exc:
        error = CkanValidationError(exc.message, exc.field)
        return _answer(help_url, error.status, success=False, error=error.error())
    return _answer(help_url, 200, success=True, result=result)


@csrf_exempt
def action(request: HttpRequest, city_slug: str, action: str) -> HttpResponse:
    city = City.objects.filter(slug=city_slug).first()
    if city is None:
        return _answer("", 404, success=False, error=CkanNotFound("Not found").error())
    return _run(request, city, action)


@csrf_exempt
def action_first_city(request: HttpRequest, action: str) -> HttpResponse:
    """The API without a city in the path serves the first city (as NGSI-LD without a tenant)."""
    city = City.objects.order_by("pk").first()
    if city is None:
        return _answer("", 404, success=False, error=CkanNotFound("Not found").error())
    return _run(request, city, action)
