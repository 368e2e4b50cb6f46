"""Japanese (and English) text analysis: tokens, TF-IDF, topics, similar texts, summaries.

Pure Python with SudachiPy and scikit-learn; no Django. Japanese is tokenized with Sudachi
(split mode C, normalized forms of nouns, verbs and adjectives); text without Japanese falls
back to lower-cased English words. The Sudachi dictionary is loaded once per process.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

KEEP_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
SKIP_SUBPOS = frozenset({"数詞", "非自立可能", "代名詞"})
STOP_JA = frozenset(
    [
        "する",
        "いる",
        "ある",
        "なる",
        "れる",
        "られる",
        "こと",
        "もの",
        "よう",
        "ため",
        "ところ",
        "とき",
        "思う",
        "方",
        "人",
        "さん",
        "今",
        "ほしい",
        "欲しい",
        "ない",
        "良い",
        "いい",
        "多い",
        "少し",
        "行う",
        "できる",
        "出来る",
        "考える",
        "感じる",
        "後",
        "前",
        "中",
        "時",
    ]
)
STOP_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "this",
        "that",
        "these",
        "those",
        "i",
        "we",
        "you",
        "he",
        "she",
        "they",
        "them",
        "our",
        "your",
        "my",
        "me",
        "us",
        "not",
        "no",
        "so",
        "as",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "would",
        "should",
        "will",
        "just",
        "very",
        "more",
        "most",
        "some",
        "any",
        "there",
        "here",
        "about",
        "into",
        "than",
        "then",
        "also",
        "please",
        "want",
        "need",
        "like",
    ]
)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_WORD = re.compile(r"[a-z][a-z0-9'-]+")
_SENTENCE = re.compile(r"(?<=[。．！？!?\.])\s*|\n+")


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def tokens(text: str) -> list[str]:
    """Return the content words of ``text`` (normalized; stop words removed)."""
    if not text:
        return []
    out: list[str] = []
    if _JAPANESE.search(text):
        for m in _tokenizer().tokenize(text[:5000]):
            if not _JAPANESE.search(m.surface()):
                continue  # Latin words are taken by the English pass below
            pos = m.part_of_speech()
            if pos[0] not in KEEP_POS or pos[1] in SKIP_SUBPOS:
                continue
            word = m.normalized_form()
            if word in STOP_JA or (len(word) < 2 and not _JAPANESE.search(word)):
                continue
            out.append(word.lower())
    words = _WORD.findall(text.lower())
    out.extend(w for w in words if w not in STOP_EN)
    return out


def _vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=1)


@dataclass(frozen=True)
class Topic:
    """A group of texts with its top keywords and the indices of its most central texts."""

    keywords: list[str]
    members: list[int]
    representative: list[int]


def topics(
    texts: Sequence[str], *, n_topics: int | None = None, n_keywords: int = 5
) -> list[Topic]:
    """Return topics of ``texts`` (NMF on TF-IDF), largest first; each text is in one topic."""
    texts = list(texts)
    if not texts:
        return []
    vec = _vectorizer()
    try:
        x = vec.fit_transform(texts)
    except ValueError:  # no words at all
        return [Topic([], list(range(len(texts))), list(range(min(3, len(texts)))))]
    vocab = np.asarray(vec.get_feature_names_out())
    k = n_topics or max(1, min(8, round(len(texts) ** 0.5)))
    k = max(1, min(k, x.shape[0], x.shape[1]))
    if k == 1:
        weights = np.asarray(x.sum(axis=0)).ravel()
        assign = np.zeros(len(texts), dtype=int)
        comps = weights[None, :]
        doc_w = np.ones((len(texts), 1))
    else:
        from sklearn.decomposition import NMF

        model = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=400)
        doc_w = model.fit_transform(x)
        comps = model.components_
        assign = doc_w.argmax(axis=1)
    result = []
    for t in range(comps.shape[0]):
        members = [int(i) for i in np.flatnonzero(assign == t)]
        if not members:
            continue
        top = np.argsort(-comps[t])[:n_keywords]
        keywords = [str(vocab[i]) for i in top if comps[t, i] > 0]
        order = sorted(members, key=lambda i: -doc_w[i, t])
        result.append(Topic(keywords, members, order[:3]))
    result.sort(key=lambda tp: -len(tp.members))
    return result


def similar(
    query: str, texts: Sequence[str], *, limit: int = 5, min_score: float = 0.15
) -> list[tuple[int, float]]:
    """Return (index, cosine similarity) of the texts most like ``query``, best first."""
    if not query.strip() or not texts:
        return []
    vec = _vectorizer()
    try:
        x = vec.fit_transform([*texts, query])
    except ValueError:
        return []
    scores = (x[:-1] @ x[-1].T).toarray().ravel()
    order = np.argsort(-scores, kind="stable")[:limit]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= min_score]


def suggest_label(text: str, labels: dict[str, str]) -> str | None:
    """Return the key of ``labels`` (key → descriptive words) closest to ``text``, or None."""
    keys = list(labels)
    hits = similar(text, [labels[k] for k in keys], limit=1, min_score=0.01)
    return keys[hits[0][0]] if hits else None


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (Japanese or English punctuation)."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def extractive_summary(texts: Sequence[str], *, n_sentences: int = 3) -> list[str]:
    """Return the sentences most central to ``texts`` (closest to the TF-IDF centroid)."""
    sents = [s for t in texts for s in sentences(t)]
    if len(sents) <= n_sentences:
        return sents
    vec = _vectorizer()
    try:
        x = vec.fit_transform(sents)
    except ValueError:
        return sents[:n_sentences]
    centroid = np.asarray(x.mean(axis=0)).ravel()
    scores: NDArray[np.float64] = np.asarray(x @ centroid).ravel()
    best = sorted(np.argsort(-scores, kind="stable")[:n_sentences].tolist())
    return [sents[i] for i in best]


def rising_terms(
    recent: Sequence[str], earlier: Sequence[str], *, limit: int = 8
) -> list[tuple[str, int, int]]:
    """Return (word, recent count, earlier count) of words used more often lately."""
    from collections import Counter

    now = Counter(w for t in recent for w in set(tokens(t)))
    before = Counter(w for t in earlier for w in set(tokens(t)))
    scale = max(1, len(earlier)) / max(1, len(recent))

    def lift(word: str) -> float:
        return (now[word] * scale + 1) / (before[word] + 1)

    ranked = sorted((w for w in now if now[w] >= 2), key=lambda w: (-lift(w), w))
    return [(w, now[w], before[w]) for w in ranked[:limit] if lift(w) > 1.2]


def llm_summary(
    texts: Sequence[str], *, base_url: str, api_key: str, model: str, timeout: float = 20.0
) -> str:
    """Return a summary from an OpenAI-compatible chat endpoint (raises on any failure)."""
    import httpx

    prompt = "次の市民の意見を、やさしい日本語で3文以内に要約してください。\n\n" + "\n".join(
        f"- {t}" for t in texts[:200]
    )
    response = httpx.post(
        base_url.rstrip("/") + "/chat/completions",
        headers={"Authorization": f"Bearer {api_key}"},
        json={"model": model, "messages": [{"role": "user", "content": prompt}]},
        timeout=timeout,
    )
    response.raise_for_status()
    return str(response.json()["choices"][0]["message"]["content"]).strip()
