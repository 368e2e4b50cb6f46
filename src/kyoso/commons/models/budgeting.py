"""Participatory budgeting: rounds with a budget, projects with costs, and ballots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.commons.models.themes import Theme
from kyoso.core.models import City, District


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("approval (choose projects)")
    CUMULATIVE = "cumulative", _("cumulative (share points)")


class PbElectorate(models.TextChoices):
    # The city's voting rule (City.rules["voting"]) may ask for more: the stricter one holds.
    RESIDENTS = "residents", _("residents of the city")
    VERIFIED = "verified", _("verified residents")


class PbRule(models.TextChoices):
    GREEDY = "greedy", _("greedy by votes")
    MES = "mes", _("method of equal shares")


class PbRound(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    budget = models.PositiveBigIntegerField(_("budget (yen)"))
    ballot_type = models.CharField(_("ballot"), max_length=12, choices=BallotType.choices)
    rule = models.CharField(_("rule"), max_length=8, choices=PbRule.choices)
    points_per_voter = models.PositiveSmallIntegerField(_("points per voter"), default=10)
    max_choices = models.PositiveSmallIntegerField(_("most projects per ballot"), default=5)
    electorate = models.CharField(
        _("who may vote"),
        max_length=10,
        choices=PbElectorate.choices,
        default=PbElectorate.RESIDENTS,
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        ordering = ["-closes_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PbProject(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(PbRound, on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(_("project id"), max_length=40)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveBigIntegerField(_("cost (yen)"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "round", "code"], name="pb_project_code_once")
        ]

    def __str__(self) -> str:
        return self.title


class PbBallot(models.Model):
    """One voter's ballot: project code → points (1 for approval)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(PbRound, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # For imported pabulib ballots, which have no Kyoso account.
    voter_label = models.CharField(max_length=40, blank=True)
    choices = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "round", "voter"],
                condition=models.Q(voter__isnull=False),
                name="pb_one_ballot_per_voter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.voter_label or self.voter_id}"
