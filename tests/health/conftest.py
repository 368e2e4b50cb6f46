from __future__ import annotations

import pytest

from tests.core.factories import MembershipFactory
from tests.health.factories import CareProviderFactory, CareStaffFactory


@pytest.fixture
def hospital(city):  # type: ignore[no-untyped-def]
    return CareProviderFactory(
        city=city,
        code="hitachi-general",
        name_ja="日立総合病院",
        kind="hospital",
        facility_code="hitachi-general-hospital",
    )


@pytest.fixture
def other_clinic(city):  # type: ignore[no-untyped-def]
    return CareProviderFactory(city=city, code="other-clinic", name_ja="別のクリニック")


@pytest.fixture
def doctor(city, hospital):  # type: ignore[no-untyped-def]
    user = MembershipFactory(city=city, role="clinic").user
    CareStaffFactory(
        city=city, provider=hospital, user=user, profession="doctor", department="内科"
    )
    return user


@pytest.fixture
def other_doctor(city, other_clinic):  # type: ignore[no-untyped-def]
    user = MembershipFactory(city=city, role="clinic").user
    CareStaffFactory(city=city, provider=other_clinic, user=user, profession="doctor")
    return user


@pytest.fixture
def family(city):  # type: ignore[no-untyped-def]
    return MembershipFactory(city=city, role="citizen").user
