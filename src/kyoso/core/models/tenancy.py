"""Cities (the tenants) and their districts; every domain row belongs to a city."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# First path segments the platform itself uses; a city cannot take them as its URL name.
RESERVED_SLUGS = frozenset(
    {"api", "admin", "accounts", "static", "media", "i18n", "prefs", "healthz", "open311", "fhir"}
)


def validate_city_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This URL name is reserved by the platform."))


class City(models.Model):
    slug = models.SlugField(
        _("URL name"), max_length=40, unique=True, validators=[validate_city_slug]
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("Six digits (JIS X 0402 with check digit)."))],
    )
    prefecture_ja = models.CharField(_("prefecture (Japanese)"), max_length=20, blank=True)
    prefecture_en = models.CharField(_("prefecture (English)"), max_length=40, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Tokyo")
    population = models.PositiveIntegerField(_("population"))
    population_as_of = models.DateField(_("population as of"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    aged_65_plus_percent = models.DecimalField(
        _("share aged 65+ (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    secondary_industry_percent = models.DecimalField(
        _("secondary industry share of the economy (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=2, null=True)
    center_lat = models.FloatField(_("map centre latitude"))
    center_lon = models.FloatField(_("map centre longitude"))
    map_zoom = models.PositiveSmallIntegerField(_("map zoom"), default=11)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Per-city rules later modules read (thresholds, caps, periods), edited by admins.
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["municipality_code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") else self.name_ja

    def rule(self, key: str, default: Any) -> Any:
        """Return a per-city rule, or the platform default when the city has not set it."""
        return self.rules.get(key, default)


class District(models.Model):
    """An area of the city (for Hitachi: a 学区 community) used in statistics and targeting."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts")
    code = models.SlugField(_("code"), max_length=40)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    aged_65_plus_percent = models.DecimalField(
        _("share aged 65+ (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    center_lat = models.FloatField(_("centre latitude"))
    center_lon = models.FloatField(_("centre longitude"))
    # A GeoJSON Polygon geometry; approximate outlines are fine for statistics and maps.
    outline = models.JSONField(_("outline (GeoJSON)"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["city", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="district_unique_code_per_city")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ja").startswith("en") else self.name_ja


class CityScopedQuerySet(models.QuerySet):
    def for_city(self, city: City) -> CityScopedQuerySet:
        return self.filter(city=city)


class CityScopedModel(models.Model):
    """Base for domain rows: each belongs to one city, and queries are scoped by it."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")

    objects = CityScopedQuerySet.as_manager()

    class Meta:
        abstract = True
