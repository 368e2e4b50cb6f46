from __future__ import annotations

import pytest
from django.urls import reverse

from kyoso.vision.models import Endorsement, KpiActual, Measure, VisionComment
from tests.vision.factories import (
    KpiFactory,
    MeasureFactory,
    ThemeFactory,
    VisionFactory,
    add_actuals,
    link,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vision_data(city):
    VisionFactory(city=city)
    themes = [ThemeFactory(city=city) for _ in range(3)]
    for t in themes:
        ThemeFactory(city=city, parent=t)
        for _ in range(3):
            kpi = KpiFactory(city=city, theme=t)
            add_actuals(kpi, {y: 100 + 10 * (y - 2015) for y in range(2015, 2025)})
            link(MeasureFactory(city=city, theme=t), kpi, 20)
    return themes


def test_vision_page_shows_everything_in_few_queries(
    client, city, vision_data, django_assert_max_num_queries
):
    url = reverse("vision:index", args=[city.slug])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "海と山のまち" in html
    assert vision_data[0].name_ja in html
    assert "tag status-" in html


def test_theme_page_shows_roadmap_and_gaps(client, city, vision_data):
    theme = vision_data[0]
    KpiFactory(city=city, theme=theme, code="lonely")
    response = client.get(reverse("vision:theme", args=[city.slug, theme.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "roadmap-bar" in html
    assert "lonely" in html or "指標" in html
    assert 'class="chart"' in html


def test_measure_and_print_pages(client, city, vision_data):
    m = Measure.objects.filter(city=city).first()
    assert client.get(reverse("vision:measure", args=[city.slug, m.pk])).status_code == 200
    response = client.get(reverse("vision:print", args=[city.slug]))
    assert response.status_code == 200 and b"print.css" in response.content


def test_pages_of_another_city_are_not_found(client, city, other_city, vision_data):
    m = Measure.objects.filter(city=city).first()
    assert client.get(reverse("vision:measure", args=[other_city.slug, m.pk])).status_code == 404
    assert (
        client.get(reverse("vision:theme", args=[other_city.slug, vision_data[0].code])).status_code
        == 404
    )


def test_citizen_endorses_comments_and_rates(client, city, citizen, vision_data):
    client.force_login(citizen)
    theme = vision_data[0]
    client.post(reverse("vision:endorse", args=[city.slug]), {"theme": theme.code})
    client.post(reverse("vision:endorse", args=[city.slug]), {})
    assert Endorsement.objects.filter(user=citizen).count() == 2
    client.post(
        reverse("vision:comment", args=[city.slug]), {"body": "賛成です", "stance": "support"}
    )
    assert VisionComment.objects.filter(user=citizen).exists()
    m = Measure.objects.filter(city=city).first()
    r = client.post(
        reverse("vision:rate", args=[city.slug, m.pk]), {"axis": "convenience", "score": "5"}
    )
    assert r.status_code == 302
    page = client.get(reverse("vision:index", args=[city.slug])).content.decode()
    assert "賛成です" in page


def test_anonymous_cannot_endorse(client, city, vision_data):
    r = client.post(reverse("vision:endorse", args=[city.slug]), {})
    assert r.status_code == 302 and "login" in r["Location"]
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "vision:staff",
        "vision:vision_edit",
        "vision:theme_new",
        "vision:kpi_new",
        "vision:measure_new",
        "vision:actuals_import",
        "vision:endorsements",
    ],
)
def test_staff_pages_are_closed_to_citizens(client, city, citizen, staff, name):
    url = reverse(name, args=[city.slug])
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_staff_creates_kpi_and_measure_through_forms(client, city, staff):
    theme = ThemeFactory(city=city)
    client.force_login(staff)
    r = client.post(
        reverse("vision:kpi_new", args=[city.slug]),
        {
            "theme": theme.pk,
            "code": "riders",
            "name_ja": "利用者数",
            "unit": "人",
            "direction": "up",
            "baseline_year": 2015,
            "baseline_value": "100",
            "target_year": 2030,
            "target_value": "200",
            "source": "manual",
            "milestones_text": "2020: 130",
            "sort_order": 0,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post(
        reverse("vision:kpi_new", args=[city.slug]),
        {
            "theme": theme.pk,
            "code": "bad",
            "name_ja": "x",
            "unit": "人",
            "direction": "up",
            "baseline_year": 2015,
            "baseline_value": "100",
            "target_year": 2010,
            "target_value": "200",
            "source": "manual",
            "sort_order": 0,
        },
    )
    assert r.status_code == 200
    assert 'name="target_year"' in r.content.decode()
    assert "error" in r.content.decode()
    r = client.post(
        reverse("vision:measure_new", args=[city.slug]),
        {"theme": theme.pk, "title_ja": "新しい施策", "status": "planned"},
    )
    assert r.status_code == 302
    m = Measure.objects.get(title_ja="新しい施策")
    kpi = theme.kpis.get(code="riders")
    client.post(
        reverse("vision:measure_part", args=[city.slug, m.pk, "link"]),
        {"kpi": kpi.pk, "expected_change": "50"},
    )
    client.post(
        reverse("vision:measure_part", args=[city.slug, m.pk, "cost"]),
        {"year": 2025, "budget_yen": "5000000"},
    )
    assert m.kpi_links.count() == 1 and m.costs.count() == 1


def test_csv_upload_and_export_pages(client, city, staff):
    KpiFactory(city=city, code="co2")
    client.force_login(staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("v.csv", "kpi_code,year,value,note\nco2,2024,1690,速報\n".encode())
    r = client.post(reverse("vision:actuals_import", args=[city.slug]), {"file": upload})
    assert r.status_code == 302
    assert KpiActual.objects.get().value == 1690
    bad = SimpleUploadedFile("v.csv", b"kpi_code,year,value\nzzz,2024,1\n")
    r = client.post(reverse("vision:actuals_import", args=[city.slug]), {"file": bad})
    assert r.status_code == 200 and "zzz" in r.content.decode()
    export = client.get(reverse("vision:actuals_export", args=[city.slug]))
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("kpi_code,year,value,note")
    assert "co2,2024,1690,速報" in body


def test_staff_list_page_query_count(
    client, city, staff, vision_data, django_assert_max_num_queries
):
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("vision:staff", args=[city.slug])).status_code == 200


def test_home_section_mentions_the_vision(client, city, vision_data):
    response = client.get(reverse("core:city_home", args=[city.slug]))
    assert "海と山のまち" in response.content.decode()
