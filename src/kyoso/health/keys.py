"""The keys that protect health payloads, read from settings (the environment), never the DB.

``KYOSO_HEALTH_KEYS``: comma-separated Fernet keys, newest first. ``KYOSO_HEALTH_INDEX_KEY``:
the secret of the keyed code hashes used for search. In development, when they are unset, keys
are derived from ``SECRET_KEY``; production refuses to start without them (settings.py).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

from kyoso.health.records.payload_cipher import PayloadCipher, derived_key


def _keys() -> tuple[str, ...]:
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
    secret = getattr(settings, "KYOSO_HEALTH_INDEX_KEY", "") or settings.SECRET_KEY
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()[:24]
