"""The open-data catalogue's services: who may create, see and download, and what is published."""

from __future__ import annotations

import pytest

from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import AuditEvent
from kyoso.core.services import system_actor
from kyoso.datahub.selectors import dataset_get, dataset_search, datasets_visible
from kyoso.datahub.services import (
    dataset_access_record,
    dataset_create,
    dataset_publish,
    resource_add,
    resource_publish,
)

pytestmark = pytest.mark.django_db


def test_only_staff_create_datasets(city, citizen, staff) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        dataset_create(actor=citizen, city=city, slug="x", title="X")
    dataset = dataset_create(actor=staff, city=city, slug="x", title="X")
    assert dataset.licence == "CC-BY-4.0" and dataset.min_cell_size == 10
    assert not dataset.is_published
    with pytest.raises(DomainError) as error:
        dataset_publish(actor=staff, city=city, dataset=dataset)
    assert error.value.field == "resources"
    assert AuditEvent.objects.filter(
        action="datahub.dataset.create", object_id=str(dataset.pk)
    ).exists()


def test_people_rows_need_a_people_dataset(city, staff) -> None:  # type: ignore[no-untyped-def]
    dataset = dataset_create(actor=staff, city=city, slug="x", title="X")
    with pytest.raises(DomainError) as error:
        resource_add(
            actor=staff, city=city, dataset=dataset, name="r", generator="voice.reports_by_district"
        )
    assert error.value.field == "generator"
    with pytest.raises(DomainError):
        resource_add(actor=staff, city=city, dataset=dataset, name="r", generator="no.such")


def test_small_cells_and_their_complements_are_hidden(city, reports_dataset) -> None:  # type: ignore[no-untyped-def]
    resource = reports_dataset.resources.get()
    table = resource_publish(actor=None, city=city, resource=resource)
    assert table.columns == ("year", "district", "category", "reports")
    shown = {(row[1], row[2]): row[3] for row in table.rows}
    # 大沼's 3 streetlight reports are hidden; so is one more cell in its row and its column,
    # and the fourth corner, else the totals would give it back.
    assert shown[("大沼", "街路灯")] is None
    assert table.hidden_cells == 4
    assert set(shown.values()) == {None}
    # Nothing below k is ever published.
    assert all(v is None or v >= 10 for v in shown.values())


def test_no_hiding_when_every_cell_is_large_enough(city, reports_dataset) -> None:  # type: ignore[no-untyped-def]
    reports_dataset.min_cell_size = 3
    reports_dataset.save()
    table = resource_publish(actor=None, city=city, resource=reports_dataset.resources.get())
    assert table.hidden_cells == 0
    assert sorted(row[3] for row in table.rows) == [3, 25, 30, 40]


def test_restricted_dataset_only_for_allowed_and_every_read_audited(  # type: ignore[no-untyped-def]
    city, restricted_dataset, citizen, consortium_member, kpi_dataset
) -> None:
    assert restricted_dataset not in datasets_visible(city, citizen)
    assert restricted_dataset not in datasets_visible(city, None)
    with pytest.raises(NotFoundError):
        dataset_get(city, citizen, "consortium-energy")
    resource = restricted_dataset.resources.get()
    with pytest.raises(NotFoundError):
        resource_publish(actor=citizen, city=city, resource=resource)

    assert restricted_dataset in datasets_visible(city, consortium_member)
    before = AuditEvent.objects.filter(action="datahub.dataset.read").count()
    resource_publish(actor=consortium_member, city=city, resource=resource, channel="api")
    dataset_access_record(
        actor=consortium_member, city=city, dataset=restricted_dataset, channel="page"
    )
    reads = AuditEvent.objects.filter(action="datahub.dataset.read").order_by("pk")
    assert reads.count() == before + 2
    assert [e.details["channel"] for e in reads][-2:] == ["api", "page"]
    assert reads.last().actor == consortium_member
    # Public datasets' reads are not audited.
    resource_publish(actor=citizen, city=city, resource=kpi_dataset.resources.get())
    dataset_access_record(actor=citizen, city=city, dataset=kpi_dataset, channel="page")
    assert AuditEvent.objects.filter(action="datahub.dataset.read").count() == before + 2


def test_role_allowed_datasets(city, staff, business, citizen) -> None:  # type: ignore[no-untyped-def]
    actor = system_actor()
    dataset = dataset_create(
        actor=actor,
        city=city,
        slug="biz",
        title="事業者向け",
        access="restricted",
        allowed_roles=["business"],
    )
    resource_add(actor=actor, city=city, dataset=dataset, name="r", generator="vision.kpi_actuals")
    dataset_publish(actor=actor, city=city, dataset=dataset)
    assert dataset in datasets_visible(city, business)
    assert dataset not in datasets_visible(city, citizen)
    assert dataset in datasets_visible(city, staff)


def test_search_words_filters_and_facets(city, reports_dataset, kpi_dataset) -> None:  # type: ignore[no-untyped-def]
    assert [d.slug for d in dataset_search(city, None, q="通報").datasets] == ["reports"]
    everything = dataset_search(city, None, sort="name asc")
    assert [d.slug for d in everything.datasets] == ["kpi-actuals", "reports"]
    assert everything.facets["res_format"] == {"CSV": 1, "JSON": 1}
    assert everything.facets["license_id"] == {"CC-BY-4.0": 1, "gov-jp-2.0": 1}
    json_only = dataset_search(city, None, filters={"res_format": ["JSON"]})
    assert [d.slug for d in json_only.datasets] == ["kpi-actuals"]
    paged = dataset_search(city, None, sort="name desc", rows=1, start=1)
    assert paged.count == 2 and [d.slug for d in paged.datasets] == ["kpi-actuals"]


def test_ridership_is_published_with_small_cells_hidden(city) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from kyoso.mobility.models import RidershipRecord

    counts = {("r1", "s1"): 40, ("r1", "s2"): 4, ("r2", "s1"): 35, ("r2", "s2"): 50}
    for (route, stop), n in counts.items():
        RidershipRecord.objects.create(
            city=city, date=date(2026, 11, 2), route_id=route, stop_id=stop, hour=8, boardings=n
        )
    actor = system_actor()
    dataset = dataset_create(
        actor=actor, city=city, slug="ridership", title="乗車人数", derived_from_people=True
    )
    resource = resource_add(
        actor=actor, city=city, dataset=dataset, name="r", generator="mobility.ridership_monthly"
    )
    dataset_publish(actor=actor, city=city, dataset=dataset)
    table = resource_publish(actor=None, city=city, resource=resource)
    assert table.columns == ("month", "route", "stop", "boardings")
    assert {(r[1], r[2]): r[3] for r in table.rows} == {
        ("r1", "s1"): None,
        ("r1", "s2"): None,
        ("r2", "s1"): None,
        ("r2", "s2"): None,
    }


def test_demo_catalogue_is_built_through_the_services_once(city) -> None:  # type: ignore[no-untyped-def]
    from kyoso.core.services import organisation_ensure
    from kyoso.datahub.demo import DATASETS, load_catalogue
    from kyoso.datahub.models import Dataset

    owner = organisation_ensure(city=city, code="city-hall", name_ja="市役所", kind="public")
    load_catalogue(city, owner)
    load_catalogue(city, owner)
    assert Dataset.objects.filter(city=city, is_published=True).count() == len(DATASETS)
    assert AuditEvent.objects.filter(action="datahub.dataset.publish").count() == len(DATASETS)
    assert dataset_get(city, None, "reports-by-district").derived_from_people
    with pytest.raises(NotFoundError):
        dataset_get(city, None, "business-sensors")
