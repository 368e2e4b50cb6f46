"""Match what a rider types to places: stops, facilities and districts (no Django).

Riders type where they want to go, not a stop's exact name: 「市役所」 for 日立市役所,
「日立総合病院前」 for the stop 日立総合病院, a district's name, or a near miss. ``match``
returns the places that fit best; when they lead to more than one stop the page asks
"did you mean" instead of silently taking one of them.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

# Words riders add to a place's name that stop and facility names often leave out.
_SUFFIXES = ("バス停", "停留所", "駅前", "前", "駅", "のりば")
# A generic word matches facilities of that kind even when their names do not contain it.
_KIND_WORDS = {"病院": "hospital", "医院": "clinic", "クリニック": "clinic", "役所": "office"}


@dataclass(frozen=True, slots=True)
class Place:
    """A named place and the stop pk a journey starts or ends at for it."""

    name: str
    kind: str  # "stop", "facility" or "district"
    stop_pk: int
    name_en: str = ""
    facility_kind: str = ""


def normalise(text: str) -> str:
    """Return ``text`` in NFKC without spaces and in lower case (全角/半角 and case alike)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _bare(text: str) -> str:
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True, slots=True)
class Match:
    """The places that fit a query: ``exact`` ones, or else ``partial`` and ``close`` ones."""

    exact: tuple[Place, ...]
    partial: tuple[Place, ...]
    close: tuple[Place, ...]

    def stop_pks(self) -> set[int]:
        return {p.stop_pk for p in (self.exact or self.partial)}

    @property
    def resolved(self) -> Place | None:
        """The place meant, when every fitting place leads to one stop; else None."""
        found = self.exact or self.partial
        if found and len({p.stop_pk for p in found}) == 1:
            return found[0]
        # Two operators' stops of one name (JR's 日立駅 and the bus's) are one place to a rider;
        # the planner joins them by footpaths.
        if self.exact and len({normalise(p.name) for p in self.exact}) == 1:
            return self.exact[0]
        return None

    @property
    def suggestions(self) -> tuple[Place, ...]:
        """One place per stop for "did you mean", best first."""
        seen: set[int] = set()
        out = []
        for p in (self.exact or self.partial) or self.close:
            if p.stop_pk not in seen:
                seen.add(p.stop_pk)
                out.append(p)
        return tuple(out)


def match(query: str, places: list[Place], *, limit: int = 6) -> Match:
    """Return the places that fit ``query`` (see ``Match``); names compared normalised."""
    q = normalise(query)
    if not q:
        return Match((), (), ())
    q_bare = _bare(q)
    keyed = [(p, normalise(p.name), normalise(p.name_en)) for p in places]
    exact = tuple(p for p, n, e in keyed if q in (n, e))  # the very name first
    exact = exact or tuple(p for p, n, _e in keyed if q_bare in (n, _bare(n)))
    if exact:
        return Match(exact, (), ())
    kind = _KIND_WORDS.get(q_bare, "")  # 「病院」 alone means any hospital
    partial = [
        p
        for p, n, e in keyed
        if q_bare in n or (len(q) >= 3 and q in e) or (kind and p.facility_kind == kind)
    ]
    if not partial:  # a name inside a longer query: 「日立総合病院の外来」; the longest wins
        inside = [
            (len(n), p)
            for p, n, _e in keyed
            if (len(n) >= 2 and n in q) or (len(_bare(n)) >= 3 and _bare(n) in q)
        ]
        longest = max((k for k, _p in inside), default=0)
        partial = [p for k, p in inside if k == longest]
    partial.sort(key=lambda p: (p.kind != "facility", len(p.name)))
    if partial:
        return Match((), tuple(partial[: limit * 2]), ())
    names = {n: p for p, n, _e in keyed}
    close = difflib.get_close_matches(q_bare, list(names), n=limit, cutoff=0.5)
    return Match((), (), tuple(names[n] for n in close))
