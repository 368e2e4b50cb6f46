"""Writes of the vision app — common."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kyoso.core.access import require_actor
from kyoso.core.errors import DomainError
from kyoso.core.models import City, Role, User


def _require_staff(city: City, actor: User) -> None:
    require_actor(actor, city, Role.STAFF)


def _clean(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """Validate a model instance, turning the first problem into a DomainError on its field."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        name, messages = next(iter(errors.items()))
        field_name = None if name == "__all__" else name
        raise DomainError(" ".join(messages), field=field_name) from exc


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def _apply(obj: models.Model, values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """Set the allowed fields on ``obj``; return {field: new value} of those that changed."""
    changed: dict[str, Any] = {}
    for name, value in values.items():
        if name not in allowed:
            raise DomainError(_("This field cannot be changed here."), field=name)
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:
            current = None
        if obj.pk is None or current != value:
            setattr(obj, name, value)
            changed[name] = _jsonable(value)
    return changed


def _same_city(city: City, obj: models.Model | None, field_name: str) -> None:
    if obj is not None and getattr(obj, "city_id", None) != city.pk:
        raise DomainError(_("This item belongs to another city."), field=field_name)


def _parse_decimal(raw: Any, field_name: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Enter a number."), field=field_name) from exc
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise DomainError(_("Enter a number."), field=field_name)
    return value


def _check_period(year: int, month: int) -> None:
    if not 1900 <= year <= 2200:
        raise DomainError(_("Enter a year between 1900 and 2200."), field="year")
    if not 0 <= month <= 12:
        raise DomainError(_("Enter a month from 1 to 12, or 0 for the whole year."), field="month")
