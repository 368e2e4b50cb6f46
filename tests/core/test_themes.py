"""One theme catalogue per city, referenced by vision and used by voice and commons."""

from __future__ import annotations

import pytest

from kyoso.commons.models import Theme as CommonsTheme
from kyoso.core.models import Theme
from kyoso.core.services import STANDARD_THEMES, theme_catalogue_ensure
from kyoso.core.services.themes import LEGACY_CODES
from kyoso.vision import services as vision_services
from kyoso.vision.models import Theme as VisionTheme
from kyoso.vision.services.themes import themes_link_catalogue
from kyoso.voice.themes import THEME_CODES, theme_by_code

pytestmark = pytest.mark.django_db


def test_ensure_gives_a_city_every_standard_theme_once(city, other_city):
    themes = theme_catalogue_ensure(city=city)
    codes = [t.code for t in themes]
    assert codes == [s.code for s in STANDARD_THEMES]
    assert {"green", "health", "transport"} <= set(codes)
    theme_catalogue_ensure(city=city)
    assert Theme.objects.filter(city=city).count() == len(STANDARD_THEMES)
    assert not Theme.objects.filter(city=other_city).exists()


def test_a_vision_theme_belongs_to_the_catalogue_theme_its_old_code_names(city, staff):
    transit = vision_services.theme_create(city=city, actor=staff, code="transit", name_ja="交通")
    brt = vision_services.theme_create(
        city=city, actor=staff, code="transit-brt", name_ja="BRT", parent=transit
    )
    assert transit.catalogue is not None and transit.catalogue.code == "transport"
    assert brt.catalogue == transit.catalogue
    assert transit.catalogue.city == city


def test_linking_reaches_themes_made_before_the_catalogue(city):
    root = VisionTheme.objects.create(city=city, code="green", name_ja="緑")
    sub = VisionTheme.objects.create(city=city, code="green-sme", name_ja="中小", parent=root)
    assert themes_link_catalogue(city=city) == 2
    sub.refresh_from_db()
    assert sub.catalogue is not None and sub.catalogue.code == "green"


def test_voice_and_commons_use_the_catalogue_codes():
    catalogue = {s.code for s in STANDARD_THEMES}
    assert set(THEME_CODES) <= catalogue
    assert set(CommonsTheme.values) == catalogue
    assert theme_by_code("mobility") == theme_by_code("transport")
    assert set(LEGACY_CODES.values()) <= catalogue
