"""Who may see which data item of a person, for what and until when: the consent decision.

A grant names one recipient (a care organisation or a person), the data items, a purpose and a
period. Access is permitted only while a grant that covers all four is live; nothing is implied
(no "all items" wildcard, no inheritance from one organisation to another).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

PURPOSES = ("treatment", "care", "family", "emergency", "research")


@dataclass(frozen=True)
class Grant:
    recipient: str  # "org:<id>" or "user:<id>"
    items: frozenset[str]
    purpose: str
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None = None

    def is_live(self, at: datetime) -> bool:
        return self.revoked_at is None and self.starts_at <= at < self.ends_at


def permits(
    grants: Iterable[Grant],
    *,
    recipients: Iterable[str],
    item: str,
    at: datetime,
    purpose: str | None = None,
) -> bool:
    """Return whether a live grant lets one of ``recipients`` see ``item`` at ``at``."""
    wanted = set(recipients)
    return any(
        g.recipient in wanted
        and item in g.items
        and g.is_live(at)
        and (purpose is None or g.purpose == purpose)
        for g in grants
    )


def visible_items(grants: Iterable[Grant], *, recipients: Iterable[str], at: datetime) -> set[str]:
    """Return every data item some live grant shows to one of ``recipients``."""
    wanted = set(recipients)
    return {item for g in grants if g.recipient in wanted and g.is_live(at) for item in g.items}
