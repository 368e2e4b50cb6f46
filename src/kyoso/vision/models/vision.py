"""The shared vision of a city: future image, themes, KPIs with actuals, and measures (施策)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import CityScopedModel, District


def _pick(ja: str, en: str) -> str:
    """Return the text in the current language, falling back to Japanese."""
    if (get_language() or "ja").startswith("en") and en:
        return en
    return ja


class Vision(CityScopedModel):
    """The city's long-term future image (未来像) and its city-wide mid-term target state."""

    title_ja = models.CharField(_("title (Japanese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    future_image_ja = models.TextField(_("future image (Japanese)"))
    future_image_en = models.TextField(_("future image (English)"), blank=True)
    horizon_year = models.PositiveSmallIntegerField(
        _("future image year"), default=2050, validators=[MinValueValidator(2000)]
    )
    target_state_ja = models.TextField(_("target state (Japanese)"), blank=True)
    target_state_en = models.TextField(_("target state (English)"), blank=True)
    target_year = models.PositiveSmallIntegerField(
        _("target year"), default=2031, validators=[MinValueValidator(2000)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("future vision")
        verbose_name_plural = _("future visions")
        constraints = [models.UniqueConstraint(fields=["city"], name="vision_one_per_city")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _pick(self.title_ja, self.title_en)

    @property
    def future_image(self) -> str:
        return _pick(self.future_image_ja, self.future_image_en)

    @property
    def target_state(self) -> str:
        return _pick(self.target_state_ja, self.target_state_en)


class Theme(CityScopedModel):
    """A theme of the vision (or a sub-theme when it has a parent) with its target state."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent theme"),
    )
    catalogue = models.ForeignKey(
        "core.Theme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vision_themes",
        verbose_name=_("catalogue theme"),
        help_text=_("The city's catalogue theme this vision theme (or sub-theme) belongs to."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    target_state_ja = models.TextField(_("target state (Japanese)"), blank=True)
    target_state_en = models.TextField(_("target state (English)"), blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), default=2031)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="theme_unique_code_per_city")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _pick(self.name_ja, self.name_en)

    @property
    def summary(self) -> str:
        return _pick(self.summary_ja, self.summary_en)

    @property
    def target_state(self) -> str:
        return _pick(self.target_state_ja, self.target_state_en)


class Direction(models.TextChoices):
    UP = "up", _("higher is better")
    DOWN = "down", _("lower is better")


class KpiSource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    CSV = "csv", _("CSV upload")
    PROVIDER = "provider", _("computed by a module")


class Kpi(CityScopedModel):
    """An indicator with a baseline, a target, interim milestones and a source of actuals."""

    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="kpis", verbose_name=_("theme")
    )
    code = models.SlugField(_("code"), max_length=40)
    name_ja = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=30)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=16, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4)
    # Interim milestones as [{"year": 2028, "value": "123.4"}, ...], sorted by year.
    milestones = models.JSONField(_("milestones"), default=list, blank=True)
    source = models.CharField(
        _("data source"), max_length=10, choices=KpiSource.choices, default=KpiSource.MANUAL
    )
    provider_key = models.CharField(_("provider"), max_length=60, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_unit = models.CharField(_("responsible department"), max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator (KPI)")
        verbose_name_plural = _("indicators (KPI)")
        ordering = ["theme__sort_order", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="kpi_unique_code_per_city")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _pick(self.name_ja, self.name_en)

    @property
    def description(self) -> str:
        return _pick(self.description_ja, self.description_en)

    @property
    def needed_change(self) -> Decimal:
        """Return the change from baseline to target (signed, in the KPI's unit)."""
        return self.target_value - self.baseline_value


class KpiActual(CityScopedModel):
    """One observed value of a KPI (yearly when ``month`` is 0), with its provenance."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), default=0, validators=[MaxValueValidator(12)]
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=KpiSource.choices)
    provider_name = models.CharField(_("provider"), max_length=60, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("KPI actual")
        verbose_name_plural = _("KPI actuals")
        ordering = ["kpi", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kpi", "year", "month"], name="kpi_actual_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.year}: {self.value}"


class MeasureStatus(models.TextChoices):
    IDEA = "idea", _("idea")
    PLANNED = "planned", _("planned")
    PILOT = "pilot", _("pilot")
    RUNNING = "running", _("running")
    SCALED = "scaled", _("scaled up")
    STOPPED = "stopped", _("stopped")


class Measure(CityScopedModel):
    """A measure (施策) with its logic model: inputs → activities → outputs → outcomes → impact."""

    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="measures", verbose_name=_("theme")
    )
    title_ja = models.CharField(_("title (Japanese)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=MeasureStatus.choices, default=MeasureStatus.IDEA
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_unit = models.CharField(_("responsible department"), max_length=80, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    inputs = models.TextField(_("inputs"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["theme__sort_order", "start_date", "id"]
        indexes = [models.Index(fields=["city", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _pick(self.title_ja, self.title_en)

    @property
    def description(self) -> str:
        return _pick(self.description_ja, self.description_en)


class MeasureKpiLink(CityScopedModel):
    """The change in a KPI a measure is expected to bring (signed, in the KPI's unit)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="kpi_links")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measure_links")
    expected_change = models.DecimalField(_("expected change"), max_digits=16, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("expected KPI change")
        verbose_name_plural = _("expected KPI changes")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "measure", "kpi"], name="measure_kpi_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} → {self.kpi}: {self.expected_change}"


class MeasureCost(CityScopedModel):
    """Budget and actual spending of a measure in one fiscal year, in yen."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="costs")
    year = models.PositiveSmallIntegerField(_("fiscal year"))
    budget_yen = models.DecimalField(_("budget (yen)"), max_digits=14, decimal_places=0)
    actual_yen = models.DecimalField(
        _("actual cost (yen)"), max_digits=14, decimal_places=0, null=True, blank=True
    )

    class Meta:
        verbose_name = _("measure cost")
        verbose_name_plural = _("measure costs")
        ordering = ["measure", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "measure", "year"], name="measure_cost_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year}: {self.budget_yen}"


class MeasureMilestone(CityScopedModel):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    title_ja = models.CharField(_("title (Japanese)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("measure milestone")
        verbose_name_plural = _("measure milestones")
        ordering = ["measure", "due_date"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _pick(self.title_ja, self.title_en)


class Axis(models.TextChoices):
    FAIRNESS = "fairness", _("fairness (the city's view)")
    CONVENIENCE = "convenience", _("convenience (citizens' view)")
    ECONOMICS = "economics", _("economics (companies' view)")


class PerspectiveRating(CityScopedModel):
    """One person's 1–5 rating of how well a measure serves one perspective."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="ratings")
    axis = models.CharField(_("perspective"), max_length=12, choices=Axis.choices)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=12)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("perspective rating")
        verbose_name_plural = _("perspective ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "measure", "rater", "axis"], name="rating_one_per_axis"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.axis} {self.score}"


class Endorsement(CityScopedModel):
    """A citizen's 共感 with the vision (no theme) or one theme; district and age are snapshots."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="endorsements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField(_("age band"), max_length=8, default="unknown")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement (共感)")
        verbose_name_plural = _("endorsements (共感)")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "user", "theme"], name="endorsement_one_per_theme"
            ),
            models.UniqueConstraint(
                fields=["city", "user"],
                condition=models.Q(theme__isnull=True),
                name="endorsement_one_per_vision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.theme or 'vision'}"


class Stance(models.TextChoices):
    SUPPORT = "support", _("I agree")
    CONCERN = "concern", _("I have a concern")
    QUESTION = "question", _("I have a question")


class VisionComment(CityScopedModel):
    """A comment on the vision, a theme or a measure, with the writer's stance."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(
        _("stance"), max_length=10, choices=Stance.choices, default=Stance.SUPPORT
    )
    body = models.TextField(_("comment"))
    hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment on the vision")
        verbose_name_plural = _("comments on the vision")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:40]
