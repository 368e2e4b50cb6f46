from __future__ import annotations

import pytest

from kyoso.evaluation.acceptance import (
    AcceptanceSignal,
    acceptance_of,
    register_acceptance_source,
    unregister_acceptance_source,
)
from kyoso.vision import services as vision_services
from tests.vision.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def test_no_voice_means_no_score(city):
    m = MeasureFactory(city=city)
    assert acceptance_of(city, [m])[m.pk].score is None


def test_comments_and_ratings_make_the_score(city, citizen, staff):
    m = MeasureFactory(city=city)
    vision_services.comment_post(city=city, user=citizen, body="反対", stance="concern", measure=m)
    vision_services.comment_post(city=city, user=staff, body="反対", stance="concern", measure=m)
    low = acceptance_of(city, [m])[m.pk]
    assert low.score == pytest.approx(0.25)  # (0 + 1) / (2 + 2)
    vision_services.perspective_rate(
        city=city, user=citizen, measure=m, axis="convenience", score=5
    )
    higher = acceptance_of(city, [m])[m.pk]
    assert higher.score > low.score and "vision" in higher.signals


def test_other_modules_can_add_a_source(city):
    m = MeasureFactory(city=city)
    register_acceptance_source(
        "test.survey", "survey", lambda c, ms: {x.pk: AcceptanceSignal(0.9, 10) for x in ms}
    )
    try:
        result = acceptance_of(city, [m])[m.pk]
        assert result.score == pytest.approx(0.9) and result.weight == 10
    finally:
        unregister_acceptance_source("test.survey")


def test_endorsements_of_the_theme_count(city, citizen):
    m = MeasureFactory(city=city)
    vision_services.endorsement_add(city=city, user=citizen)
    vision_services.endorsement_add(city=city, user=citizen, theme=m.theme)
    assert acceptance_of(city, [m])[m.pk].score == pytest.approx(1.0)
