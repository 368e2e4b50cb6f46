from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyoso.core.models import AuditEvent
from kyoso.vision.models import Endorsement, KpiActual
from tests.vision.factories import KpiFactory, MeasureFactory, ThemeFactory, add_actuals

pytestmark = pytest.mark.django_db
BASE = "/api/v1/vision"


def test_public_reads(client, city, other_city):
    theme = ThemeFactory(city=city, code="green")
    kpi = KpiFactory(
        city=city, theme=theme, code="co2", milestones=[{"year": 2020, "value": "150"}]
    )
    add_actuals(kpi, {2020: 120, 2021: 130})
    MeasureFactory(city=city, theme=theme)
    KpiFactory(city=other_city, code="elsewhere")
    assert client.get(f"{BASE}/{city.slug}/vision").json() is None
    assert [t["code"] for t in client.get(f"{BASE}/{city.slug}/themes").json()] == ["green"]
    kpis = client.get(f"{BASE}/{city.slug}/kpis").json()
    assert [k["code"] for k in kpis] == ["co2"] and kpis[0]["milestones"][0]["year"] == 2020
    detail = client.get(f"{BASE}/{city.slug}/kpis/co2").json()
    assert [a["year"] for a in detail["actuals"]] == [2020, 2021]
    assert client.get(f"{BASE}/{other_city.slug}/kpis/co2").status_code == 404
    assert len(client.get(f"{BASE}/{city.slug}/measures").json()) == 1
    assert client.get(f"{BASE}/nowhere/kpis").status_code == 404


def test_staff_writes_and_citizens_cannot(client, city, staff, citizen):
    client.force_login(citizen)
    r = client.post(
        f"{BASE}/{city.slug}/themes", {"code": "x", "name_ja": "x"}, content_type="application/json"
    )
    assert r.status_code == 403
    client.force_login(staff)
    r = client.post(
        f"{BASE}/{city.slug}/themes",
        {"code": "green", "name_ja": "緑"},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = client.post(
        f"{BASE}/{city.slug}/kpis",
        {
            "code": "co2",
            "theme": "green",
            "name_ja": "CO2",
            "unit": "kt",
            "direction": "down",
            "baseline_year": 2013,
            "baseline_value": "3100",
            "target_year": 2030,
            "target_value": "1674",
            "milestones": [{"year": 2026, "value": "2200"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    r = client.post(
        f"{BASE}/{city.slug}/kpis",
        {
            "code": "bad",
            "theme": "nope",
            "name_ja": "x",
            "unit": "x",
            "baseline_year": 2013,
            "baseline_value": "1",
            "target_year": 2030,
            "target_value": "2",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "theme"
    r = client.patch(
        f"{BASE}/{city.slug}/kpis/co2", {"target_year": 2000}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "target_year"
    r = client.post(
        f"{BASE}/{city.slug}/kpis/co2/actuals",
        {"year": 2024, "value": "2430"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["entered_by"] == staff.email
    r = client.post(
        f"{BASE}/{city.slug}/measures",
        {"theme": "green", "title_ja": "診断"},
        content_type="application/json",
    )
    assert r.status_code == 201
    mid = r.json()["id"]
    assert (
        client.put(
            f"{BASE}/{city.slug}/measures/{mid}/kpis/co2",
            {"expected_change": "-50"},
            content_type="application/json",
        ).status_code
        == 200
    )
    assert (
        client.put(
            f"{BASE}/{city.slug}/measures/{mid}/costs/2025",
            {"budget_yen": "1000000"},
            content_type="application/json",
        ).status_code
        == 200
    )
    r = client.patch(
        f"{BASE}/{city.slug}/measures/{mid}", {"status": "running"}, content_type="application/json"
    )
    assert r.json()["status"] == "running" and r.json()["kpi_links"][0]["kpi"] == "co2"
    assert client.delete(f"{BASE}/{city.slug}/measures/{mid}/kpis/co2").status_code == 204
    assert AuditEvent.objects.filter(city=city, action__startswith="vision.").count() >= 7


def test_duplicate_theme_code_is_a_4xx(client, city, staff):
    client.force_login(staff)
    client.post(
        f"{BASE}/{city.slug}/themes",
        {"code": "green", "name_ja": "緑"},
        content_type="application/json",
    )
    r = client.post(
        f"{BASE}/{city.slug}/themes",
        {"code": "green", "name_ja": "緑"},
        content_type="application/json",
    )
    assert 400 <= r.status_code < 500


def test_csv_import_and_export(client, city, staff):
    KpiFactory(city=city, code="co2")
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "a.csv", b"kpi_code,year,value,note\nco2,2024,2430,\nco2,2025-03,200.5,\n"
    )
    r = client.post(f"{BASE}/{city.slug}/actuals/import", {"file": upload})
    assert r.status_code == 200 and r.json() == {"created": 2, "updated": 0, "kpis": ["co2"]}
    bad = SimpleUploadedFile("a.csv", b"kpi_code,year,value\nco2,2024,x\n")
    r = client.post(f"{BASE}/{city.slug}/actuals/import", {"file": bad})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "file"
    assert KpiActual.objects.count() == 2
    text = client.get(f"{BASE}/{city.slug}/actuals.csv").content.decode("utf-8-sig")
    assert "co2,2024,2430," in text and "co2,2025-03,200.5," in text


def test_endorse_and_comment(client, city, citizen):
    ThemeFactory(city=city, code="green")
    assert (
        client.post(
            f"{BASE}/{city.slug}/endorsements", {}, content_type="application/json"
        ).status_code
        == 401
    )
    client.force_login(citizen)
    r = client.post(
        f"{BASE}/{city.slug}/endorsements", {"theme": "green"}, content_type="application/json"
    )
    assert r.json() == {"theme": "green", "endorsed": True, "count": 1}
    assert client.delete(f"{BASE}/{city.slug}/endorsements?theme=green").json()["count"] == 0
    assert not Endorsement.objects.exists()
    r = client.post(
        f"{BASE}/{city.slug}/comments",
        {"body": "賛成", "stance": "support"},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = client.post(
        f"{BASE}/{city.slug}/comments",
        {"body": "x", "measure": 999999},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "measure"


def test_nul_characters_are_refused_not_stored(client, city, staff):
    client.force_login(staff)
    r = client.post(
        f"{BASE}/{city.slug}/themes",
        {"code": "a", "name_ja": "x\x00y"},
        content_type="application/json",
    )
    assert r.status_code in (400, 422)
    upload = SimpleUploadedFile("a.csv", b"kpi_code,year,value\nco2,2024,1\x00\n")
    r = client.post(f"{BASE}/{city.slug}/actuals/import", {"file": upload})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "file"
    assert client.get(f"{BASE}/{city.slug}/kpis/a%00b").status_code in (400, 404)
