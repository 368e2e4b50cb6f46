"""The open-data catalogue: datasets (CKAN's packages) and their resources (downloads)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyoso.core.models import CityScopedModel, Organisation, Theme


class Licence(models.TextChoices):
    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 International (CC BY 4.0)")
    GOV_JP_2 = "gov-jp-2.0", _("Government of Japan Standard Terms of Use (Version 2.0)")


LICENCE_URLS: dict[str, str] = {
    Licence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    # 政府標準利用規約 (第2.0版) has no stable URI of its own; DCAT names it by its title.
}


class UpdateFrequency(models.TextChoices):
    # Values are the EU frequency vocabulary's codes DCAT-AP uses.
    DAILY = "DAILY", _("daily")
    WEEKLY = "WEEKLY", _("weekly")
    MONTHLY = "MONTHLY", _("monthly")
    ANNUAL = "ANNUAL", _("yearly")
    IRREG = "IRREG", _("irregularly")


class Access(models.TextChoices):
    PUBLIC = "public", _("public")
    RESTRICTED = "restricted", _("restricted to named roles and organisations")


class Dataset(CityScopedModel):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datahub_datasets",
        verbose_name=_("publisher"),
    )
    slug = models.SlugField(_("name in URLs"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_4
    )
    update_frequency = models.CharField(
        _("update frequency"),
        max_length=10,
        choices=UpdateFrequency.choices,
        default=UpdateFrequency.MONTHLY,
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("theme"),
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    access = models.CharField(
        _("access"), max_length=12, choices=Access.choices, default=Access.PUBLIC
    )
    # Who may see a restricted dataset: holders of these roles, or members of these organisations.
    allowed_roles = models.JSONField(_("roles allowed"), default=list, blank=True)
    allowed_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisations allowed")
    )
    derived_from_people = models.BooleanField(
        _("derived from people"),
        default=False,
        help_text=_("Published only as counts, with cells below the minimum size hidden."),
    )
    min_cell_size = models.PositiveSmallIntegerField(
        _("minimum cell size"), default=10, help_text=_("Counts below this are hidden (k).")
    )
    is_published = models.BooleanField(pgettext_lazy("dataset", "published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="datahub_dataset_city_slug"),
            models.CheckConstraint(
                condition=models.Q(min_cell_size__gte=2), name="datahub_dataset_k_at_least_2"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")


class ResourceFormat(models.TextChoices):
    CSV = "CSV", "CSV"
    JSON = "JSON", "JSON"


class Resource(CityScopedModel):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(
        _("format"), max_length=8, choices=ResourceFormat.choices, default=ResourceFormat.CSV
    )
    # A key of kyoso.core.registry.DATA_GENERATORS: builds the rows from Kyoso's own data.
    generator = models.CharField(_("generated from"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["dataset", "position", "pk"]

    def __str__(self) -> str:
        return self.name
