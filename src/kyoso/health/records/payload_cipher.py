"""Encryption of health payloads at rest with keys kept outside the database.

Keys are Fernet keys (AES-128-CBC + HMAC-SHA256). The first key encrypts; every key decrypts,
so a new key is put first, ``rotate`` re-encrypts the stored rows, then the old key is dropped.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class PayloadCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        fernets = [Fernet(k.encode() if isinstance(k, str) else k) for k in keys]
        self._first = fernets[0]
        self._fernet = MultiFernet(fernets)

    def encrypt(self, payload: dict[str, Any]) -> str:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return self._fernet.encrypt(data).decode("ascii")

    def decrypt(self, token: str) -> dict[str, Any]:
        try:
            return json.loads(self._fernet.decrypt(token.encode("ascii")))
        except InvalidToken as exc:
            raise ValueError("the payload cannot be decrypted with the configured keys") from exc

    def is_current(self, token: str) -> bool:
        """Return whether the token is encrypted under the first key already."""
        try:
            self._first.decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True

    def rotate(self, token: str) -> str:
        """Return the token re-encrypted under the first key."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")


def derived_key(secret: str) -> str:
    """Return a Fernet key derived from a secret (for development only, never production)."""
    digest = hashlib.sha256(b"kyoso-health-payload:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")
