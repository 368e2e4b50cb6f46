"""Privacy budgets of the city's health datasets and the queries that spent them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City


class PrivacyBudget(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    dataset = models.CharField(_("dataset"), max_length=40)
    epsilon_total = models.DecimalField(
        _("budget (ε)"), max_digits=6, decimal_places=3, default=Decimal("5")
    )
    epsilon_spent = models.DecimalField(
        _("spent (ε)"), max_digits=6, decimal_places=3, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("privacy budget")
        verbose_name_plural = _("privacy budgets")
        constraints = [
            models.UniqueConstraint(fields=["city", "dataset"], name="health_budget_unique"),
            models.CheckConstraint(
                condition=models.Q(epsilon_spent__lte=models.F("epsilon_total")),
                name="health_budget_not_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.epsilon_spent}/{self.epsilon_total}"


class PrivateQuery(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    budget = models.ForeignKey(PrivacyBudget, on_delete=models.CASCADE, related_name="queries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    statistic = models.CharField(max_length=40)
    epsilon = models.DecimalField(max_digits=6, decimal_places=3)
    result = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.statistic} ε={self.epsilon}"


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other / not stated")


class HealthProfile(models.Model):
    """The few facts statistics group by (sex); age and district come from the account."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_profiles"
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.OTHER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="health_profile_unique")
        ]

    def __str__(self) -> str:
        return f"profile {self.user_id}"
