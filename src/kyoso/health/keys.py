"""The keys that protect health payloads, read from settings (the environment), never the DB.

``KYOSO_HEALTH_KEYS``: comma-separated Fernet keys, newest first. ``KYOSO_HEALTH_INDEX_KEY``:
the secret of the keyed code hashes used for search. In development, when they are unset, keys
are derived from ``SECRET_KEY``. In production they must be set: the system check
``health.E001`` stops ``migrate``, ``check`` and ``kyoso serve`` without them, and no health
payload is ever encrypted or searched under a key derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from kyoso.health.records.payload_cipher import PayloadCipher, derived_key

MISSING = "KYOSO_HEALTH_KEYS and KYOSO_HEALTH_INDEX_KEY must be set in production (health data)."


def missing_in_production() -> bool:
    """Return whether production runs without the keys outside the database."""
    configured = getattr(settings, "KYOSO_HEALTH_KEYS", ()) and getattr(
        settings, "KYOSO_HEALTH_INDEX_KEY", ""
    )
    return bool(getattr(settings, "PRODUCTION", False)) and not configured


@checks.register("kyoso_health")
def keys_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """health.E001: production without the health keys."""
    if missing_in_production():
        hint = "Generate them with: python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        return [checks.Error(MISSING, hint=hint, id="health.E001")]
    return []


def _keys() -> tuple[str, ...]:
    if missing_in_production():
        raise ImproperlyConfigured(MISSING)
    configured = tuple(getattr(settings, "KYOSO_HEALTH_KEYS", ()) or ())
    return configured or (derived_key(settings.SECRET_KEY),)


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> PayloadCipher:
    return PayloadCipher(keys)


def cipher() -> PayloadCipher:
    """Return the cipher for the configured keys (the first encrypts, all decrypt)."""
    return _cipher_for(_keys())


def index_token(token: str) -> str:
    """Return the keyed hash under which a ``system|code`` token is searchable."""
    if missing_in_production():
        raise ImproperlyConfigured(MISSING)
    secret = getattr(settings, "KYOSO_HEALTH_INDEX_KEY", "") or settings.SECRET_KEY
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()[:24]
