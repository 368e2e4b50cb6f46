"""The open-data catalogue's pages: search with facets, a dataset with its resources and a
preview, downloads (CSV/JSON), DCAT-AP (Turtle/JSON-LD) and staff's page to add datasets."""

from __future__ import annotations

import csv
import io
import json

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kyoso.core.access import STAFF_ROLES, require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.forms import form_error
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import User
from kyoso.datahub import selectors, services
from kyoso.datahub.forms import DatasetForm
from kyoso.datahub.models import Dataset, Licence

PREVIEW_ROWS = 20
FACETS = (
    ("groups", "theme"),
    ("organization", "publisher"),
    ("res_format", "format"),
    ("tags", "keywords"),
)


def _viewer(request: CityRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def catalogue(request: CityRequest, city_slug: str) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    filters = {
        name: request.GET.getlist(name) for name, _label in FACETS if request.GET.getlist(name)
    }
    found = selectors.dataset_search(
        request.city, _viewer(request), q=q, filters=filters, rows=1000
    )
    facets = [
        (
            name,
            label,
            [(value, n, value in filters.get(name, [])) for value, n in found.facets[name].items()],
        )
        for name, label in FACETS
        if found.facets.get(name)
    ]
    return render(
        request,
        "datahub/catalogue.html",
        {"found": found, "q": q, "facets": facets, "filtered": bool(filters or q)},
    )


def dataset(request: CityRequest, city_slug: str, slug: str) -> HttpResponse:
    item = selectors.dataset_get(request.city, _viewer(request), slug)
    services.dataset_access_record(
        actor=_viewer(request), city=request.city, dataset=item, channel="page"
    )
    resources = list(item.resources.all())
    preview = None
    if resources:
        table = services.resource_publish(
            actor=_viewer(request), city=request.city, resource=resources[0], channel="page"
        )
        preview = {
            "columns": table.columns,
            "rows": table.rows[:PREVIEW_ROWS],
            "total": len(table.rows),
            "hidden": table.hidden_cells,
        }
    return render(
        request,
        "datahub/dataset.html",
        {
            "dataset": item,
            "resources": resources,
            "preview": preview,
            "licence": Licence(item.licence).label,
        },
    )


def resource_download(request: CityRequest, city_slug: str, slug: str, uid: str) -> HttpResponse:
    resource = selectors.resource_get(request.city, _viewer(request), str(uid))
    if resource.dataset.slug != slug:
        raise NotFoundError("No such resource.")
    table = services.resource_publish(actor=_viewer(request), city=request.city, resource=resource)
    name = f"{request.city.slug}-{slug}-{resource.position + 1}"
    if resource.format == "JSON":
        body = json.dumps(
            {
                "fields": list(table.columns),
                "records": [dict(zip(table.columns, row, strict=True)) for row in table.rows],
            },
            ensure_ascii=False,
            default=str,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    # A byte-order mark so spreadsheet software in Japan reads the UTF-8 as such.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def dataset_dcat(request: CityRequest, city_slug: str, slug: str, fmt: str) -> HttpResponse:
    from kyoso.datahub.opendata.dcat import (  # rdflib is loaded only when DCAT is asked for
        DatasetDescription,
        Distribution,
        dcat_jsonld,
        dcat_turtle,
    )

    item = selectors.dataset_get(request.city, _viewer(request), slug)
    services.dataset_access_record(
        actor=_viewer(request), city=request.city, dataset=item, channel="dcat"
    )
    page = request.build_absolute_uri(
        reverse("datahub:dataset", args=[request.city.slug, item.slug])
    )
    description = DatasetDescription(
        uri=page + "#dataset",
        identifier=str(item.uid),
        title=item.title,
        description=item.description,
        landing_page=page,
        issued=item.published_at,
        modified=item.modified_at,
        frequency=item.update_frequency,
        keywords=item.keywords,
        licence_uri=item.licence_url,
        licence_title=str(Licence(item.licence).label),
        publisher_name=item.organisation.name_ja if item.organisation else request.city.name_ja,
        theme=item.theme.name_ja if item.theme else "",
        distributions=[
            Distribution(
                uri=f"{page}#resource-{r.uid}",
                title=r.name,
                download_url=request.build_absolute_uri(
                    reverse("datahub:resource_download", args=[request.city.slug, item.slug, r.uid])
                ),
                format=r.format,
            )
            for r in item.resources.all()
        ],
    )
    if fmt == "ttl":
        return HttpResponse(dcat_turtle(description), content_type="text/turtle; charset=utf-8")
    return HttpResponse(dcat_jsonld(description), content_type="application/ld+json; charset=utf-8")


@login_required
def catalogue_staff(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, *STAFF_ROLES)
    form = DatasetForm(request.POST if "slug" in request.POST else None)
    if request.method == "POST" and "publish" in request.POST:
        item = Dataset.objects.filter(city=city, pk=request.POST.get("publish", "0")).first()
        if item is None:
            raise NotFoundError("No such dataset.")
        services.dataset_publish(
            actor=request.user, city=city, dataset=item, published=not item.is_published
        )
        return redirect("datahub:catalogue_staff", city.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                item = services.dataset_create(
                    actor=request.user,
                    city=city,
                    slug=data["slug"],
                    title=data["title"],
                    description=data["description"],
                    licence=data["licence"],
                    update_frequency=data["update_frequency"],
                    keywords=data["keywords"].replace("、", ",").split(","),
                    access=data["access"],
                    derived_from_people=data["derived_from_people"],
                    min_cell_size=data["min_cell_size"],
                )
                services.resource_add(
                    actor=request.user,
                    city=city,
                    dataset=item,
                    name="",
                    generator=data["generator"],
                    format=data["format"],
                )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("datahub:catalogue_staff", city.slug)
    return render(
        request,
        "datahub/catalogue_staff.html",
        {"form": form, "datasets": selectors.datasets_visible(city, request.user, drafts=True)},
    )
