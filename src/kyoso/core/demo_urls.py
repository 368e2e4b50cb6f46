"""Ids of the demo city for core's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import ApiToken, City
from kyoso.core.url_catalogue import first_kwargs


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    # Revoking is POST-only; with no token yet, a GET of any id must still answer without a 5xx.
    token = first_kwargs(ApiToken.objects.all(), token_id="pk")  # noqa: S106 - an id
    return {"core:token_revoke": token or {"token_id": 0}}
