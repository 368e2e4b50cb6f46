"""Effect verifications of measures, portfolio decisions, and reinvestment plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import CityScopedModel
from kyoso.vision.models import Kpi, Measure


class Method(models.TextChoices):
    ITS = "its", _("before/after (interrupted time series)")
    DID = "did", _("difference-in-differences")
    SYNTHETIC_CONTROL = "synthetic_control", _("synthetic control")


class VerificationStatus(models.TextChoices):
    DRAFT = "draft", _("not run yet")
    QUEUED = "queued", _("waiting to run")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Verification(CityScopedModel):
    """A data-based estimate of a measure's effect on one KPI (効果検証)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="verifications")
    kpi = models.ForeignKey(
        Kpi, on_delete=models.SET_NULL, null=True, blank=True, related_name="verifications"
    )
    title = models.CharField(_("title"), max_length=160)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    # ITS: {"intervention_year": 2021}; DiD: {"treated": [...], "treatment_time": t};
    # synthetic control: {"treated": "x", "treatment_time": t}.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # Long panel rows {"unit", "time", "outcome"}; ITS may use the KPI's actuals instead.
    panel = models.JSONField(_("input data"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    explanation_ja = models.TextField(_("explanation (Japanese)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=VerificationStatus.choices,
        default=VerificationStatus.DRAFT,
    )
    error_message = models.TextField(_("error"), blank=True)
    error_field = models.CharField(max_length=60, blank=True)
    # Headline numbers copied out of ``result`` for lists and the portfolio (not money).
    effect = models.FloatField(_("effect"), null=True, blank=True)
    ci_low = models.FloatField(_("lower bound (95%)"), null=True, blank=True)
    ci_high = models.FloatField(_("upper bound (95%)"), null=True, blank=True)
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("effect verification")
        verbose_name_plural = _("effect verifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["city", "measure", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def explanation(self) -> str:
        if (get_language() or "ja").startswith("en") and self.explanation_en:
            return self.explanation_en
        return self.explanation_ja

    @property
    def significant(self) -> bool:
        return (
            self.ci_low is not None
            and self.ci_high is not None
            and (self.ci_low > 0 or self.ci_high < 0)
        )


class Recommendation(models.TextChoices):
    SCALE = "scale", _("scale up")
    CONTINUE = "continue", _("continue")
    REVISE = "revise", _("revise")
    STOP = "stop", _("stop")


class PortfolioDecision(CityScopedModel):
    """The review of one measure: the computed recommendation and the decision staff made."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="portfolio_decisions"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    recommendation = models.CharField(
        _("recommendation"), max_length=8, choices=Recommendation.choices
    )
    # [{"code": "...", "text": "..."}] as computed when the decision was recorded.
    recommendation_reasons = models.JSONField(default=list, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Recommendation.choices)
    reasons = models.TextField(_("reasons for the decision"))
    freed_budget_yen = models.DecimalField(
        _("budget freed (yen)"), max_digits=14, decimal_places=0, default=0
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("portfolio decision")
        verbose_name_plural = _("portfolio decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "measure", "fiscal_year"], name="decision_one_per_measure_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.fiscal_year}: {self.decision}"


class ReinvestmentPlan(CityScopedModel):
    """Money freed by decisions, reinvested in a measure of its own."""

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, related_name="reinvestment_plan"
    )
    decisions = models.ManyToManyField(PortfolioDecision, related_name="reinvestment_plans")
    amount_yen = models.DecimalField(_("amount (yen)"), max_digits=14, decimal_places=0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reinvestment plan")
        verbose_name_plural = _("reinvestment plans")

    def __str__(self) -> str:
        return str(self.measure)
