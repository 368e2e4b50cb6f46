from __future__ import annotations

import pytest

from kyoso.green.services import factor_lists_import_folder
from tests.green.factories import CompanyFactory, SiteFactory


@pytest.fixture
def factors(city):  # type: ignore[no-untyped-def]
    return factor_lists_import_folder(city=city)


@pytest.fixture
def business(city):  # type: ignore[no-untyped-def]
    from tests.core.factories import MembershipFactory

    return MembershipFactory(city=city, role="business").user


@pytest.fixture
def company(city, business, factors):  # type: ignore[no-untyped-def]
    c = CompanyFactory(city=city, managers=[business], name="助川精機株式会社", jsic="26")
    SiteFactory(company=c, name="本社工場")
    return c
