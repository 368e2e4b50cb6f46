from __future__ import annotations

import random

import pytest

from kyoso.voice import demo
from kyoso.voice.models import Conversation, Proposal, Report, Workshop
from tests.core.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_content_loads_twice_with_clear_groups(city, monkeypatch):
    monkeypatch.setattr(demo, "N_PARTICIPANTS", 400)
    monkeypatch.setattr(demo, "N_SIM_CITIZENS", 80)
    for email, role in (("staff@hitachi.example", "staff"), ("citizen@hitachi.example", "citizen")):
        MembershipFactory(city=city, role=role, user=UserFactory(email=email))
    demo.load(city, random.Random(1))
    conversation = Conversation.objects.get(city=city)
    groups = conversation.opinion_map.summary["groups"]
    assert len(groups) >= 2 and min(g["size"] for g in groups) > 40
    assert Proposal.objects.filter(city=city, responses__isnull=False).exists()
    assert Report.objects.filter(city=city, status="closed").exists()
    past = Workshop.objects.filter(city=city, summary_computed_at__isnull=False).get()
    assert past.summary["groups"]
    # A second load (as after a reset of the demo city's content) reuses the simulated accounts.
    for model in (Conversation, Proposal, Report, Workshop):
        model.objects.filter(city=city).delete()
    demo.load(city, random.Random(1))
    assert Conversation.objects.filter(city=city).count() == 1
