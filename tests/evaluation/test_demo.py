from __future__ import annotations

import random

import pytest

from kyoso.core.models import Role
from kyoso.evaluation import demo as evaluation_demo
from kyoso.evaluation.models import PortfolioDecision, ReinvestmentPlan, Verification
from kyoso.evaluation.selectors import effect_kind
from kyoso.vision import demo as vision_demo
from kyoso.vision.models import Kpi, KpiActual, Measure, Theme
from tests.core.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_gives_clear_results(city, other_city):
    staff = UserFactory(email="staff@hitachi.example")
    MembershipFactory(city=city, user=staff, role=Role.STAFF)
    for c in (city, other_city):
        vision_demo.load(c, random.Random(f"{c.pk}-vision"))
        evaluation_demo.load(c, random.Random(f"{c.pk}-evaluation"))
    assert Theme.objects.filter(city=city, parent__isnull=True).count() == 3
    assert Kpi.objects.filter(city=city).count() == 12
    assert KpiActual.objects.filter(city=city, kpi__code="co2-emissions").count() == 10
    assert Measure.objects.filter(city=city).count() == 15  # 14 + the reinvestment plan
    kinds = {
        v.method + ":" + v.measure.title_ja: effect_kind(v)
        for v in Verification.objects.filter(city=city)
    }
    assert all(v.status == "done" for v in Verification.objects.filter(city=city))
    assert kinds["its:子どもの夜間電話相談"] == "good"
    assert kinds["did:高齢者のスマホ教室"] == "good"
    assert kinds["synthetic_control:ひたちBRTの延伸と増便"] == "good"
    assert kinds["its:省エネ診断の無料派遣"] == "unclear"
    assert PortfolioDecision.objects.filter(city=city).count() == 4
    assert ReinvestmentPlan.objects.get(city=city).amount_yen == 20_000_000
    assert not Theme.objects.filter(city=other_city).exists()
