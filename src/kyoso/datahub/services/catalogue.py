"""Writes of the open-data catalogue, and the one place tables are published from.

Every resource's rows leave Kyoso through :func:`resource_publish`: it checks who may see the
dataset, hides small cells of people-derived tables (k and complementary suppression), and
audits each access to a restricted dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import STAFF_ROLES, require_actor
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, Organisation, Role, User
from kyoso.core.registry import DATA_GENERATORS
from kyoso.core.services import audit_record, theme_resolve
from kyoso.datahub.models import (
    Access,
    Dataset,
    Licence,
    Resource,
    ResourceFormat,
    UpdateFrequency,
)
from kyoso.datahub.opendata import suppress_rows
from kyoso.datahub.selectors.catalogue import Viewer, dataset_allows


@dataclass(frozen=True)
class PublishedTable:
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]
    hidden_cells: int = 0


@transaction.atomic
def dataset_create(
    *,
    actor: User,
    city: City,
    slug: str,
    title: str,
    description: str = "",
    organisation: Organisation | None = None,
    licence: str = Licence.CC_BY_4,
    update_frequency: str = UpdateFrequency.MONTHLY,
    theme_code: str = "",
    keywords: Sequence[str] = (),
    access: str = Access.PUBLIC,
    allowed_roles: Sequence[str] = (),
    allowed_organisations: Iterable[Organisation] = (),
    derived_from_people: bool = False,
    min_cell_size: int = 10,
) -> Dataset:
    """Return a new draft dataset of the city (staff only)."""
    require_actor(actor, city, *STAFF_ROLES)
    if Dataset.objects.filter(city=city, slug=slug).exists():
        raise DomainError(_("A dataset with this name already exists."), field="slug")
    if not title.strip():
        raise DomainError(_("Give the dataset a title."), field="title")
    if licence not in Licence.values:
        raise DomainError(_("Choose a licence from the list."), field="licence")
    if update_frequency not in UpdateFrequency.values:
        raise DomainError(_("Choose an update frequency from the list."), field="update_frequency")
    if access not in Access.values:
        raise DomainError(_("Choose public or restricted access."), field="access")
    if min_cell_size < 2:
        raise DomainError(_("The minimum cell size must be at least 2."), field="min_cell_size")
    unknown = set(allowed_roles) - set(Role.values)
    if unknown:
        raise DomainError(_("Unknown role: %s") % ", ".join(sorted(unknown)), field="allowed_roles")
    organisations = list(allowed_organisations)
    if any(o.city_id != city.pk for o in organisations) or (
        organisation is not None and organisation.city_id != city.pk
    ):
        raise DomainError(_("The organisation is not in this city."), field="organisation")
    dataset = Dataset.objects.create(
        city=city,
        slug=slug,
        title=title.strip(),
        description=description,
        organisation=organisation,
        licence=licence,
        update_frequency=update_frequency,
        theme=theme_resolve(city=city, code=theme_code) if theme_code else None,
        keywords=[k.strip() for k in keywords if k.strip()],
        access=access,
        allowed_roles=sorted(set(allowed_roles)),
        derived_from_people=derived_from_people,
        min_cell_size=min_cell_size,
    )
    dataset.allowed_organisations.set(organisations)
    audit_record(city=city, actor=actor, action="datahub.dataset.create", obj=dataset)
    return dataset


@transaction.atomic
def resource_add(
    *,
    actor: User,
    city: City,
    dataset: Dataset,
    name: str,
    generator: str,
    format: str = ResourceFormat.CSV,
    description: str = "",
) -> Resource:
    """Return a new resource of the dataset whose rows the named generator builds."""
    require_actor(actor, city, *STAFF_ROLES)
    if dataset.city_id != city.pk:
        raise NotFoundError(_("No such dataset."), field="dataset")
    entry = DATA_GENERATORS.get(generator)
    if entry is None:
        raise DomainError(_("Choose what the data is generated from."), field="generator")
    if entry.people and not dataset.derived_from_people:
        raise DomainError(
            _("These rows are derived from people: mark the dataset as derived from people."),
            field="generator",
        )
    if format not in ResourceFormat.values:
        raise DomainError(_("Choose CSV or JSON."), field="format")
    resource = Resource.objects.create(
        city=city,
        dataset=dataset,
        name=name.strip() or str(entry.label),
        description=description,
        format=format,
        generator=generator,
        position=dataset.resources.count(),
    )
    audit_record(city=city, actor=actor, action="datahub.resource.add", obj=resource)
    return resource


@transaction.atomic
def dataset_publish(
    *, actor: User, city: City, dataset: Dataset, published: bool = True
) -> Dataset:
    """Return the dataset published (or withdrawn); a dataset needs a resource to be published."""
    require_actor(actor, city, *STAFF_ROLES)
    if dataset.city_id != city.pk:
        raise NotFoundError(_("No such dataset."), field="dataset")
    if published and not dataset.resources.exists():
        raise DomainError(_("Add a resource before publishing."), field="resources")
    dataset.is_published = published
    dataset.published_at = timezone.now() if published else None
    dataset.save(update_fields=["is_published", "published_at", "modified_at"])
    audit_record(
        city=city,
        actor=actor,
        action="datahub.dataset.publish" if published else "datahub.dataset.withdraw",
        obj=dataset,
    )
    return dataset


def dataset_access_record(*, actor: Viewer, city: City, dataset: Dataset, channel: str) -> None:
    """Audit a read of a restricted dataset (page, download or API); public reads are not."""
    if dataset.access != Access.RESTRICTED:
        return
    audit_record(
        city=city,
        actor=actor if isinstance(actor, User) else None,
        action="datahub.dataset.read",
        obj=dataset,
        details={"channel": channel},
    )


@transaction.atomic
def resource_publish(
    *, actor: Viewer, city: City, resource: Resource, channel: str = "download"
) -> PublishedTable:
    """Return the resource's rows as they may be published to ``actor``.

    A table derived from people is published only as counts with every cell below the
    dataset's k hidden, and complementary cells hidden so none can be derived from totals.
    """
    dataset = resource.dataset
    if resource.city_id != city.pk or not dataset_allows(actor, city, dataset):
        raise NotFoundError(_("No such resource."), field="id")
    entry = DATA_GENERATORS.get(resource.generator)
    if entry is None:
        raise DomainError(_("This resource's data is not available."), field="generator")
    table = entry.build(city)
    columns, rows, hidden = tuple(table.columns), list(table.rows), 0
    if dataset.derived_from_people or entry.people:
        if not table.count or not table.dimensions:
            raise DomainError(
                _("Data derived from people is published only as counts."), field="generator"
            )
        rows, hidden = suppress_rows(
            columns, rows, dimensions=table.dimensions, count=table.count, k=dataset.min_cell_size
        )
    if dataset.access == Access.RESTRICTED:
        audit_record(
            city=city,
            actor=actor if isinstance(actor, User) else None,
            action="datahub.dataset.read",
            obj=dataset,
            details={"channel": channel, "resource": str(resource.uid)},
        )
    return PublishedTable(columns=columns, rows=rows, hidden_cells=hidden)
