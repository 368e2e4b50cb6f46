"""A public bulletin board of ballots: an append-only SHA-256 hash chain without voter identity.

Each entry holds its sequence number, the SHA-256 of the voter's receipt code (so only the
voter can find the entry), the ballot as canonical JSON and the previous entry's hash::

    hash = sha256(prev_hash || canonical_json({"seq", "receipt", "ballot"}))

The first entry's ``prev_hash`` is ``genesis_hash(board_id)``, which binds the chain to one vote.
Anyone holding the entries can check every link. A chain rebuilt from scratch after tampering is
internally consistent, so the head hash must also be published somewhere the board's operator
cannot rewrite (printed on receipts, in the audit log, announced at closing); ``verify_chain``
compares against it (and against any published checkpoints).

Receipt codes are 100 random bits from ``secrets`` written as five groups of four Crockford
base32 characters ("K7Q2-9XMD-…"); reading is forgiving: case, dashes, O/0 and I/L/1 are folded.

Ballot payloads per method: plurality ``{"choice": name | null}``, approval
``{"approve": [names]}``, score ``{"scores": {name: int}}``, quadratic ``{"votes": {name: int}}``,
instant runoff and Schulze ``{"ranking": [names]}``. An empty payload is an abstention.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kyoso.commons.algorithms import ranked_voting, voting
from kyoso.commons.algorithms.voting import BallotError, VoteResult

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
METHODS = ("plurality", "approval", "score", "quadratic", "instant_runoff", "schulze")
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


@dataclass(frozen=True)
class BoardEntry:
    """One entry of the board; ``receipt`` is the SHA-256 hex of the receipt code."""

    seq: int
    receipt: str
    ballot: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verification:
    """Outcome of checking a chain: ``ok`` and each problem found ("kind: where")."""

    ok: bool
    problems: tuple[str, ...]
    length: int
    head: str

    def kinds(self) -> set[str]:
        """Return the kinds of problem found (altered, broken_link, missing, ...)."""
        return {p.split(":", 1)[0] for p in self.problems}


def canonical_json(value: Any) -> str:
    """Return JSON with sorted keys, no spaces and raw UTF-8, so equal data hash equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def genesis_hash(board_id: str) -> str:
    """Return the prev_hash of a board's first entry."""
    return hashlib.sha256(f"kyoso-bulletin-board\x1f{board_id}".encode()).hexdigest()


def new_receipt_code() -> str:
    """Return a fresh random receipt code such as "K7Q2-9XMD-3FZA-PW8E-TB61"."""
    chars = "".join(secrets.choice(CROCKFORD) for _ in range(20))
    return "-".join(chars[i : i + 4] for i in range(0, 20, 4))


def receipt_hash(code: str) -> str:
    """Return the SHA-256 hex of a receipt code, after folding case, dashes and look-alikes."""
    folded = code.upper().translate(_FOLD)
    if len(folded) != 20 or any(c not in CROCKFORD for c in folded):
        raise ValueError("a receipt code has 20 characters from the Crockford base32 alphabet")
    return hashlib.sha256(folded.encode()).hexdigest()


def entry_hash(seq: int, receipt: str, ballot: str, prev_hash: str) -> str:
    """Return the hash of an entry from its fields and the previous hash."""
    body = canonical_json({"seq": seq, "receipt": receipt, "ballot": ballot})
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append_entry(
    head: BoardEntry | None, board_id: str, receipt_code: str, ballot: Mapping[str, Any]
) -> BoardEntry:
    """Return the entry that follows ``head`` (None for the first) for this ballot."""
    seq = 0 if head is None else head.seq + 1
    prev = genesis_hash(board_id) if head is None else head.hash
    receipt = receipt_hash(receipt_code)
    payload = canonical_json(dict(ballot))
    return BoardEntry(seq, receipt, payload, prev, entry_hash(seq, receipt, payload, prev))


def verify_chain(
    entries: Sequence[BoardEntry],
    board_id: str,
    *,
    published_head: str | None = None,
    published_length: int | None = None,
    checkpoints: Mapping[int, str] | None = None,
) -> Verification:
    """Return the verification of a chain against its links and the published head."""
    problems: list[str] = []
    seqs = [e.seq for e in entries]
    if len(set(seqs)) != len(seqs):
        problems.append("inserted: a sequence number appears twice")
    elif seqs != sorted(seqs):
        problems.append("reordered: sequence numbers are out of order")
    elif seqs and seqs != list(range(len(seqs))):
        problems.append("missing: sequence numbers have a gap")
    prev = genesis_hash(board_id)
    for e in entries:
        if e.prev_hash != prev:
            problems.append(f"broken_link: entry {e.seq} does not point to the one before it")
        if entry_hash(e.seq, e.receipt, e.ballot, e.prev_hash) != e.hash:
            problems.append(f"altered: entry {e.seq} does not match its hash")
        prev = e.hash
    head = entries[-1].hash if entries else genesis_hash(board_id)
    if published_head is not None and head != published_head:
        problems.append("forged_head: the last hash differs from the published head")
    if published_length is not None and len(entries) != published_length:
        problems.append(f"length: {len(entries)} entries, {published_length} published")
    for seq, expected in (checkpoints or {}).items():
        if not 0 <= seq < len(entries) or entries[seq].hash != expected:
            problems.append(f"forged_head: checkpoint at entry {seq} does not match")
    return Verification(not problems, tuple(problems), len(entries), head)


def find_receipt(entries: Sequence[BoardEntry], receipt_code: str) -> BoardEntry | None:
    """Return the entry recorded under a receipt code, or None if it is not on the board."""
    wanted = receipt_hash(receipt_code)
    return next((e for e in entries if e.receipt == wanted), None)


def _index(index: Mapping[str, int], name: object, k: int) -> int:
    try:
        return index[str(name)]
    except KeyError:
        raise BallotError(f"ballot {k}: unknown option {name!r}") from None


def ballots_array(
    method: str, options: Sequence[str], payloads: Sequence[Mapping[str, Any]]
) -> np.ndarray:
    """Return the ballots of one method as the array its tally function takes."""
    if method not in METHODS:
        raise ValueError(f"unknown voting method {method!r}")
    opts = {name: i for i, name in enumerate(options)}
    n, m = len(payloads), len(opts)
    if method == "plurality":
        choice = np.full(n, -1, dtype=np.int64)
        for k, p in enumerate(payloads):
            if p.get("choice") is not None:
                choice[k] = _index(opts, p["choice"], k)
        return choice
    fill = -1 if method in ("score", "instant_runoff", "schulze") else 0
    arr = np.full((n, m), fill, dtype=np.int64)
    for k, p in enumerate(payloads):
        if method == "approval":
            for name in p.get("approve", []):
                arr[k, _index(opts, name, k)] = 1
        elif method in ("score", "quadratic"):
            for name, value in p.get("scores" if method == "score" else "votes", {}).items():
                arr[k, _index(opts, name, k)] = int(value)
        elif method in ("instant_runoff", "schulze"):
            ranking = p.get("ranking", [])
            if len(ranking) > m:
                raise BallotError(f"ballot {k}: ranks more options than exist")
            for c, name in enumerate(ranking):
                arr[k, c] = _index(opts, name, k)
    return arr


def recompute_result(
    entries: Sequence[BoardEntry], method: str, options: Sequence[str], **params: Any
) -> VoteResult:
    """Return the result recomputed from the board alone, seeded by the head hash."""
    payloads = [json.loads(e.ballot) for e in entries]
    arr = ballots_array(method, options, payloads)
    seed = entries[-1].hash if entries else ""
    tallies: dict[str, Callable[..., VoteResult]] = {
        "plurality": voting.plurality,
        "approval": voting.approval,
        "score": voting.score,
        "quadratic": voting.quadratic,
        "instant_runoff": ranked_voting.instant_runoff,
        "schulze": ranked_voting.schulze,
    }
    return tallies[method](options, arr, seed=seed, **params)
