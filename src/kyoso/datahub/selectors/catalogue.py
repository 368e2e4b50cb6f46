"""Reads of the open-data catalogue: who may see a dataset, search with facets, sensor tables."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kyoso.core.access import has_role, is_staff, organisations_of
from kyoso.core.errors import NotFoundError
from kyoso.core.models import City, User
from kyoso.core.registry import DataTable
from kyoso.datahub.models import Access, Dataset, Resource, Rollup

Viewer = User | AnonymousUser | None

#: The facets CKAN clients ask for, and the dataset attribute each counts.
FACET_FIELDS = ("organization", "tags", "res_format", "license_id", "groups")


def dataset_allows(viewer: Viewer, city: City, dataset: Dataset) -> bool:
    """Return whether ``viewer`` may see the dataset: published and public, or allowed to."""
    if viewer is not None and is_staff(viewer, city):
        return True
    if not dataset.is_published:
        return False
    if dataset.access == Access.PUBLIC:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    if dataset.allowed_roles and has_role(viewer, city, *dataset.allowed_roles):
        return True
    allowed = {o.pk for o in dataset.allowed_organisations.all()}
    return bool(allowed & organisations_of(viewer, city))


def _datasets(city: City) -> QuerySet[Dataset]:
    return (
        Dataset.objects.filter(city=city)
        .select_related("organisation", "theme")
        .prefetch_related("resources", "allowed_organisations")
    )


def datasets_visible(city: City, viewer: Viewer, *, drafts: bool = False) -> list[Dataset]:
    """Return the datasets ``viewer`` may see (published ones; staff also drafts if asked)."""
    return [
        d for d in _datasets(city) if dataset_allows(viewer, city, d) and (d.is_published or drafts)
    ]


def dataset_get(city: City, viewer: Viewer, ref: str) -> Dataset:
    """Return the dataset named by slug or uid, or NotFoundError (also when not allowed)."""
    uid = _uuid(ref)
    match = Q(slug=ref) | Q(uid=uid) if uid else Q(slug=ref)
    dataset = _datasets(city).filter(match).first()
    if dataset is None or not dataset_allows(viewer, city, dataset):
        raise NotFoundError(_("No such dataset."), field="id")
    return dataset


def _uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


def resource_get(city: City, viewer: Viewer, ref: str) -> Resource:
    """Return the resource of a dataset ``viewer`` may see, by uid, or NotFoundError."""
    uid = _uuid(ref)
    resource = (
        Resource.objects.filter(city=city, uid=uid).select_related("dataset").first()
        if uid
        else None
    )
    if resource is None or not dataset_allows(viewer, city, resource.dataset):
        raise NotFoundError(_("No such resource."), field="id")
    return resource


def dataset_facet_values(dataset: Dataset) -> dict[str, list[str]]:
    """Return the values the dataset has for each CKAN facet field."""
    return {
        "organization": [dataset.organisation.code] if dataset.organisation else [],
        "tags": list(dataset.keywords),
        "res_format": sorted({r.format for r in dataset.resources.all()}),
        "license_id": [dataset.licence],
        "groups": [dataset.theme.code] if dataset.theme else [],
    }


@dataclass
class SearchResult:
    count: int
    datasets: list[Dataset]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _matches(dataset: Dataset, words: list[str]) -> bool:
    text = " ".join(
        [dataset.title, dataset.description, dataset.slug, " ".join(dataset.keywords)]
        + [r.name for r in dataset.resources.all()]
        + (
            [dataset.organisation.name_ja, dataset.organisation.name_en]
            if dataset.organisation
            else []
        )
        + ([dataset.theme.name_ja, dataset.theme.name_en] if dataset.theme else [])
    ).casefold()
    return all(w.casefold() in text for w in words)


SORTS: dict[str, Any] = {
    "title": lambda d: d.title,
    "name": lambda d: d.slug,
    "metadata_modified": lambda d: d.modified_at,
    "metadata_created": lambda d: d.created_at,
}


def dataset_search(
    city: City,
    viewer: Viewer,
    *,
    q: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "title asc",
    rows: int = 10,
    start: int = 0,
    facet_fields: tuple[str, ...] = FACET_FIELDS,
) -> SearchResult:
    """Return the visible datasets matching every word of ``q`` and every filter value.

    Catalogues are small (tens to hundreds of datasets), so matching is done in Python over
    the visible datasets; facets count the matches before paging.
    """
    words = q.split()
    found = [d for d in datasets_visible(city, viewer) if _matches(d, words)]
    for name, wanted in (filters or {}).items():
        found = [d for d in found if set(wanted) <= set(dataset_facet_values(d).get(name, []))]
    key, _sep, direction = sort.strip().partition(" ")
    found.sort(key=SORTS.get(key, SORTS["title"]), reverse=direction.strip() == "desc")
    facets: dict[str, dict[str, int]] = {}
    for name in facet_fields:
        counts: Counter[str] = Counter()
        for d in found:
            counts.update(dataset_facet_values(d).get(name, []))
        facets[name] = dict(counts.most_common())
    return SearchResult(count=len(found), datasets=found[start : start + rows], facets=facets)


def sensor_daily_table(city: City) -> DataTable:
    """Return each sensor's daily mean, minimum and maximum per property (local dates)."""
    tz = ZoneInfo(city.time_zone)
    rows = [
        (
            device_key,
            prop,
            unit,
            bucket.astimezone(tz).date().isoformat(),
            round(total / count, 3) if count else None,
            minimum,
            maximum,
            count,
        )
        for device_key, prop, unit, bucket, count, total, minimum, maximum in Rollup.objects.filter(
            city=city, period="day"
        )
        .order_by("device__key", "prop__name", "bucket")
        .values_list(
            "device__key",
            "prop__name",
            "prop__unit",
            "bucket",
            "count",
            "total",
            "minimum",
            "maximum",
        )
    ]
    return DataTable(
        columns=("device", "property", "unit", "date", "mean", "min", "max", "readings"),
        rows=rows,
    )
