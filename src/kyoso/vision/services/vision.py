"""Writes of the vision app — vision."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kyoso.core.models import City, User
from kyoso.core.services import audit_record
from kyoso.vision.models import Vision
from kyoso.vision.services.common import (
    _apply,
    _clean,
    _require_staff,
)

# --- vision --------------------------------------------------------------------------------


@transaction.atomic
def vision_save(*, city: City, actor: User, **values: Any) -> Vision:
    """Return the city's vision after creating or updating it with ``values``."""
    _require_staff(city, actor)
    vision = Vision.objects.filter(city=city).first()
    created = vision is None
    if vision is None:
        vision = Vision(city=city)
    allowed = (
        "title_ja",
        "title_en",
        "future_image_ja",
        "future_image_en",
        "horizon_year",
        "target_state_ja",
        "target_state_en",
        "target_year",
    )
    changed = _apply(vision, values, allowed)
    _clean(vision)
    vision.save()
    audit_record(
        city=city,
        actor=actor,
        action="vision.create" if created else "vision.update",
        obj=vision,
        details={"changed": sorted(changed)},
    )
    return vision
