"""Themes used to sort groups, rewards and hours on the transparency page.

The codes are those of the core theme catalogue (:mod:`kyoso.core.services.themes`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    COMMUNITY = "community", _("community and neighbours")
    GREEN = "green", _("green and decarbonisation")
    HEALTH = "health", _("health and care")
    TRANSPORT = "transport", _("transport and mobility")
    DIGITAL = "digital", _("digital help")
    CHILDREN = "children", _("children and families")
    SAFETY = "safety", _("safety and disaster prevention")
    CULTURE = "culture", _("culture and sport")
