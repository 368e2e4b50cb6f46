from __future__ import annotations

import pytest

from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent
from kyoso.evaluation import services
from kyoso.evaluation.models import PortfolioDecision, ReinvestmentPlan, Verification
from kyoso.vision.models import Measure
from tests.errors import raises
from tests.evaluation.factories import did_rows, its_rows, sc_rows
from tests.vision.factories import KpiFactory, MeasureFactory, ThemeFactory, add_actuals, link

pytestmark = pytest.mark.django_db


def _create(city, staff, method, **kwargs):
    measure = kwargs.pop("measure", None) or MeasureFactory(city=city)
    return services.verification_create(
        city=city, actor=staff, measure=measure, method=method, title="検証", **kwargs
    )


def test_its_on_kpi_actuals_finds_the_drop(city, staff):
    kpi = KpiFactory(city=city, direction="down")
    add_actuals(kpi, {r["time"]: r["outcome"] for r in its_rows(effect=-80)})
    v = _create(city, staff, "its", kpi=kpi, parameters={"treatment_time": 2019})
    v = services.verification_run(city=city, verification=v, actor=staff)
    assert v.status == "done"
    assert v.effect < -50 and v.ci_high < 0 and v.p_value < 0.05
    assert v.explanation_ja and v.explanation_en
    assert v.result["chart"]["series"]["actual"]
    assert AuditEvent.objects.filter(
        action="evaluation.verification.run", object_id=str(v.pk)
    ).exists()


def test_did_finds_the_effect_and_checks_pre_trends(city, staff):
    v = _create(
        city,
        staff,
        "did",
        panel_rows=did_rows(effect=5),
        parameters={"treatment_time": 2020, "treated": ["u0", "u1", "u2", "u3"]},
    )
    v = services.verification_run(city=city, verification=v, actor=staff)
    assert abs(v.effect - 5) < 1 and v.ci_low > 0
    assert v.result["pre_trend"]["parallel"] is True
    assert set(v.result["chart"]["series"]) == {"treated", "comparison"}


def test_synthetic_control_finds_weights_and_placebo_p(city, staff):
    v = _create(
        city,
        staff,
        "synthetic_control",
        panel_rows=sc_rows(),
        parameters={"treatment_time": 2019, "treated": "T"},
    )
    v = services.verification_run(city=city, verification=v, actor=staff)
    weights = v.result["weights"]
    assert weights["d0"] == pytest.approx(0.6, abs=0.1) and weights["d1"] == pytest.approx(
        0.4, abs=0.1
    )
    assert v.effect == pytest.approx(15, abs=3)
    assert v.p_value == pytest.approx(1 / 9)


def test_too_few_pre_periods_is_a_clear_error(city, staff):
    kpi = KpiFactory(city=city)
    add_actuals(kpi, {2018: 1, 2019: 2, 2020: 5, 2021: 6, 2022: 7})
    v = _create(city, staff, "its", kpi=kpi, parameters={"treatment_time": 2020})
    with raises(DomainError, field="parameters.treatment_time") as exc:
        services.verification_run(city=city, verification=v, actor=staff)
    assert exc.value.field == "parameters.treatment_time"
    v.refresh_from_db()
    assert v.status == "failed" and v.error_field == "parameters.treatment_time" and v.error_message


def test_sc_too_few_pre_periods(city, staff):
    v = _create(
        city,
        staff,
        "synthetic_control",
        panel_rows=sc_rows(),
        parameters={"treatment_time": 2011, "treated": "T"},
    )
    with raises(DomainError, field="parameters.treatment_time") as exc:
        services.verification_run(city=city, verification=v, actor=staff)
    assert exc.value.field == "parameters.treatment_time"


def test_donor_pool_of_one_is_a_clear_error(city, staff):
    rows = [r for r in sc_rows() if r["unit"] in ("T", "d0")]
    v = _create(
        city,
        staff,
        "synthetic_control",
        panel_rows=rows,
        parameters={"treatment_time": 2019, "treated": "T"},
    )
    with raises(DomainError, field="panel") as exc:
        services.verification_run(city=city, verification=v, actor=staff)
    assert exc.value.field == "panel"
    assert "1" in exc.value.message


def test_missing_years_in_panel_are_named(city, staff):
    rows = [r for r in sc_rows() if not (r["unit"] == "d3" and r["time"] in (2012, 2013))]
    v = _create(
        city,
        staff,
        "synthetic_control",
        panel_rows=rows,
        parameters={"treatment_time": 2019, "treated": "T"},
    )
    with raises(DomainError, field="panel") as exc:
        services.verification_run(city=city, verification=v, actor=staff)
    assert exc.value.field == "panel" and "d3" in exc.value.message and "2012" in exc.value.message


def test_missing_years_in_kpi_actuals_are_named(city, staff):
    kpi = KpiFactory(city=city)
    add_actuals(kpi, {2010: 1, 2011: 2, 2013: 3, 2014: 4, 2016: 5, 2017: 6, 2018: 7})
    v = _create(city, staff, "its", kpi=kpi, parameters={"treatment_time": 2015})
    with raises(DomainError, field="kpi") as exc:
        services.verification_run(city=city, verification=v, actor=staff)
    assert exc.value.field == "kpi" and "2012" in exc.value.message and "2015" in exc.value.message


def test_did_needs_named_treated_units(city, staff):
    v = _create(
        city,
        staff,
        "did",
        panel_rows=did_rows(),
        parameters={"treatment_time": 2020, "treated": ["nope"]},
    )
    with raises(DomainError, field="parameters.treated") as exc:
        services.verification_run(city=city, verification=v, actor=staff)
    assert exc.value.field == "parameters.treated"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "magic"}, "method"),
        ({"method": "did"}, "panel"),
        ({"method": "its"}, "kpi"),
        ({"method": "did", "panel_rows": [{"unit": "a", "time": "x", "outcome": 1}]}, "panel"),
        (
            {
                "method": "did",
                "panel_rows": [
                    {"unit": "a", "time": 1, "outcome": 1},
                    {"unit": "a", "time": 1, "outcome": 2},
                ],
            },
            "panel",
        ),
        ({"method": "did", "panel_csv": b"unit,when,outcome\na,1,2\n"}, "panel"),
    ],
)
def test_create_rejects_bad_input(city, staff, kwargs, field):
    with raises(DomainError, field=field) as exc:
        _create(city, staff, **kwargs)
    assert exc.value.field == field
    assert not Verification.objects.exists()


def test_panel_from_csv(city, staff):
    body = "unit,time,outcome\n" + "".join(
        f"{r['unit']},{r['time']},{r['outcome']}\n" for r in did_rows()
    )
    v = _create(
        city,
        staff,
        "did",
        panel_csv=body.encode(),
        parameters={"treatment_time": 2020, "treated": ["u0"]},
    )
    assert len(v.panel) == 120


def test_citizens_cannot_verify_or_decide(city, citizen):
    m = MeasureFactory(city=city)
    with pytest.raises(PermissionDeniedError):
        services.verification_create(city=city, actor=citizen, measure=m, method="its", title="x")
    with pytest.raises(PermissionDeniedError):
        services.decision_record(
            city=city, actor=citizen, measure=m, fiscal_year=2025, decision="stop", reasons="x"
        )


def test_measure_of_another_city_is_refused(city, other_city, staff):
    m = MeasureFactory(city=other_city)
    with raises(DomainError, field="measure") as exc:
        services.verification_create(
            city=city, actor=staff, measure=m, method="did", title="x", panel_rows=did_rows()
        )
    assert exc.value.field == "measure"


def test_background_run_goes_through_the_task(city, staff):
    v = _create(
        city,
        staff,
        "did",
        panel_rows=did_rows(),
        parameters={"treatment_time": 2020, "treated": ["u0"]},
    )
    with pytest.MonkeyPatch.context():
        from django.db import transaction

        with transaction.atomic():
            services.verification_enqueue(city=city, verification=v, actor=staff)
    v.refresh_from_db()
    assert v.status in ("queued", "done")


def test_decision_records_recommendation_stops_measure_and_audits(city, staff):
    m = MeasureFactory(city=city)
    d = services.decision_record(
        city=city,
        actor=staff,
        measure=m,
        fiscal_year=2025,
        decision="stop",
        reasons="効果なし",
        freed_budget_yen=5_000_000,
    )
    assert d.recommendation in ("scale", "continue", "revise", "stop")
    assert d.recommendation_reasons and "text" in d.recommendation_reasons[0]
    assert Measure.objects.get(pk=m.pk).status == "stopped"
    assert AuditEvent.objects.filter(action="evaluation.decision.record").exists()
    assert AuditEvent.objects.filter(action="vision.measure.update").exists()
    with pytest.raises(ConflictError):
        services.decision_record(
            city=city, actor=staff, measure=m, fiscal_year=2025, decision="stop", reasons="again"
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"decision": "pause"}, "decision"),
        ({"reasons": "  "}, "reasons"),
        ({"freed_budget_yen": "-1"}, "freed_budget_yen"),
        ({"freed_budget_yen": "1.5"}, "freed_budget_yen"),
        ({"decision": "scale", "freed_budget_yen": 100}, "freed_budget_yen"),
        ({"fiscal_year": 1990}, "fiscal_year"),
    ],
)
def test_decision_rejects_bad_input(city, staff, kwargs, field):
    values = {"fiscal_year": 2025, "decision": "stop", "reasons": "理由"} | kwargs
    with raises(DomainError, field=field) as exc:
        services.decision_record(
            city=city, actor=staff, measure=MeasureFactory(city=city), **values
        )
    assert exc.value.field == field
    assert not PortfolioDecision.objects.exists()


def test_reinvestment_plan_is_a_measure_funded_by_freed_budget(city, staff):
    theme = ThemeFactory(city=city)
    d = services.decision_record(
        city=city,
        actor=staff,
        measure=MeasureFactory(city=city, theme=theme),
        fiscal_year=2025,
        decision="stop",
        reasons="x",
        freed_budget_yen=10_000_000,
    )
    with raises(DomainError, field="amount_yen") as exc:
        services.reinvestment_plan_create(
            city=city,
            actor=staff,
            theme=theme,
            title_ja="支援員",
            amount_yen=20_000_000,
            decisions=[d],
        )
    assert exc.value.field == "amount_yen"
    plan = services.reinvestment_plan_create(
        city=city, actor=staff, theme=theme, title_ja="支援員", amount_yen=8_000_000, decisions=[d]
    )
    assert plan.measure.status == "planned" and plan.measure.costs.get().budget_yen == 8_000_000
    assert services.freed_budget_available(city) == 2_000_000
    assert ReinvestmentPlan.objects.get().decisions.get() == d
    assert AuditEvent.objects.filter(action="evaluation.reinvestment.create").exists()


def test_recommendation_uses_effect_and_acceptance(city, staff, citizen):
    from kyoso.evaluation.selectors import portfolio_rows
    from kyoso.vision import services as vision_services

    theme = ThemeFactory(city=city)
    kpi = KpiFactory(
        city=city, theme=theme, direction="down", baseline_value=1000, target_value=500
    )
    m = MeasureFactory(city=city, theme=theme)
    link(m, kpi, -300)
    vision_services.measure_cost_set(
        city=city, actor=staff, measure=m, year=2024, budget_yen=8_000_000
    )
    add_actuals(kpi, {r["time"]: r["outcome"] for r in its_rows(effect=-80)})
    v = _create(city, staff, "its", kpi=kpi, measure=m, parameters={"treatment_time": 2019})
    services.verification_run(city=city, verification=v, actor=staff)
    vision_services.perspective_rate(
        city=city, user=citizen, measure=m, axis="convenience", score=5
    )
    row = portfolio_rows(city)[0]
    assert row.effect == "good" and row.alignment == 1.0
    assert row.acceptance.score == 1.0
    assert row.recommendation.action == "scale"
    assert row.ce is not None and row.ce.verdict == "determinable"
    assert row.ce.per_unit_low <= row.ce.per_unit <= row.ce.per_unit_high
    v.refresh_from_db()
    assert row.ce.per_unit == pytest.approx(8_000_000 / -v.effect)
