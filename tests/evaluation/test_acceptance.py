from __future__ import annotations

import pytest

from kyoso.core.services.themes import theme_resolve
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


# --- voice and commons reach the portfolio review through the registry -------------------


def _transport_measure(city, staff):  # type: ignore[no-untyped-def]
    theme = vision_services.theme_create(city=city, actor=staff, code="transit", name_ja="交通")
    return MeasureFactory(city=city, theme=theme)


def test_supports_of_proposals_that_led_to_the_measure_count(city, staff):
    from kyoso.voice import services as voice_services
    from tests.core.factories import MembershipFactory
    from tests.voice.factories import ProposalFactory

    m = _transport_measure(city, staff)
    proposal = ProposalFactory(city=city)
    voice_services.proposal_link_measure(
        city=city, proposal=proposal, actor=staff, measure_ref=str(m.pk), title=m.title_ja
    )
    for _ in range(3):
        voice_services.proposal_support(
            city=city, proposal=proposal, user=MembershipFactory(city=city).user
        )
    result = acceptance_of(city, [m])[m.pk]
    assert result.signals["voice"].score == pytest.approx(4 / 5)  # (3 + 1) / (3 + 2)
    assert result.signals["voice"].weight == 3
    assert result.score == pytest.approx(0.8)


def test_opinion_group_consensus_on_the_theme_counts(city, staff):
    from django.utils import timezone

    from kyoso.voice.models import ConversationMap
    from tests.voice.factories import ConversationFactory

    m = _transport_measure(city, staff)
    conversation = ConversationFactory(city=city, theme=theme_resolve(city=city, code="transport"))
    ConversationMap.objects.create(
        city=city,
        conversation=conversation,
        data={},
        axes={},
        summary={
            "consensus": [
                {"statement_id": 1, "direction": "agree", "score": 0.9},
                {"statement_id": 2, "direction": "agree", "score": 0.8},
                {"statement_id": 3, "direction": "disagree", "score": 0.7},
            ]
        },
        computed_at=timezone.now(),
        n_participants=40,
    )
    signal = acceptance_of(city, [m])[m.pk].signals["voice"]
    assert signal.score == pytest.approx(3 / 5)  # (2 + 1) / (3 + 2)
    assert signal.weight == pytest.approx(4.0)


def test_participatory_budget_ballots_for_the_theme_count(city, staff):
    from kyoso.commons.models import PbBallot
    from tests.commons.factories import PbProjectFactory, PbRoundFactory

    m = _transport_measure(city, staff)
    pb = PbRoundFactory(city=city)
    PbProjectFactory(city=city, round=pb, code="bus", theme="transport")
    PbProjectFactory(city=city, round=pb, code="park", theme="community")
    for i, choices in enumerate([{"bus": 1}, {"bus": 1, "park": 1}, {"park": 1}, {"park": 1}]):
        PbBallot.objects.create(city=city, round=pb, voter_label=f"v{i}", choices=choices)
    signal = acceptance_of(city, [m])[m.pk].signals["commons"]
    assert signal.score == pytest.approx(0.5)
    assert signal.weight == pytest.approx(1.0)


def test_measures_of_other_themes_hear_nothing_from_voice_or_commons(city, staff):
    from kyoso.commons.models import PbBallot
    from tests.commons.factories import PbProjectFactory, PbRoundFactory

    green = vision_services.theme_create(city=city, actor=staff, code="green", name_ja="緑")
    m = MeasureFactory(city=city, theme=green)
    pb = PbRoundFactory(city=city)
    PbProjectFactory(city=city, round=pb, code="bus", theme="transport")
    PbBallot.objects.create(city=city, round=pb, voter_label="v", choices={"bus": 1})
    assert acceptance_of(city, [m])[m.pk].score is None
