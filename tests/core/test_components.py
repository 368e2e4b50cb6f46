from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from kyoso.core import services
from kyoso.core.errors import DomainError
from kyoso.core.models import City
from tests.errors import raises

pytestmark = pytest.mark.django_db


def test_chart_renders_its_numbers_as_a_table_too():
    html = Template('{% load kyoso_ui %}{% chart "co2" "CO2 排出量" option header rows %}').render(
        Context(
            {
                "option": {"xAxis": {"data": [2013, 2024]}, "series": [{"data": [1000, 800]}]},
                "header": ["年度", "千トン"],
                "rows": [[2013, 1000], [2024, 800]],
            }
        )
    )
    assert 'id="co2-option"' in html and '"series"' in html
    assert "<caption>CO2 排出量</caption>" in html and '<th scope="row">2024</th>' in html


def test_uploads_check_size_and_real_type(city, citizen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with raises(DomainError, field="file") as excinfo:
        services.upload_store(
            city=city, owner=citizen, kind="photo", name="a.jpg", data=b"not a photo"
        )
    assert excinfo.value.field == "file"
    with raises(DomainError, field="file"):
        services.upload_store(
            city=city, owner=citizen, kind="csv", name="a.csv", data=b"a,b\n" * 10, max_bytes=8
        )
    upload = services.upload_store(
        city=city, owner=citizen, kind="csv", name="kpi.csv", data="年,値\n2024,5\n".encode()
    )
    assert upload.size > 0 and (tmp_path / upload.file.name).read_text(encoding="utf-8").startswith(
        "年"
    )
    assert upload.file.name.startswith("hitachi/csv/")


def test_a_city_cannot_take_a_reserved_url_name():
    city = City(
        slug="api",
        name_ja="x",
        name_en="x",
        municipality_code="999999",
        population=1,
        center_lat=0,
        center_lon=0,
    )
    with pytest.raises(ValidationError):
        city.full_clean()
