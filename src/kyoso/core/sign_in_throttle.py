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


SIGN_UP_WINDOW = 60 * 60


def _sign_up_key(request: HttpRequest) -> str:
    return "kyoso:sign-up:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]


def sign_up_wait(request: HttpRequest) -> int:
    """Return the seconds before this address may sign up again (0: it may now).

    An address may make ``KYOSO_SIGNUPS_PER_ADDRESS_HOUR`` accounts in an hour, counted from its
    first; a family or a community centre sharing one address fits, a script does not.
    """
    started = cache.get(_sign_up_key(request) + ":start")
    count = cache.get(_sign_up_key(request), 0)
    if started is None or count < settings.KYOSO_SIGNUPS_PER_ADDRESS_HOUR:
        return 0
    return max(1, int(started + SIGN_UP_WINDOW - time.time()))


def record_sign_up(request: HttpRequest) -> None:
    """Count one account made from the request's address."""
    key = _sign_up_key(request)
    if cache.add(key + ":start", time.time(), SIGN_UP_WINDOW):
        cache.set(key, 0, SIGN_UP_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # the counter expired between the two calls
        cache.set(key, 1, SIGN_UP_WINDOW)
