"""Matching typed text to places: exact names, riders' extra words, generic words, near misses."""

from __future__ import annotations

from kyoso.mobility.algorithms.place_names import Place, match, normalise

HOSPITAL_STOP, TAGA, CHUO, KAWARAGO = 1, 2, 3, 4
PLACES = [
    Place("日立総合病院", "stop", HOSPITAL_STOP, "Hitachi General Hospital"),
    Place("日立総合病院", "facility", HOSPITAL_STOP, "Hitachi General Hospital", "hospital"),
    Place("ひたち医療センター", "facility", TAGA, "Hitachi Medical Center", "hospital"),
    Place("多賀駅前", "stop", TAGA),
    Place("日立市役所", "facility", CHUO, "Hitachi City Hall", "office"),
    Place("日立駅中央口", "stop", CHUO),
    Place("日立駅", "stop", 5),
    Place("河原子", "district", KAWARAGO, "Kawarago"),
]


def _resolved(query: str) -> Place | None:
    return match(query, PLACES).resolved


def test_facilities_and_suffixes_lead_to_their_stop():
    assert _resolved("ひたち医療センター").stop_pk == TAGA  # type: ignore[union-attr]
    assert _resolved("市役所").name == "日立市役所"  # type: ignore[union-attr]
    assert _resolved("日立総合病院前").stop_pk == HOSPITAL_STOP  # type: ignore[union-attr]
    assert _resolved("ｈｉｔａｃｈｉ medical center").stop_pk == TAGA  # type: ignore[union-attr]
    assert _resolved("河原子").kind == "district"  # type: ignore[union-attr]
    assert _resolved("日立総合病院の外来").stop_pk == HOSPITAL_STOP  # type: ignore[union-attr]


def test_a_generic_word_asks_rather_than_taking_one_hospital():
    found = match("病院", PLACES)
    assert found.resolved is None
    assert {p.name for p in found.suggestions} == {"日立総合病院", "ひたち医療センター"}


def test_a_near_miss_is_offered_not_taken():
    found = match("日立総合病完", PLACES)
    assert found.resolved is None
    assert [p.name for p in found.suggestions] == ["日立総合病院"]
    assert match("どこにもない場所", PLACES).suggestions == ()


def test_a_short_name_inside_a_longer_query_does_not_win():
    # 「日立」 (日立駅 without 駅) is inside 「日立総合病完」 but is not what the rider meant.
    assert _resolved("日立総合病完") is None


def test_normalise_folds_width_case_and_spaces():
    assert normalise("ＢＲＴ 河原子") == normalise("brt河原子") == "brt河原子"


def test_one_name_at_two_operators_is_one_place():
    places = [*PLACES, Place("日立駅", "stop", 6)]  # the bus operator's 日立駅 beside JR's
    assert match("日立駅", places).resolved.name == "日立駅"  # type: ignore[union-attr]
