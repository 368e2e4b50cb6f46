"""Encrypted ballots: how each voting method's choices are encrypted and proved valid.

Django-free. A ballot is JSON (the same on the board, in the record and to the verifier):

* plurality — ``{"choices": [ct…], "proofs": [0/1…], "sum_proof": 0/1}``: one ciphertext per
  option, each 0 or 1, and their product 0 or 1 (an empty ballot is all zeros);
* approval — ``{"choices", "proofs"}``: each option 0 or 1;
* score — ``{"choices", "proofs"}``: each option in [0, max_score] (unscored counts as 0);
* quadratic — ``{"votes", "squares", "proofs", "sum_proof"}``: per option ``(v, v²)`` with
  ``|v| ≤ √credits`` proved jointly, and Σ v² in [0, credits];
* instant runoff, Schulze — ``{"ranks", "proofs"}``: one ciphertext per rank position holding
  ``option index + 1`` (0 = not ranked). These cannot be added up; they are mixed by a verifiable
  shuffle and then decrypted one by one (``election_verifier``).

``ct`` is ``[hex(g^r), hex(h^r·g^m)]``; proofs are ``election_crypto`` proofs whose context
binds the election id, the option and the position, so no proof can be moved to another slot.
The tracker of a ballot is the SHA-256 of its canonical JSON.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from kyoso.commons.algorithms import election_crypto as ec
from kyoso.commons.algorithms.election_crypto import Ciphertext, ProofError

HOMOMORPHIC = ("plurality", "approval", "score", "quadratic")
RANKED = ("instant_runoff", "schulze")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def canonical_json(value: Any) -> str:
    """Return JSON with sorted keys and no spaces, so equal data hash equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def tracker(ballot: Mapping[str, Any]) -> str:
    """Return the ballot tracker: SHA-256 hex of the encrypted ballot's canonical JSON."""
    return hashlib.sha256(canonical_json(dict(ballot)).encode()).hexdigest()


def tracker_code(tracker_hex: str) -> str:
    """Return the short form of a tracker (its first 100 bits), e.g. "K7Q2-9XMD-3FZA-PW8E-TB61"."""
    bits = int(tracker_hex[:25], 16)
    chars = "".join(CROCKFORD[(bits >> (5 * (19 - i))) & 31] for i in range(20))
    return "-".join(chars[i : i + 4] for i in range(0, 20, 4))


def tracker_prefix(code: str) -> str:
    """Return the 25 hex digits a short tracker code stands for (forgiving case, dashes, O/0)."""
    folded = code.upper().translate(_FOLD)
    if len(folded) != 20 or any(c not in CROCKFORD for c in folded):
        raise ValueError("a tracker code has 20 characters from the Crockford base32 alphabet")
    bits = 0
    for c in folded:
        bits = bits * 32 + CROCKFORD.index(c)
    return f"{bits:025x}"


def params_of(method: str, max_score: int, voice_credits: int) -> dict[str, int]:
    """Return the method parameters that shape a ballot."""
    if method == "score":
        return {"max_score": max_score}
    if method == "quadratic":
        return {"credits": voice_credits}
    return {}


def plaintext_vector(
    method: str, options: Sequence[str], payload: Mapping[str, Any], params: Mapping[str, int]
) -> list[int]:
    """Return the integers a ballot payload encrypts (one per option, or per rank position)."""
    index = {name: i for i, name in enumerate(options)}
    m = len(options)

    def at(name: object) -> int:
        if str(name) not in index:
            raise ValueError(f"unknown option {name!r}")
        return index[str(name)]

    if method == "plurality":
        vec = [0] * m
        if payload.get("choice") is not None:
            vec[at(payload["choice"])] = 1
        return vec
    if method == "approval":
        vec = [0] * m
        for name in payload.get("approve", []):
            vec[at(name)] = 1
        return vec
    if method in ("score", "quadratic"):
        vec = [0] * m
        values = payload.get("scores" if method == "score" else "votes", {})
        for name, value in dict(values).items():
            vec[at(name)] = int(value)
        if method == "score" and any(not 0 <= v <= params["max_score"] for v in vec):
            raise ValueError(f"scores go from 0 to {params['max_score']}")
        if method == "quadratic" and sum(v * v for v in vec) > params["credits"]:
            raise ValueError(f"spends more than the {params['credits']} voice credits")
        return vec
    if method in RANKED:
        ranking = list(payload.get("ranking", []))
        if len(ranking) > m or len(set(map(str, ranking))) != len(ranking):
            raise ValueError("rank each option at most once")
        return [at(name) + 1 for name in ranking] + [0] * (m - len(ranking))
    raise ValueError(f"unknown voting method {method!r}")


def _quadratic_pairs(credits: int) -> list[tuple[int, int]]:
    bound = math.isqrt(credits)
    return [(v, v * v) for v in range(-bound, bound + 1)]


def encrypt_ballot(
    method: str,
    options: Sequence[str],
    params: Mapping[str, int],
    pk: bytes,
    payload: Mapping[str, Any],
    election_id: str,
) -> dict[str, Any]:
    """Return the encrypted ballot, with its proofs, for a plaintext payload."""
    vec = plaintext_vector(method, options, payload, params)
    m = len(options)
    ctx = f"{election_id}/{method}"
    if method == "quadratic":
        credits = params["credits"]
        pairs = _quadratic_pairs(credits)
        votes, squares, proofs = [], [], []
        rsq_total = 0
        for i, v in enumerate(vec):
            cv, rv = ec.encrypt(pk, v)
            cs, rs = ec.encrypt(pk, v * v)
            votes.append(cv)
            squares.append(cs)
            rsq_total += rs
            proofs.append(
                ec.prove_one_of(
                    pk, [cv, cs], [rv, rs], pairs, pairs.index((v, v * v)), f"{ctx}/{i}"
                )
            )
        spent = ec.product(squares)
        sum_proof = ec.prove_range(
            pk, spent, rsq_total, sum(v * v for v in vec), 0, credits, f"{ctx}/sum"
        )
        return {
            "votes": [c.to_json() for c in votes],
            "squares": [c.to_json() for c in squares],
            "proofs": proofs,
            "sum_proof": sum_proof,
        }
    if method in RANKED:
        cands = [(v,) for v in range(m + 1)]
        cts, proofs = [], []
        for pos, v in enumerate(vec):
            ct, r = ec.encrypt(pk, v)
            cts.append(ct.to_json())
            proofs.append(ec.prove_one_of(pk, [ct], [r], cands, v, f"{ctx}/{pos}"))
        return {"ranks": cts, "proofs": proofs}
    hi = params["max_score"] if method == "score" else 1
    cts_r = [ec.encrypt(pk, v) for v in vec]
    out: dict[str, Any] = {
        "choices": [c.to_json() for c, _r in cts_r],
        "proofs": [
            ec.prove_range(pk, c, r, v, 0, hi, f"{ctx}/{i}")
            for i, ((c, r), v) in enumerate(zip(cts_r, vec, strict=True))
        ],
    }
    if method == "plurality":
        total = ec.product(c for c, _r in cts_r)
        rsum = sum(r for _c, r in cts_r)
        out["sum_proof"] = ec.prove_one_of(
            pk, [total], [rsum], [(0,), (1,)], sum(vec), f"{ctx}/sum"
        )
    return out


def _cts(value: object, n: int, what: str) -> list[Ciphertext]:
    if not isinstance(value, list) or len(value) != n:
        raise ProofError(f"{what}: expected {n} ciphertexts")
    return [Ciphertext.from_json(v, what) for v in value]


def _proofs(value: object, n: int) -> list[Any]:
    if not isinstance(value, list) or len(value) != n:
        raise ProofError(f"proofs: expected {n}")
    return value


def verify_ballot(
    method: str,
    options: Sequence[str],
    params: Mapping[str, int],
    pk: bytes,
    ballot: object,
    election_id: str,
) -> list[Ciphertext]:
    """Check every proof of a ballot; return the ciphertexts that count (ProofError if bad)."""
    if not isinstance(ballot, dict):
        raise ProofError("ballot: expected an object")
    m = len(options)
    ctx = f"{election_id}/{method}"
    if method == "quadratic":
        if set(ballot) != {"votes", "squares", "proofs", "sum_proof"}:
            raise ProofError("ballot: not a quadratic ballot")
        credits = params["credits"]
        pairs = _quadratic_pairs(credits)
        votes = _cts(ballot["votes"], m, "votes")
        squares = _cts(ballot["squares"], m, "squares")
        for i, proof in enumerate(_proofs(ballot["proofs"], m)):
            ec.verify_one_of(pk, [votes[i], squares[i]], pairs, proof, f"{ctx}/{i}")
        ec.verify_range(pk, ec.product(squares), 0, credits, ballot["sum_proof"], f"{ctx}/sum")
        return votes
    if method in RANKED:
        if set(ballot) != {"ranks", "proofs"}:
            raise ProofError("ballot: not a ranked ballot")
        ranks = _cts(ballot["ranks"], m, "ranks")
        cands = [(v,) for v in range(m + 1)]
        for pos, proof in enumerate(_proofs(ballot["proofs"], m)):
            ec.verify_one_of(pk, [ranks[pos]], cands, proof, f"{ctx}/{pos}")
        return ranks
    if method not in HOMOMORPHIC:
        raise ProofError(f"unknown voting method {method!r}")
    expected = {"choices", "proofs"} | ({"sum_proof"} if method == "plurality" else set())
    if set(ballot) != expected:
        raise ProofError(f"ballot: not a {method} ballot")
    hi = params["max_score"] if method == "score" else 1
    choices = _cts(ballot["choices"], m, "choices")
    for i, proof in enumerate(_proofs(ballot["proofs"], m)):
        ec.verify_range(pk, choices[i], 0, hi, proof, f"{ctx}/{i}")
    if method == "plurality":
        ec.verify_one_of(pk, [ec.product(choices)], [(0,), (1,)], ballot["sum_proof"], f"{ctx}/sum")
    return choices


def total_bound(method: str, n_options: int, n_ballots: int, params: Mapping[str, int]) -> int:
    """Return the largest absolute value an option's total can take."""
    if method == "score":
        return n_ballots * params["max_score"]
    if method == "quadratic":
        return n_ballots * math.isqrt(params["credits"])
    if method in RANKED:
        return n_options
    return n_ballots
