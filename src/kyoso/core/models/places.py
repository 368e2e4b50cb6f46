"""Named places of a city (町名, landmarks) that the place picker's gazetteer finds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models.tenancy import City


class PlaceKind(models.TextChoices):
    TOWN = "town", _("town (町名)")
    LANDMARK = "landmark", _("landmark")


class Place(models.Model):
    """A name people use for a spot of the city: a 町名 (a town of the address) or a landmark."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(_("kind"), max_length=10, choices=PlaceKind.choices)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    # The reading in hiragana, so typing かわらご finds 河原子町.
    reading = models.CharField(_("reading (hiragana)"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["city", "kind", "reading", "name_ja"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "name_ja"], name="place_unique_name_per_city"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.name_en if en and self.name_en else self.name_ja
