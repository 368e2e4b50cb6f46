"""Small pieces shared by voice's views."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from kyoso.core.models import City, Upload, User
from kyoso.core.services import upload_store


def photo_from(request: HttpRequest, city: City, user: User | None) -> Upload | None:
    """Return the stored photo of the request's ``photo`` file, if one was sent."""
    photo = request.FILES.get("photo")
    if photo is None:
        return None
    return upload_store(
        city=city, owner=user, kind="photo", name=photo.name or "photo", data=photo.read()
    )


def paginate(request: HttpRequest, items: QuerySet, per_page: int = 20) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))
