"""Shared test set-up: fast hashing, tasks run at once, a city with people in every role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHARED_DATA = Path(
    os.environ.get("KYOSO_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


@pytest.fixture(autouse=True)
def _fast_settings(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    from django.core.cache import cache

    cache.clear()  # sign-in throttle counters must not leak between tests


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Client.force_login`` skips the password; it skips the second step too.

    Tests of the second step itself sign in through the pages (tests/core/test_second_step.py).
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user: object, backend: str | None = None) -> None:
        from tests.second_step import pass_second_step

        original(self, user, backend)
        pass_second_step(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared public data not found at {SHARED_DATA} (set KYOSO_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def city(db: None):  # type: ignore[no-untyped-def]
    from tests.core.factories import CityFactory, DistrictFactory

    c = CityFactory(
        slug="hitachi", name_ja="日立市", name_en="Hitachi City", municipality_code="082023"
    )
    DistrictFactory.create_batch(3, city=c)
    return c


@pytest.fixture
def other_city(db: None):  # type: ignore[no-untyped-def]
    from tests.core.factories import CityFactory, DistrictFactory

    c = CityFactory(
        slug="takahagi", name_ja="高萩市", name_en="Takahagi City", municipality_code="082147"
    )
    DistrictFactory.create_batch(2, city=c)
    return c


def _member(city, role: str):  # type: ignore[no-untyped-def]
    from tests.core.factories import MembershipFactory

    return MembershipFactory(city=city, role=role).user


@pytest.fixture
def citizen(city):  # type: ignore[no-untyped-def]
    return _member(city, "citizen")


@pytest.fixture
def staff(city):  # type: ignore[no-untyped-def]
    return _member(city, "staff")


@pytest.fixture
def moderator(city):  # type: ignore[no-untyped-def]
    return _member(city, "moderator")


@pytest.fixture
def operator_user(city):  # type: ignore[no-untyped-def]
    return _member(city, "operator")


@pytest.fixture
def business(city):  # type: ignore[no-untyped-def]
    return _member(city, "business")


@pytest.fixture
def clinic(city):  # type: ignore[no-untyped-def]
    """A clinic account acting for its own clinic (``clinic_organisation``)."""
    from tests.core.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(city=city, code="test-clinic", kind="clinic")
    return MembershipFactory(city=city, role="clinic", organisation=organisation).user


@pytest.fixture
def clinic_organisation(clinic, city):  # type: ignore[no-untyped-def]
    from kyoso.core.models import Organisation

    return Organisation.objects.get(city=city, code="test-clinic")


@pytest.fixture
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    chromium_path = Path("/usr/bin/chromium")
    if not chromium_path.exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(chromium_path),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
            ],
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(60000)  # the first request may import the numeric libraries
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Let PostgreSQL drop the throwaway test database even if a server thread kept a connection."""
    yield
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        return
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    except OperationalError:
        pass  # no test of this process used the database (e.g. only the production smoke test)
