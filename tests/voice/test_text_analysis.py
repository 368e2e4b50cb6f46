from __future__ import annotations

from kyoso.voice.algorithms import text_analysis as ta

TEXTS = [
    "バスの本数を増やしてほしい",
    "駅前のバス停に屋根がほしい",
    "病院へ行くバスがない",
    "公園に遊具を増やしてほしい",
    "子どもが遊べる公園がない",
    "公園のトイレが古い",
]


def test_tokens_japanese_normalized_and_english_fallback():
    words = ta.tokens("バスの本数が少なくて困ります。More buses please")
    assert "バス" in words and "本数" in words and "少ない" in words
    assert "buses" in words and "please" not in words
    assert "の" not in words and "モア" not in words


def test_tokens_english_only():
    assert ta.tokens("The bus stop needs a roof") == ["bus", "stop", "needs", "roof"]


def test_topics_group_by_subject():
    topics = ta.topics(TEXTS, n_topics=2)
    groups = sorted(sorted(t.members) for t in topics)
    assert groups == [[0, 1, 2], [3, 4, 5]]
    keywords = {w for t in topics for w in t.keywords}
    assert {"バス", "公園"} <= keywords


def test_similar_finds_duplicate():
    hits = ta.similar("バスが少ないので増やして", TEXTS)
    assert hits and hits[0][0] == 0
    assert ta.similar("", TEXTS) == []


def test_suggest_label_picks_theme():
    labels = {"mobility": "バス 電車 駅 交通", "community": "公園 子ども 図書館"}
    assert ta.suggest_label("駅までのバスが欲しい", labels) == "mobility"
    assert ta.suggest_label("公園で子供が遊べない", labels) == "community"


def test_extractive_summary_keeps_central_sentences():
    summary = ta.extractive_summary(TEXTS, n_sentences=2)
    assert len(summary) == 2 and all(s in TEXTS for s in summary)
    assert ta.extractive_summary(["一文だけ。"]) == ["一文だけ。"]


def test_rising_terms():
    recent = ["バス停が壊れた", "バス停に屋根を", "バス停が暗い"]
    earlier = ["公園を増やして", "公園が古い", "図書館を夜も"]
    words = [w for w, _n, _b in ta.rising_terms(recent, earlier)]
    assert "バス停" in words and "公園" not in words
