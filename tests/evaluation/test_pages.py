from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kyoso.evaluation import services
from kyoso.evaluation.models import PortfolioDecision, Verification
from tests.evaluation.factories import did_rows, its_rows
from tests.vision.factories import KpiFactory, MeasureFactory, ThemeFactory, add_actuals, link

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio_data(city, staff):
    theme = ThemeFactory(city=city)
    for i in range(6):
        kpi = KpiFactory(
            city=city, theme=theme, direction="down", baseline_value=1000, target_value=500
        )
        add_actuals(kpi, {r["time"]: r["outcome"] for r in its_rows()})
        m = MeasureFactory(city=city, theme=theme)
        link(m, kpi, -100)
        if i < 3:
            v = services.verification_create(
                city=city,
                actor=staff,
                measure=m,
                kpi=kpi,
                method="its",
                title=f"v{i}",
                parameters={"treatment_time": 2019},
            )
            services.verification_run(city=city, verification=v, actor=staff)
    return theme


def test_public_results_page_and_kpi_pages(
    client, city, staff, portfolio_data, django_assert_max_num_queries
):
    m = MeasureFactory(city=city, theme=portfolio_data)
    services.decision_record(
        city=city,
        actor=staff,
        measure=m,
        fiscal_year=2025,
        decision="stop",
        reasons="効果が見えない",
    )
    with django_assert_max_num_queries(15):
        r = client.get(reverse("evaluation:index", args=[city.slug]))
    assert "効果が見えない" in r.content.decode()
    with django_assert_max_num_queries(15):
        assert client.get(reverse("evaluation:kpis", args=[city.slug])).status_code == 200
    kpi = portfolio_data.kpis.first()
    assert client.get(reverse("evaluation:kpi", args=[city.slug, kpi.code])).status_code == 200


def test_verification_result_page(client, city, portfolio_data):
    v = Verification.objects.filter(status="done").first()
    html = client.get(reverse("evaluation:verification", args=[city.slug, v.pk])).content.decode()
    assert 'id="verification-chart"' in html and v.explanation_ja[:20] in html


def test_draft_verification_is_hidden_from_the_public(client, city, staff):
    v = services.verification_create(
        city=city,
        actor=staff,
        measure=MeasureFactory(city=city),
        method="did",
        title="draft",
        panel_rows=did_rows(),
        parameters={"treatment_time": 2020, "treated": ["u0"]},
    )
    assert client.get(reverse("evaluation:verification", args=[city.slug, v.pk])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("evaluation:verification", args=[city.slug, v.pk])).status_code == 200


def test_portfolio_page_query_count_and_permissions(
    client, city, staff, citizen, portfolio_data, django_assert_max_num_queries
):
    url = reverse("evaluation:portfolio", args=[city.slug])
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    with django_assert_max_num_queries(25):
        r = client.get(url)
    assert r.status_code == 200 and 'id="portfolio-chart"' in r.content.decode()


def test_staff_creates_runs_and_decides_through_pages(client, city, staff):
    m = MeasureFactory(city=city)
    client.force_login(staff)
    body = "unit,time,outcome\n" + "".join(
        f"{r['unit']},{r['time']},{r['outcome']}\n" for r in did_rows()
    )
    r = client.post(
        reverse("evaluation:verification_new", args=[city.slug]),
        {
            "measure": m.pk,
            "title": "比較",
            "method": "did",
            "treatment_time": "2020",
            "treated": "u0, u1",
            "panel_file": SimpleUploadedFile("p.csv", body.encode()),
        },
    )
    assert r.status_code == 302
    v = Verification.objects.get()
    r = client.post(reverse("evaluation:verification_run", args=[city.slug, v.pk]))
    v.refresh_from_db()
    assert v.status == "done"
    r = client.post(
        reverse("evaluation:decide", args=[city.slug, m.pk]),
        {
            "fiscal_year": 2025,
            "decision": "continue",
            "reasons": "効果あり",
            "freed_budget_yen": "0",
        },
    )
    assert PortfolioDecision.objects.get().reasons == "効果あり"


def test_failed_run_shows_the_reason_not_a_500(client, city, staff):
    m = MeasureFactory(city=city)
    client.force_login(staff)
    body = "unit,time,outcome\nT,2018,1\nT,2019,2\nT,2020,3\nd0,2018,1\nd0,2019,2\nd0,2020,3\n"
    client.post(
        reverse("evaluation:verification_new", args=[city.slug]),
        {
            "measure": m.pk,
            "title": "SC",
            "method": "synthetic_control",
            "treatment_time": "2020",
            "treated": "T",
            "panel_file": SimpleUploadedFile("p.csv", body.encode()),
        },
    )
    v = Verification.objects.get()
    r = client.post(reverse("evaluation:verification_run", args=[city.slug, v.pk]), follow=True)
    assert r.status_code == 200
    v.refresh_from_db()
    assert v.status == "failed" and v.error_message in r.content.decode()


def test_bad_csv_upload_is_shown_on_the_form(client, city, staff):
    m = MeasureFactory(city=city)
    client.force_login(staff)
    r = client.post(
        reverse("evaluation:verification_new", args=[city.slug]),
        {
            "measure": m.pk,
            "title": "x",
            "method": "did",
            "treatment_time": "2020",
            "treated": "a",
            "panel_file": SimpleUploadedFile("p.csv", b"foo,bar\n1,2\n"),
        },
    )
    assert r.status_code == 200 and "unit" in r.content.decode()
    assert not Verification.objects.exists()


def test_reinvestment_page(client, city, staff):
    theme = ThemeFactory(city=city)
    d = services.decision_record(
        city=city,
        actor=staff,
        measure=MeasureFactory(city=city, theme=theme),
        fiscal_year=2025,
        decision="stop",
        reasons="x",
        freed_budget_yen=3_000_000,
    )
    client.force_login(staff)
    r = client.post(
        reverse("evaluation:reinvestment_new", args=[city.slug]),
        {
            "theme": theme.pk,
            "title_ja": "デジタル支援",
            "amount_yen": "3000000",
            "decisions": [d.pk],
        },
    )
    assert r.status_code == 302
    r = client.get(reverse("evaluation:index", args=[city.slug]))
    assert "デジタル支援" in r.content.decode()
