from kyoso.evaluation.estimators.portfolio import MeasureFacts, Thresholds, recommend


def facts(**kw):
    base = {"alignment": 0.8, "effect": "good", "acceptance": 0.7, "cost_per_unit": 1.0}
    base["median_cost_per_unit"] = 2.0
    base.update(kw)
    return MeasureFacts(**base)


def codes(rec):
    return [r.code for r in rec.reasons]


def test_good_accepted_cheap_scales():
    rec = recommend(facts())
    assert rec.action == "scale"
    assert codes(rec) == ["aligned", "effect_good", "accepted", "cost_low"]


def test_good_but_expensive_continues():
    assert recommend(facts(cost_per_unit=3.0)).action == "continue"


def test_good_but_rejected_is_revised():
    assert recommend(facts(acceptance=0.2)).action == "revise"


def test_harmful_stops():
    assert recommend(facts(effect="bad", acceptance=0.9)).action == "stop"


def test_unclear_and_rejected_stops_unclear_and_accepted_is_revised():
    assert recommend(facts(effect="unclear", acceptance=0.3)).action == "stop"
    assert recommend(facts(effect="unclear", acceptance=0.7)).action == "revise"
    assert recommend(facts(effect="unclear", alignment=0.1, acceptance=None)).action == "stop"


def test_not_verified_asks_for_verification():
    rec = recommend(facts(effect="none", acceptance=None, cost_per_unit=None))
    assert (
        rec.action == "continue"
        and "verify_first" in codes(rec)
        and "acceptance_unknown" in codes(rec)
    )
    assert recommend(facts(effect="none", alignment=0.1, acceptance=0.1)).action == "stop"
    assert recommend(facts(effect="none", acceptance=0.1)).action == "revise"


def test_thresholds_can_be_changed():
    strict = Thresholds(accepted=0.95)
    assert recommend(facts(acceptance=0.9), strict).action == "continue"
