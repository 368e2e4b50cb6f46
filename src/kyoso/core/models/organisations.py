"""Organisations of a city (clinics, hospitals, operators, companies) and who acts for them.

An organisation owns its facilities and data; its accounts may change only what it owns. City
staff act for the city itself and are not members of an organisation by virtue of their role.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models.tenancy import City


class OrganisationKind(models.TextChoices):
    CLINIC = "clinic", _("clinic")
    HOSPITAL = "hospital", _("hospital")
    CARE = "care", _("care provider")
    OPERATOR = "operator", _("transport operator")
    BUSINESS = "business", _("business")
    CONSORTIUM = "consortium", _("consortium")
    UNIVERSITY = "university", _("university")
    PUBLIC = "public", _("public body")
    OTHER = "other", _("other")


class Organisation(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="organisations")
    code = models.SlugField(_("code"), max_length=60)
    name_ja = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["city", "name_ja"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="organisation_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.name_en if en and self.name_en else self.name_ja
