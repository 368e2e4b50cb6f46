from __future__ import annotations

from decimal import Decimal

import pytest

from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent
from kyoso.core.services import system_actor
from kyoso.vision import services
from kyoso.vision.kpi_providers import register_provider, unregister_provider
from kyoso.vision.models import Endorsement, KpiActual, MeasureCost, PerspectiveRating
from tests.errors import raises
from tests.vision.factories import KpiFactory, MeasureFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _kpi_values(**extra):
    values = {
        "code": "co2",
        "name_ja": "CO2排出量",
        "unit": "kt",
        "baseline_year": 2013,
        "baseline_value": Decimal("3100"),
        "target_year": 2030,
        "target_value": Decimal("1674"),
        "direction": "down",
    }
    values.update(extra)
    return values


def test_vision_save_creates_then_updates_and_audits(city, staff):
    v = services.vision_save(city=city, actor=staff, title_ja="未来", future_image_ja="絵")
    v2 = services.vision_save(city=city, actor=staff, title_ja="未来2")
    assert v.pk == v2.pk and v2.title_ja == "未来2"
    actions = list(AuditEvent.objects.filter(city=city).values_list("action", flat=True))
    assert "vision.create" in actions and "vision.update" in actions


def test_citizen_cannot_edit_the_vision(city, citizen):
    with pytest.raises(PermissionDeniedError):
        services.vision_save(city=city, actor=citizen, title_ja="x", future_image_ja="y")
    with pytest.raises(PermissionDeniedError):
        services.theme_create(city=city, actor=citizen, code="x", name_ja="x")


def test_theme_create_with_parent_and_duplicate_code(city, staff):
    parent = services.theme_create(city=city, actor=staff, code="green", name_ja="緑")
    child = services.theme_create(city=city, actor=staff, code="sme", name_ja="中小", parent=parent)
    assert child.parent == parent
    with raises(DomainError) as exc:
        services.theme_create(city=city, actor=staff, code="green", name_ja="重複")
    assert (
        exc.value.field is None or exc.value.field == "code" or "code" in exc.value.message.lower()
    )
    assert AuditEvent.objects.filter(action="vision.theme.create").count() == 2


def test_same_code_is_allowed_in_another_city(city, other_city, staff):
    services.theme_create(city=city, actor=system_actor(), code="green", name_ja="緑")
    services.theme_create(city=other_city, actor=system_actor(), code="green", name_ja="緑")


def test_theme_cannot_be_its_own_ancestor(city, staff):
    a = services.theme_create(city=city, actor=staff, code="a", name_ja="A")
    b = services.theme_create(city=city, actor=staff, code="b", name_ja="B", parent=a)
    with raises(DomainError, field="parent") as exc:
        services.theme_update(city=city, actor=staff, theme=a, parent=b)
    assert exc.value.field == "parent"


def test_theme_of_another_city_is_refused(city, other_city, staff):
    foreign = ThemeFactory(city=other_city)
    with raises(DomainError, field="parent") as exc:
        services.theme_create(city=city, actor=staff, code="x", name_ja="x", parent=foreign)
    assert exc.value.field == "parent"
    with raises(DomainError, field="theme"):
        services.measure_create(city=city, actor=staff, theme=foreign, title_ja="越境")


def test_kpi_create_and_milestones(city, staff):
    theme = ThemeFactory(city=city)
    kpi = services.kpi_create(
        city=city,
        actor=staff,
        theme=theme,
        **_kpi_values(milestones=[{"year": 2026, "value": "2200"}, {"year": 2020, "value": 2800}]),
    )
    assert kpi.milestones == [{"year": 2020, "value": "2800"}, {"year": 2026, "value": "2200"}]
    assert kpi.needed_change == Decimal("-1426")
    assert AuditEvent.objects.filter(action="vision.kpi.create", object_id=str(kpi.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"target_year": 2010}, "target_year"),
        ({"milestones": [{"year": 2040, "value": 1}]}, "milestones"),
        ({"milestones": [{"year": "x"}]}, "milestones"),
        ({"source": "provider", "provider_key": "nope"}, "provider_key"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_kpi_create_rejects_bad_input(city, staff, extra, field):
    theme = ThemeFactory(city=city)
    with raises(DomainError, field=field) as exc:
        services.kpi_create(city=city, actor=staff, theme=theme, **_kpi_values(**extra))
    assert exc.value.field == field


def test_actual_record_replaces_the_period_and_keeps_provenance(city, staff):
    kpi = KpiFactory(city=city)
    services.kpi_actual_record(city=city, actor=staff, kpi=kpi, year=2024, value="10")
    a = services.kpi_actual_record(
        city=city, actor=staff, kpi=kpi, year=2024, value=Decimal("12"), note="訂正"
    )
    assert KpiActual.objects.filter(kpi=kpi).count() == 1
    assert a.value == 12 and a.entered_by == staff and a.source == "manual"
    with raises(DomainError, field="value") as exc:
        services.kpi_actual_record(city=city, actor=staff, kpi=kpi, year=2024, value="abc")
    assert exc.value.field == "value"
    with raises(DomainError, field="year") as exc:
        services.kpi_actual_record(city=city, actor=staff, kpi=kpi, year=1800, value="1")
    assert exc.value.field == "year"


def test_csv_import_stores_all_rows(city, staff):
    a = KpiFactory(city=city, code="co2")
    b = KpiFactory(city=city, code="brt")
    data = 'kpi_code,year,value,note\nco2,2023,2480,\nco2,2024,"2,430",速報\nbrt,2024-04,41250,\n'.encode()
    result = services.kpi_actuals_import_csv(city=city, actor=staff, data=data)
    assert (result.created, result.updated) == (3, 0)
    assert KpiActual.objects.get(kpi=a, year=2024).value == 2430
    assert KpiActual.objects.get(kpi=b, year=2024, month=4).source == "csv"
    again = services.kpi_actuals_import_csv(city=city, actor=staff, data=data)
    assert (again.created, again.updated) == (0, 3)


def test_csv_import_reads_shift_jis(city, staff):
    KpiFactory(city=city, code="co2")
    data = "kpi_code,year,value,note\nco2,2024,1,確定値\n".encode("cp932")
    services.kpi_actuals_import_csv(city=city, actor=staff, data=data)
    assert KpiActual.objects.get(year=2024).note == "確定値"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("kpi_code,year,value\nco2,2023,1\nnope,2024,1\n", "3"),
        ("kpi_code,year,value\nco2,20x4,1\n", "2"),
        ("kpi_code,year,value\nco2,2024,abc\n", "2"),
        ("code,value\nco2,1\n", "year"),
        ("kpi_code,year,value\n", ""),
    ],
)
def test_csv_import_bad_rows_save_nothing(city, staff, body, fragment):
    KpiFactory(city=city, code="co2")
    with raises(DomainError, field="file") as exc:
        services.kpi_actuals_import_csv(city=city, actor=staff, data=body.encode())
    assert exc.value.field == "file"
    assert fragment in exc.value.message
    assert KpiActual.objects.count() == 0


def test_csv_import_does_not_see_other_cities_kpis(city, other_city, staff):
    KpiFactory(city=other_city, code="co2")
    with raises(DomainError, field="file"):
        services.kpi_actuals_import_csv(
            city=city, actor=staff, data=b"kpi_code,year,value\nco2,2024,1\n"
        )


def test_refresh_from_provider(city, staff):
    register_provider("test.series", "Test", lambda c, k: [(2022, 5), (2023, Decimal("6.5"))])
    try:
        kpi = KpiFactory(city=city, source="provider", provider_key="test.series")
        assert services.kpi_refresh_from_provider(city=city, kpi=kpi, actor=system_actor()) == 2
        a = KpiActual.objects.get(kpi=kpi, year=2023)
        assert (
            a.value == Decimal("6.5") and a.provider_name == "test.series" and a.entered_by is None
        )
    finally:
        unregister_provider("test.series")
    with raises(DomainError, field="provider_key") as exc:
        services.kpi_refresh_from_provider(city=city, kpi=kpi, actor=system_actor())
    assert exc.value.field == "provider_key"


def test_refresh_task_runs_the_service(city):
    from kyoso.vision.tasks import kpi_refresh_from_provider_task

    register_provider("test.task", "Test", lambda c, k: [(2024, 1)])
    try:
        kpi = KpiFactory(city=city, source="provider", provider_key="test.task")
        kpi_refresh_from_provider_task.enqueue(city.pk, kpi.pk)
        assert KpiActual.objects.filter(kpi=kpi).count() == 1
    finally:
        unregister_provider("test.task")


def test_measure_lifecycle_is_audited(city, staff):
    theme = ThemeFactory(city=city)
    kpi = KpiFactory(city=city, theme=theme)
    m = services.measure_create(
        city=city, actor=staff, theme=theme, title_ja="BRT増便", status="planned"
    )
    services.measure_update(city=city, actor=staff, measure=m, status="running", inputs="車両")
    services.measure_kpi_link_set(city=city, actor=staff, measure=m, kpi=kpi, expected_change="30")
    services.measure_cost_set(
        city=city, actor=staff, measure=m, year=2024, budget_yen=1_000_000, actual_yen="900000"
    )
    services.measure_cost_set(city=city, actor=staff, measure=m, year=2024, budget_yen=1_200_000)
    assert MeasureCost.objects.get(measure=m).budget_yen == 1_200_000
    actions = set(AuditEvent.objects.filter(city=city).values_list("action", flat=True))
    assert {
        "vision.measure.create",
        "vision.measure.update",
        "vision.measure.link_kpi",
        "vision.measure.cost",
    } <= actions
    update = AuditEvent.objects.get(action="vision.measure.update")
    assert update.details["status"] == "running"


def test_measure_rejects_bad_dates_and_money(city, staff):
    theme = ThemeFactory(city=city)
    from datetime import date

    with raises(DomainError, field="end_date") as exc:
        services.measure_create(
            city=city,
            actor=staff,
            theme=theme,
            title_ja="x",
            start_date=date(2024, 4, 1),
            end_date=date(2023, 3, 31),
        )
    assert exc.value.field == "end_date"
    m = MeasureFactory(city=city, theme=theme)
    with raises(DomainError, field="budget_yen") as exc:
        services.measure_cost_set(city=city, actor=staff, measure=m, year=2024, budget_yen="-5")
    assert exc.value.field == "budget_yen"
    with raises(DomainError, field="budget_yen") as exc:
        services.measure_cost_set(city=city, actor=staff, measure=m, year=2024, budget_yen="1.5")
    assert exc.value.field == "budget_yen"


def test_endorse_is_idempotent_and_snapshots_the_person(city, citizen):
    e1 = services.endorsement_add(city=city, user=citizen)
    e2 = services.endorsement_add(city=city, user=citizen)
    assert e1.pk == e2.pk
    assert e1.age_band.endswith("s") or e1.age_band == "80+"
    theme = ThemeFactory(city=city)
    services.endorsement_add(city=city, user=citizen, theme=theme)
    assert Endorsement.objects.filter(user=citizen).count() == 2
    assert services.endorsement_withdraw(city=city, user=citizen, theme=theme)
    assert not services.endorsement_withdraw(city=city, user=citizen, theme=theme)


def test_people_from_another_city_cannot_take_part(other_city, citizen):
    with pytest.raises(PermissionDeniedError):
        services.endorsement_add(city=other_city, user=citizen)


def test_comment_and_rating(city, citizen):
    m = MeasureFactory(city=city)
    c = services.comment_post(
        city=city, user=citizen, body=" 良いと思います ", stance="support", measure=m
    )
    assert c.body == "良いと思います"
    with raises(DomainError, field="body") as exc:
        services.comment_post(city=city, user=citizen, body="  ")
    assert exc.value.field == "body"
    with raises(DomainError, field="stance") as exc:
        services.comment_post(city=city, user=citizen, body="x", stance="angry")
    assert exc.value.field == "stance"
    services.perspective_rate(city=city, user=citizen, measure=m, axis="fairness", score=4)
    r = services.perspective_rate(city=city, user=citizen, measure=m, axis="fairness", score=2)
    assert r.score == 2 and r.role == "citizen"
    assert PerspectiveRating.objects.count() == 1
    with raises(DomainError, field="score") as exc:
        services.perspective_rate(city=city, user=citizen, measure=m, axis="fairness", score=9)
    assert exc.value.field == "score"


def test_conflict_error_class_is_used_for_duplicates_or_field_named(city, staff):
    services.theme_create(city=city, actor=staff, code="dup", name_ja="A")
    with pytest.raises((DomainError, ConflictError)):
        services.theme_create(city=city, actor=staff, code="dup", name_ja="B")


def test_the_daily_task_refreshes_every_provider_kpi_and_skips_broken_ones(city, other_city):
    from kyoso.vision.tasks import kpi_providers_refresh_task

    register_provider("test.daily", "Test", lambda c, k: [(2024, 7)])
    try:
        ok = KpiFactory(city=city, source="provider", provider_key="test.daily")
        elsewhere = KpiFactory(city=other_city, source="provider", provider_key="test.daily")
        KpiFactory(city=city, source="provider", provider_key="test.gone")  # provider missing
        KpiFactory(city=city)  # entered by hand: not touched
        kpi_providers_refresh_task.enqueue()
        assert KpiActual.objects.filter(kpi__in=[ok, elsewhere], year=2024).count() == 2
        assert KpiActual.objects.count() == 2
    finally:
        unregister_provider("test.daily")
