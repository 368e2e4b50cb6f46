"""Sign-in throttle: growing delays per account+address, per address and per account."""

from __future__ import annotations

import pytest
from django.test import Client

from kyoso.core import sign_in_throttle
from tests.core.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    c = Clock()
    monkeypatch.setattr(sign_in_throttle.time, "time", c.time)
    return c


def _try(email: str, password: str, addr: str = "10.1.1.1", **extra: str) -> int:
    return (
        Client()
        .post(
            "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=addr, **extra
        )
        .status_code
    )


def test_delays_double_and_then_let_the_owner_in(city, citizen, clock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert _try(citizen.email, "wrong") == 200  # the free allowance
    waits = []
    for _ in range(4):
        response = Client().post(
            "/accounts/login/", {"username": citizen.email, "password": PASSWORD},
            REMOTE_ADDR="10.1.1.1",
        )  # fmt: skip
        assert response.status_code == 429  # refused without checking the password
        waits.append(int(response["Retry-After"]))
        clock.now += waits[-1]
        assert _try(citizen.email, "wrong") == 200
    assert waits == [1, 2, 4, 8]
    clock.now += 16
    assert _try(citizen.email, PASSWORD) == 302  # never a 15-minute lock


def test_an_attacker_cannot_lock_the_owner_out(city, citizen, clock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(12):
        _try(citizen.email, "wrong", addr="203.0.113.5")
        clock.now += 3600
    assert _try(citizen.email, PASSWORD, addr="198.51.100.7") == 302


def test_spraying_one_password_over_many_accounts_is_slowed(city, clock) -> None:  # type: ignore[no-untyped-def]
    users = [MembershipFactory(city=city).user for _ in range(12)]
    statuses = [_try(u.email, "Password123", addr="203.0.113.9") for u in users]
    assert statuses[:10] == [200] * 10 and 429 in statuses[10:]


def test_forwarded_for_is_believed_only_from_trusted_proxies(
    city, citizen, clock, settings
) -> None:  # type: ignore[no-untyped-def]
    for i in range(4):  # a client spoofing X-Forwarded-For still counts as its own address
        _try(citizen.email, "wrong", addr="203.0.113.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}")
    assert (
        _try(citizen.email, PASSWORD, addr="203.0.113.1", HTTP_X_FORWARDED_FOR="10.9.9.99") == 429
    )
    settings.KYOSO_TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(4):
        _try(citizen.email, "wrong", addr="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert (
        _try(citizen.email, PASSWORD, addr="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1") == 429
    )
    # another client behind the same proxy is not slowed by the first one's failures
    assert (
        _try(citizen.email, PASSWORD, addr="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2") == 302
    )
