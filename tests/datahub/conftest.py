from __future__ import annotations

import pytest

from kyoso.core.services import system_actor
from kyoso.datahub.services import (
    dataset_create,
    dataset_publish,
    device_credential_issue,
    device_register,
    resource_add,
)
from kyoso.datahub.services.devices import PropertySpec
from tests.core.factories import DistrictFactory, MembershipFactory, OrganisationFactory
from tests.voice.factories import ReportFactory, ServiceTypeFactory


@pytest.fixture
def air_device(city):  # type: ignore[no-untyped-def]
    return device_register(
        actor=system_actor(),
        city=city,
        key="air-1",
        name="大みか 大気",
        entity_type="AirQualityObserved",
        lat=36.58,
        lon=140.64,
        properties=[
            PropertySpec("pm25", "µg/m3", 0, 500),
            PropertySpec("no2", "ppm", 0, 2),
        ],
    )


@pytest.fixture
def air_token(city, air_device):  # type: ignore[no-untyped-def]
    return device_credential_issue(actor=system_actor(), city=city, device=air_device)[1]


# district → category → number of reports; 大沼's 3 streetlight reports are the small cell.
REPORTS = {"久慈": {"pothole": 25, "light": 40}, "大沼": {"pothole": 30, "light": 3}}


@pytest.fixture
def reports(city):  # type: ignore[no-untyped-def]
    services = {
        "pothole": ServiceTypeFactory(city=city, code="pothole", name_ja="道路の穴"),
        "light": ServiceTypeFactory(city=city, code="light", name_ja="街路灯"),
    }
    for name, per_category in REPORTS.items():
        district = DistrictFactory(city=city, name_ja=name)
        for code, n in per_category.items():
            ReportFactory.create_batch(n, city=city, service=services[code], district=district)


@pytest.fixture
def consortium(city):  # type: ignore[no-untyped-def]
    return OrganisationFactory(
        city=city, code="green-consortium", name_ja="脱炭素コンソーシアム", kind="consortium"
    )


@pytest.fixture
def consortium_member(city, consortium):  # type: ignore[no-untyped-def]
    return MembershipFactory(city=city, role="business", organisation=consortium).user


@pytest.fixture
def reports_dataset(city, reports):  # type: ignore[no-untyped-def]
    actor = system_actor()
    dataset = dataset_create(
        actor=actor,
        city=city,
        slug="reports",
        title="地区別・種類別の通報件数",
        description="市民から寄せられた道路や街路灯の通報の件数です。",
        keywords=["通報", "道路"],
        theme_code="safety",
        derived_from_people=True,
    )
    resource_add(
        actor=actor,
        city=city,
        dataset=dataset,
        name="通報件数 (CSV)",
        generator="voice.reports_by_district",
    )
    return dataset_publish(actor=actor, city=city, dataset=dataset)


@pytest.fixture
def kpi_dataset(city):  # type: ignore[no-untyped-def]
    actor = system_actor()
    dataset = dataset_create(
        actor=actor,
        city=city,
        slug="kpi-actuals",
        title="KPI の実績値",
        keywords=["KPI"],
        licence="gov-jp-2.0",
        update_frequency="ANNUAL",
    )
    resource_add(
        actor=actor,
        city=city,
        dataset=dataset,
        name="KPI 実績 (JSON)",
        generator="vision.kpi_actuals",
        format="JSON",
    )
    return dataset_publish(actor=actor, city=city, dataset=dataset)


@pytest.fixture
def restricted_dataset(city, consortium):  # type: ignore[no-untyped-def]
    actor = system_actor()
    dataset = dataset_create(
        actor=actor,
        city=city,
        slug="consortium-energy",
        title="コンソーシアム会員の電力使用量",
        access="restricted",
        allowed_organisations=[consortium],
        organisation=consortium,
    )
    resource_add(
        actor=actor,
        city=city,
        dataset=dataset,
        name="センサー日次値",
        generator="datahub.sensor_daily",
    )
    return dataset_publish(actor=actor, city=city, dataset=dataset)
