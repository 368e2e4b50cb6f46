"""Password guessing is slowed down with growing delays, never stopped by a hard lock.

Three counters, each with a free allowance and then a delay that doubles with every further
failure: the (account, address) pair (the usual guesser), the address alone (one password sprayed
across many accounts) and the account alone (a guesser spread over many addresses). The real
owner, from another address, meets only the account counter, whose delay stays short, so nobody
can lock a citizen out by knowing their e-mail. ``X-Forwarded-For`` is read only when the request
comes from a proxy listed in ``KYOSO_TRUSTED_PROXIES``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Rule:
    """``free`` failures without delay, then ``2 ** (n - free)`` seconds, at most ``cap``."""

    scope: str
    free: int
    cap: int

    def delay(self, failures: int) -> int:
        if failures < self.free:
            return 0
        return int(min(2 ** min(failures - self.free, 30), self.cap))


PAIR = Rule("pair", free=3, cap=15 * 60)
ADDRESS = Rule("address", free=10, cap=60 * 60)
ACCOUNT = Rule("account", free=20, cap=5 * 60)
WINDOW = 24 * 60 * 60  # counters are forgotten a day after the last failure


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, believing ``X-Forwarded-For`` only from trusted proxies."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = set(getattr(settings, "KYOSO_TRUSTED_PROXIES", []))
    if remote not in trusted:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if hop not in trusted:
            return hop
    return remote


def _keys(request: HttpRequest, email: str) -> list[tuple[Rule, str]]:
    address = client_ip(request)
    account = email.strip().lower()

    def key(rule: Rule, *parts: str) -> str:
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
        return f"kyoso:signin:{rule.scope}:{digest}"

    return [
        (PAIR, key(PAIR, account, address)),
        (ADDRESS, key(ADDRESS, address)),
        (ACCOUNT, key(ACCOUNT, account)),
    ]


def seconds_to_wait(request: HttpRequest, email: str) -> int:
    """Return how many seconds this address must wait before trying this account again."""
    now = time.time()
    wait = 0.0
    for rule, key in _keys(request, email):
        failures, last = cache.get(key, (0, 0.0))
        wait = max(wait, last + rule.delay(failures) - now)
    return max(0, int(wait + 0.999))


def record_failure(request: HttpRequest, email: str) -> None:
    now = time.time()
    for _rule, key in _keys(request, email):
        failures, _last = cache.get(key, (0, 0.0))
        cache.set(key, (failures + 1, now), WINDOW)


def record_success(request: HttpRequest, email: str) -> None:
    """Forget the account's failures (the address keeps its count: sprayers sign in too)."""
    for rule, key in _keys(request, email):
        if rule is not ADDRESS:
            cache.delete(key)
