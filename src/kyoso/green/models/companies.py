"""Companies, their sites and the consortium they may join; what others may see is consented."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import CityScopedModel, District

# JSIC (日本標準産業分類) middle groups of Hitachi's manufacturing, plus a few others.
JSIC_CHOICES = [
    ("09", _("09 Food")),
    ("18", _("18 Plastic products")),
    ("22", _("22 Iron and steel")),
    ("24", _("24 Fabricated metal products")),
    ("25", _("25 General-purpose machinery")),
    ("26", _("26 Production machinery")),
    ("28", _("28 Electronic parts and devices")),
    ("29", _("29 Electrical machinery")),
    ("31", _("31 Transport equipment")),
    ("44", _("44 Road freight transport")),
    ("99", _("Other")),
]

GRID_AREAS = [
    ("", _("National average (全国平均係数)")),
    ("東京電力パワーグリッド(株)", "東京電力パワーグリッド"),
    ("東北電力ネットワーク(株)", "東北電力ネットワーク"),
]


class Company(CityScopedModel):
    name = models.CharField(_("company name"), max_length=120)
    corporate_number = models.CharField(
        _("corporate number (法人番号)"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^\d{13}$", _("Thirteen digits."))],
    )
    jsic = models.CharField(_("industry (JSIC)"), max_length=2, choices=JSIC_CHOICES)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    sales_million_yen = models.DecimalField(
        _("annual sales (million yen)"), max_digits=12, decimal_places=1, default=0
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("first month of the fiscal year"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="green_companies", blank=True
    )
    # The core organisation the company is (its people act for it through their memberships).
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="green_companies",
    )
    target_base_year = models.PositiveSmallIntegerField(_("base year of the target"), default=2013)
    target_year = models.PositiveSmallIntegerField(_("target year"), default=2030)
    target_percent = models.DecimalField(
        _("reduction target (%)"), max_digits=5, decimal_places=1, default=38
    )
    specified_emitter = models.BooleanField(_("specified emitter (特定排出者)"), default=False)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "corporate_number"],
                condition=~models.Q(corporate_number=""),
                name="green_company_unique_number",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Site(CityScopedModel):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("site name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grid_area = models.CharField(_("grid area"), max_length=60, blank=True, choices=GRID_AREAS)
    roof_area_m2 = models.PositiveIntegerField(_("usable roof area (m²)"), default=0)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("site")
        ordering = ["company", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "company", "name"], name="green_site_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.name}"


class Consortium(CityScopedModel):
    name = models.CharField(_("name"), max_length=120)
    secretariat = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="green_secretariats", blank=True
    )
    members = models.ManyToManyField(Company, related_name="consortia", blank=True)
    # The city's catalogue theme the consortium reports under (normally "green").
    theme = models.ForeignKey(
        "core.Theme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The city's 自治体排出量カルテ-style estimate of industrial CO2, by fiscal year (t-CO2).
    sector_estimates = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("consortium")
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="green_consortium_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ConsortiumInvitation(CityScopedModel):
    """The secretariat asks a company to join; only the company's manager can accept it."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="invitations")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)  # None while open

    class Meta:
        verbose_name = _("consortium invitation")
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "consortium", "company"], name="green_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consortium} → {self.company}"


class Disclosure(models.TextChoices):
    """What a company lets the city and the consortium see (a consent, revocable at once)."""

    PRIVATE = "private", _("Nobody but us")
    AGGREGATE = "aggregate", _("Only inside totals and anonymous percentiles")
    NAMED = "named", _("With our name")
