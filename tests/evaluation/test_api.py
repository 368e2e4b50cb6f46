from __future__ import annotations

import pytest

from kyoso.evaluation.models import Verification
from tests.evaluation.factories import did_rows, sc_rows
from tests.vision.factories import KpiFactory, MeasureFactory, ThemeFactory, add_actuals

pytestmark = pytest.mark.django_db
BASE = "/api/v1/evaluation"


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_create_run_read(client, city, staff):
    m = MeasureFactory(city=city)
    client.force_login(staff)
    r = _post(
        client,
        f"{BASE}/{city.slug}/verifications",
        {
            "measure": m.pk,
            "method": "did",
            "title": "比較",
            "treatment_time": 2020,
            "treated": ["u0", "u1", "u2", "u3"],
            "panel": did_rows(),
        },
    )
    assert r.status_code == 201, r.json()
    vid = r.json()["id"]
    r = _post(client, f"{BASE}/{city.slug}/verifications/{vid}/run", {})
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["ci_low"] > 0
    client.logout()
    assert client.get(f"{BASE}/{city.slug}/verifications/{vid}").json()["effect"] > 0
    assert len(client.get(f"{BASE}/{city.slug}/verifications").json()) == 1


@pytest.mark.parametrize(
    ("panel", "params", "field"),
    [
        (
            [r for r in sc_rows() if r["unit"] in ("T", "d0")],
            {"treatment_time": 2019, "treated": ["T"]},
            "panel",
        ),
        (sc_rows(), {"treatment_time": 2011, "treated": ["T"]}, "parameters.treatment_time"),
        (
            [r for r in sc_rows() if not (r["unit"] == "d2" and r["time"] == 2014)],
            {"treatment_time": 2019, "treated": ["T"]},
            "panel",
        ),
    ],
)
def test_bad_data_gives_400_naming_the_field(client, city, staff, panel, params, field):
    client.force_login(staff)
    m = MeasureFactory(city=city)
    r = _post(
        client,
        f"{BASE}/{city.slug}/verifications",
        {
            "measure": m.pk,
            "method": "synthetic_control",
            "title": "SC",
            "panel": panel,
            **params,
        },
    )
    vid = r.json()["id"]
    r = _post(client, f"{BASE}/{city.slug}/verifications/{vid}/run", {})
    assert r.status_code == 400
    assert r.json()["detail"][0]["field"] == field
    assert Verification.objects.get(pk=vid).status == "failed"


def test_citizens_cannot_create_or_decide(client, city, citizen):
    m = MeasureFactory(city=city)
    client.force_login(citizen)
    r = _post(
        client,
        f"{BASE}/{city.slug}/verifications",
        {"measure": m.pk, "method": "its", "title": "x", "treatment_time": 1},
    )
    assert r.status_code == 403
    r = _post(
        client,
        f"{BASE}/{city.slug}/decisions",
        {"measure": m.pk, "fiscal_year": 2025, "decision": "stop", "reasons": "x"},
    )
    assert r.status_code == 403
    assert client.get(f"{BASE}/{city.slug}/portfolio").status_code == 403


def test_drafts_are_hidden_from_the_public(client, city, staff):
    client.force_login(staff)
    m = MeasureFactory(city=city)
    vid = _post(
        client,
        f"{BASE}/{city.slug}/verifications",
        {
            "measure": m.pk,
            "method": "did",
            "title": "d",
            "treatment_time": 2020,
            "treated": ["u0"],
            "panel": did_rows(),
        },
    ).json()["id"]
    client.logout()
    assert client.get(f"{BASE}/{city.slug}/verifications/{vid}").status_code == 404
    assert client.get(f"{BASE}/{city.slug}/verifications").json() == []


def test_portfolio_decisions_and_reinvestment(client, city, other_city, staff):
    theme = ThemeFactory(city=city, code="health")
    kpi = KpiFactory(city=city, theme=theme)
    add_actuals(kpi, {2016: 110, 2017: 120, 2018: 125})
    m = MeasureFactory(city=city, theme=theme)
    client.force_login(staff)
    rows = client.get(f"{BASE}/{city.slug}/portfolio").json()
    assert rows[0]["measure"] == m.pk and rows[0]["reasons"]
    r = _post(
        client,
        f"{BASE}/{city.slug}/decisions",
        {
            "measure": m.pk,
            "fiscal_year": 2025,
            "decision": "stop",
            "reasons": "理由",
            "freed_budget_yen": "5000000",
        },
    )
    assert r.status_code == 201 and r.json()["recommendation"] in (
        "scale",
        "continue",
        "revise",
        "stop",
    )
    did = r.json()["id"]
    r = _post(
        client,
        f"{BASE}/{city.slug}/decisions",
        {"measure": m.pk, "fiscal_year": 2025, "decision": "stop", "reasons": "again"},
    )
    assert r.status_code == 409
    r = _post(
        client,
        f"{BASE}/{city.slug}/reinvestment-plans",
        {
            "theme": "health",
            "title_ja": "支援員",
            "amount_yen": "5000000",
            "decisions": [did],
        },
    )
    assert r.status_code == 201
    assert (
        _post(
            client,
            f"{BASE}/{city.slug}/reinvestment-plans",
            {
                "theme": "health",
                "title_ja": "x",
                "amount_yen": "1",
                "decisions": [did],
            },
        ).status_code
        == 400
    )
    client.logout()
    public = client.get(f"{BASE}/{city.slug}/decisions").json()
    assert public[0]["reasons"] == "理由"
    assert client.get(f"{BASE}/{other_city.slug}/decisions").json() == []
    status = client.get(f"{BASE}/{city.slug}/kpi-status").json()
    assert status[0]["kpi"] == kpi.code and status[0]["status"] in (
        "on_track",
        "at_risk",
        "off_track",
    )


def test_unknown_measure_is_a_400(client, city, other_city, staff):
    client.force_login(staff)
    foreign = MeasureFactory(city=other_city)
    r = _post(
        client,
        f"{BASE}/{city.slug}/decisions",
        {"measure": foreign.pk, "fiscal_year": 2025, "decision": "stop", "reasons": "x"},
    )
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "measure"
