"""Small input clean-ups the mobility writes share."""

from __future__ import annotations


def _text(value: str, limit: int) -> str:
    return value.replace("\x00", "")[:limit]
