"""The city's measures as other apps list and link them (core's measure directory)."""

from __future__ import annotations

from django.urls import reverse

from kyoso.core.models import City
from kyoso.core.registry import MeasureEntry
from kyoso.vision.models import Measure


def measure_directory(city: City) -> list[MeasureEntry]:
    """Return every measure of the city with its title and page, by theme and title."""
    return [
        MeasureEntry(pk, title, reverse("vision:measure", args=[city.slug, pk]))
        for pk, title in Measure.objects.filter(city=city)
        .order_by("theme__code", "title_ja", "pk")
        .values_list("pk", "title_ja")
    ]
