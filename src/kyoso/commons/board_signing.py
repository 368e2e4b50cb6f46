"""The board key: Ed25519, kept outside the database, signs board heads and ballot receipts.

The private key comes from ``settings.KYOSO_BOARD_SIGNING_KEY`` (64 hex digits, e.g. from the
environment file of the service) or the file ``settings.KYOSO_BOARD_SIGNING_KEY_FILE``; in
development that file is created (mode 0600) on first use. Someone who can rewrite the whole
database but not read this key cannot produce a signed head for a rewritten board; and the
heads already in citizens' hands (receipts, downloaded records) catch even the key's holder.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from kyoso.commons.algorithms import election_verifier as ev


@lru_cache(maxsize=4)
def _load(raw_hex: str, path: str) -> Ed25519PrivateKey:
    if raw_hex:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw_hex))
    if not os.path.exists(path):
        if getattr(settings, "PRODUCTION", False):
            raise RuntimeError(
                f"no board signing key: set KYOSO_BOARD_SIGNING_KEY or create {path}"
            )
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(raw.hex() + "\n")
    with open(path) as fh:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(fh.read().strip()))


def private_key() -> Ed25519PrivateKey:
    """Return the board's signing key."""
    return _load(settings.KYOSO_BOARD_SIGNING_KEY, str(settings.KYOSO_BOARD_SIGNING_KEY_FILE))


def public_key_hex() -> str:
    """Return the board's public key, which the city publishes (hex, 32 bytes)."""
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex()
    )


def sign_head(board_id: str, length: int, head: str) -> str:
    """Return the hex signature of a board head."""
    return private_key().sign(ev.head_statement(board_id, length, head)).hex()


def sign_receipt(board_id: str, tracker: str, length: int, head: str) -> str:
    """Return the hex signature of a ballot receipt."""
    return private_key().sign(ev.receipt_statement(board_id, tracker, length, head)).hex()
