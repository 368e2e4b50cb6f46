"""API of the platform core: cities, districts, my account, consents, notices, tokens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kyoso.core import selectors, services
from kyoso.core.access import require_second_step
from kyoso.core.schemas import (
    CityOut,
    ConsentIn,
    ConsentOut,
    DistrictOut,
    ErrorOut,
    MeOut,
    NotificationOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["core"])
ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@router.get("/cities", response=list[CityOut], auth=None)
def list_cities(request: HttpRequest) -> Any:
    return selectors.cities_list()


@router.get("/cities/{city_slug}", response={200: CityOut, 404: ErrorOut}, auth=None)
def get_city(request: HttpRequest, city_slug: str) -> Any:
    return selectors.city_get(city_slug)


@router.get(
    "/cities/{city_slug}/districts", response={200: list[DistrictOut], 404: ErrorOut}, auth=None
)
def list_districts(request: HttpRequest, city_slug: str) -> Any:
    return selectors.districts_of(selectors.city_get(city_slug))


@router.get("/cities/{city_slug}/districts.geojson", response={200: dict, 404: ErrorOut}, auth=None)
def districts_geojson(request: HttpRequest, city_slug: str) -> Any:
    """The districts as a GeoJSON FeatureCollection, for maps and GIS tools."""
    city = selectors.city_get(city_slug)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": d.code,
                "geometry": d.outline
                or {"type": "Point", "coordinates": [d.center_lon, d.center_lat]},
                "properties": {
                    "code": d.code,
                    "name_ja": d.name_ja,
                    "name_en": d.name_en,
                    "population": d.population,
                },
            }
            for d in selectors.districts_of(city)
        ],
    }


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> Any:
    user = request.user
    user.memberships_list = list(user.memberships.select_related("city", "district"))  # type: ignore[union-attr]
    return {
        "email": user.email,  # type: ignore[union-attr]
        "display_name": user.display_name,  # type: ignore[union-attr]
        "large_text": user.large_text,  # type: ignore[union-attr]
        "email_mode": user.email_mode,  # type: ignore[union-attr]
        "memberships": user.memberships_list,  # type: ignore[union-attr]
    }


@router.get("/cities/{city_slug}/me/consents", response={200: list[ConsentOut], **ERRORS})
def my_consents(request: HttpRequest, city_slug: str) -> Any:
    return selectors.consents_of(city=selectors.city_get(city_slug), user=request.user)  # type: ignore[arg-type]


@router.post("/cities/{city_slug}/me/consents", response={201: ConsentOut, **ERRORS})
def grant_consent(request: HttpRequest, city_slug: str, payload: ConsentIn) -> Any:
    city = selectors.city_get(city_slug)
    consent = services.consent_grant(
        city=city,
        user=request.user,  # type: ignore[arg-type]
        purpose=payload.purpose,
        scope=payload.scope,
    )
    return 201, consent


@router.delete("/cities/{city_slug}/me/consents", response={200: dict, **ERRORS})
def revoke_consent(request: HttpRequest, city_slug: str, purpose: str, scope: str = "") -> Any:
    city = selectors.city_get(city_slug)
    revoked = services.consent_revoke(city=city, user=request.user, purpose=purpose, scope=scope)  # type: ignore[arg-type]
    return {"revoked": revoked}


@router.get("/cities/{city_slug}/me/notifications", response={200: list[NotificationOut], **ERRORS})
def my_notifications(request: HttpRequest, city_slug: str, unread: bool = False) -> Any:
    city = selectors.city_get(city_slug)
    return selectors.notifications_of(city=city, user=request.user, unread_only=unread)[:100]  # type: ignore[arg-type]


@router.post("/me/tokens", response={201: TokenOut, **ERRORS})
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    require_second_step(request)
    token, key = services.api_token_create(
        user=request.user,  # type: ignore[arg-type]
        name=payload.name,
        scope=payload.scope,
        days=payload.days,
    )
    return 201, {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "scope": token.scope,
        "expires_at": token.expires_at,
        "key": key,
    }
