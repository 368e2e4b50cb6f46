"""Independent verifier of a published election record: every proof, every link, the tally.

Django-free; needs only this package, PyNaCl, ``cryptography`` and NumPy::

    python -m kyoso.commons.algorithms.election_verifier record.json [--receipt r.json …]
        [--board-key HEX] [--json]

Exit status 0 when the record verifies, 1 otherwise (each problem is printed). The record
format (``kyoso-election-record/1``) is described in the README ("Decisions: threat model").
What it checks:

1. the trustees' key ceremony — Schnorr proofs, ``public_key = Π C_i0``, every verification key
   ``g^{s_j}`` equals what the Feldman commitments give;
2. the board — the hash chain from ``genesis(board_id)``, each tracker is the hash of its ballot,
   no ballot twice, every signed head (Ed25519, key ``board.signing_key``, pinned by
   ``--board-key``) matches the chain at its length, and the last one covers the whole board;
3. every receipt given — its signature, its tracker is on the board, and the board's prefix at
   the receipt's length has the receipt's head (so nothing before it was rewritten);
4. every ballot's proofs (``election_ballot.verify_ballot``);
5. the tally — the homomorphic product of the ballots (or the verifiable shuffle of ranked
   ballots), each trustee's partial decryption proof, k of them combined, the totals, and the
   result recomputed with the method's counting rule and the public tie-break lottery.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kyoso.commons.algorithms import election_ballot as eb
from kyoso.commons.algorithms import election_crypto as ec
from kyoso.commons.algorithms import election_trustee as et
from kyoso.commons.algorithms import ranked_voting, voting
from kyoso.commons.algorithms.election_crypto import Ciphertext, ProofError

FORMAT = "kyoso-election-record/1"


# --- the board -----------------------------------------------------------------------------


def genesis_hash(board_id: str) -> str:
    """Return the prev_hash of a board's first entry."""
    return hashlib.sha256(f"kyoso-bulletin-board\x1f{board_id}".encode()).hexdigest()


def entry_hash(seq: int, tracker: str, ballot_json: str, prev_hash: str) -> str:
    """Return the hash of a board entry: sha256(prev_hash || canonical {seq, receipt, ballot})."""
    body = eb.canonical_json({"seq": seq, "receipt": tracker, "ballot": ballot_json})
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def chain_heads(board_id: str, entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Return the head after each prefix: heads[n] is the head of the first n entries."""
    heads = [genesis_hash(board_id)]
    for e in entries:
        heads.append(
            entry_hash(int(e["seq"]), e["tracker"], eb.canonical_json(e["ballot"]), heads[-1])
        )
    return heads


def head_statement(board_id: str, length: int, head: str) -> bytes:
    """Return the bytes an Ed25519 board-head signature covers."""
    return eb.canonical_json(
        {"kind": "kyoso-board-head/1", "board_id": board_id, "length": length, "head": head}
    ).encode()


def receipt_statement(board_id: str, tracker: str, length: int, head: str) -> bytes:
    """Return the bytes a receipt's signature covers: this ballot accepted when the board was so."""
    return eb.canonical_json(
        {"kind": "kyoso-ballot-receipt/1", "board_id": board_id, "tracker": tracker,
         "board_length": length, "board_head": head}
    ).encode()  # fmt: skip


def signature_ok(key_hex: str, signature_hex: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex)).verify(
            bytes.fromhex(signature_hex), message
        )
    except (InvalidSignature, ValueError):
        return False
    return True


# --- tally ---------------------------------------------------------------------------------


def aggregate(
    method: str,
    options: Sequence[str],
    params: Mapping[str, int],
    pk: bytes,
    ballots: Sequence[Any],
    election_id: str,
    *,
    check: bool = True,
) -> list[Ciphertext]:
    """Return the per-option product of the counting ciphertexts (checking every proof)."""
    acc = [ec.ZERO] * len(options)
    for ballot in ballots:
        if check:
            cts = eb.verify_ballot(method, options, params, pk, ballot, election_id)
        else:
            key = "votes" if method == "quadratic" else "choices"
            cts = [Ciphertext.from_json(c) for c in ballot[key]]
        acc = [x * y for x, y in zip(acc, cts, strict=True)]
    return acc


def ranked_rows(ballots: Sequence[Any]) -> list[list[Ciphertext]]:
    return [[Ciphertext.from_json(c) for c in b["ranks"]] for b in ballots]


def decrypt_with(
    partials_by_trustee: Mapping[int, Sequence[bytes]], cts: Sequence[Ciphertext]
) -> list[bytes]:
    """Return g^m for each ciphertext from k trustees' partial decryptions."""
    return [
        ec.combine({i: p[pos] for i, p in partials_by_trustee.items()}, ct.b)
        for pos, ct in enumerate(cts)
    ]


def positions(method: str, n_rows: int, width: int) -> list[str]:
    """Return the names of the ciphertexts trustees decrypt, in order (bound into each proof)."""
    if method in eb.RANKED:
        return [f"row/{r}/pos/{p}" for r in range(n_rows) for p in range(width)]
    return [f"option/{i}" for i in range(width)]


def result_from_totals(
    method: str,
    options: Sequence[str],
    params: Mapping[str, int],
    totals: Sequence[int],
    n_ballots: int,
    seed: str,
) -> voting.VoteResult:
    """Return the result of a homomorphic tally (abstentions are known only for plurality)."""
    names = tuple(options)
    arr = np.asarray(totals, dtype=np.int64)
    abstentions = n_ballots - int(arr.sum()) if method == "plurality" else 0
    details: dict[str, Any] = {"secret_ballot": True}
    if method == "score" and n_ballots:
        details["mean_score"] = {
            n: float(t) / n_ballots for n, t in zip(names, totals, strict=True)
        }
    if method == "quadratic":
        details["credits"] = params["credits"]
    return voting.rank_by_totals(method, names, arr, n_ballots, abstentions, seed, details)


def result_from_rankings(
    method: str, options: Sequence[str], rankings: Sequence[Sequence[int]], seed: str
) -> voting.VoteResult:
    """Return the ranked result from decrypted rank vectors (option index + 1, 0 = unranked).

    A vector that ranks an option twice, or leaves a gap before a ranked position, cannot come
    from the voting page; it is counted as an empty ballot.
    """
    m = len(options)
    arr = np.full((len(rankings), m), -1, dtype=np.int64)
    for k, vec in enumerate(rankings):
        picked = [v - 1 for v in vec if v > 0]
        prefix = list(vec[: len(picked)])
        if len(set(picked)) == len(picked) and all(v > 0 for v in prefix):
            arr[k, : len(picked)] = picked
    fn = ranked_voting.instant_runoff if method == "instant_runoff" else ranked_voting.schulze
    return fn(options, arr, seed=seed)


def result_json(result: voting.VoteResult) -> dict[str, Any]:
    return {
        "winners": list(result.winners),
        "ranking": list(result.ranking),
        "tallies": {k: int(v) for k, v in result.tallies.items()},
        "ballots": result.ballots,
        "abstentions": result.abstentions,
        "seed": result.seed,
        "tie_break": result.tie_break,
    }


# --- the whole record ----------------------------------------------------------------------


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    ballots: int = 0
    result: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def kinds(self) -> set[str]:
        return {p.split(":", 1)[0] for p in self.problems}


def verify_record(
    record: Mapping[str, Any],
    *,
    receipts: Sequence[Mapping[str, Any]] = (),
    board_key: str | None = None,
    check_proofs: bool = True,
) -> Report:
    """Return the report of checking a record (and receipts) from scratch."""
    rep = Report()
    try:
        _verify(record, receipts, board_key, check_proofs, rep)
    except (ProofError, KeyError, TypeError, ValueError, IndexError) as exc:
        rep.problems.append(f"malformed: {type(exc).__name__}: {exc}")
    return rep


def _verify(
    record: Mapping[str, Any],
    receipts: Sequence[Mapping[str, Any]],
    board_key: str | None,
    check_proofs: bool,
    rep: Report,
) -> None:
    if record.get("format") != FORMAT or record.get("group") != ec.GROUP_NAME:
        rep.problems.append("format: not a kyoso-election-record/1 on " + ec.GROUP_NAME)
        return
    el = record["election"]
    keys = _verify_key_ceremony(record, str(el["id"]), int(el["threshold"]), rep)
    if keys is None:
        return
    heads = _verify_board(record, str(el["id"]), board_key, rep)
    if heads is None:
        return
    _verify_receipts(record, receipts, board_key, heads, rep)
    _verify_tally(record, keys, heads, check_proofs, rep)


def _verify_key_ceremony(
    record: Mapping[str, Any], eid: str, k: int, rep: Report
) -> tuple[Any, dict[int, Any]] | None:
    """1. The trustees' announcements: return the joint public key and verification keys."""
    commitments = {}
    for t in record["trustees"]:
        try:
            commitments[int(t["index"])] = et.check_announcement(eid, k, t, int(t["index"]))
        except ProofError as exc:
            rep.problems.append(f"trustee: {exc}")
    if rep.problems:
        return None
    pk = ec.joint_public_key(list(commitments.values()))
    if record["public_key"] != pk.hex():
        rep.problems.append("trustee: the public key is not the product of the trustees' keys")
        return None
    vks = {i: ec.verification_key(list(commitments.values()), i) for i in commitments}
    for t in record["trustees"]:
        if t.get("verification_key") and t["verification_key"] != vks[int(t["index"])].hex():
            rep.problems.append(f"trustee: trustee {t['index']}'s verification key does not match")
    return pk, vks


def _verify_board(
    record: Mapping[str, Any], eid: str, board_key: str | None, rep: Report
) -> list[str] | None:
    """2. The board: order, trackers, hash chain and signed heads; return the chain's heads."""
    board = record["board"]
    entries = board["entries"]
    rep.ballots = len(entries)
    key = board["signing_key"]
    if board_key and key != board_key:
        rep.problems.append("signature: the record is signed with another board key")
    for n, e in enumerate(entries):
        if int(e["seq"]) != n:
            rep.problems.append(f"reordered: entry {n} has sequence number {e['seq']}")
            return None
        if e["tracker"] != eb.tracker(e["ballot"]):
            rep.problems.append(f"altered: entry {n}'s tracker is not the hash of its ballot")
    heads = chain_heads(eid, entries)
    for n, e in enumerate(entries):
        if e.get("prev_hash", heads[n]) != heads[n] or e.get("hash", heads[n + 1]) != heads[n + 1]:
            rep.problems.append(f"broken_link: entry {n} does not match the chain")
            break
    if len({e["tracker"] for e in entries}) != len(entries):
        rep.problems.append("inserted: a ballot appears twice on the board")
    signed = board.get("signed_heads", [])
    for s in signed:
        length = int(s["length"])
        if not signature_ok(key, s["signature"], head_statement(eid, length, s["head"])):
            rep.problems.append(
                f"signature: the signed head at length {length} has a bad signature"
            )
        elif length > len(entries) or heads[length] != s["head"]:
            rep.problems.append(
                f"forged_head: the board does not match its signed head at length {length}"
            )
    if record.get("tally") is not None and not any(
        int(s["length"]) == len(entries) for s in signed
    ):
        rep.problems.append("forged_head: no signed head covers the whole board")
    return heads


def _verify_receipts(
    record: Mapping[str, Any],
    receipts: Sequence[Mapping[str, Any]],
    board_key: str | None,
    heads: list[str],
    rep: Report,
) -> None:
    """3. Each receipt a voter kept: signed by the board key, its ballot and its head on the board."""
    eid = record["election"]["id"]
    entries = record["board"]["entries"]
    key = board_key if board_key else record["board"]["signing_key"]
    trackers = {e["tracker"] for e in entries}
    for r in receipts:
        length = int(r["board_length"])
        code = eb.tracker_code(r["tracker"])
        if r.get("board_id") != eid:
            rep.problems.append("receipt: a receipt of another decision")
        elif not signature_ok(
            key, r["signature"], receipt_statement(eid, r["tracker"], length, r["board_head"])
        ):
            rep.problems.append(f"receipt: the receipt of {code} has a bad signature")
        elif r["tracker"] not in trackers:
            rep.problems.append(f"missing: the ballot of receipt {code} is not on the board")
        elif length > len(entries) or heads[length] != r["board_head"]:
            rep.problems.append(f"forged_head: the board before receipt {code} was rewritten")


def _verify_tally(
    record: Mapping[str, Any],
    keys: tuple[Any, dict[int, Any]],
    heads: list[str],
    check_proofs: bool,
    rep: Report,
) -> None:
    """4–5. Ballot proofs, the aggregate or the mix, the trustees' decryptions and the result."""
    el = record["election"]
    eid, method, options = el["id"], el["method"], list(el["options"])
    params, k = dict(el.get("params", {})), int(el["threshold"])
    pk, vks = keys
    entries = record["board"]["entries"]
    ballots = [e["ballot"] for e in entries]
    tally = record.get("tally")
    try:
        if method in eb.RANKED:
            rows = ranked_rows(ballots)
            if check_proofs:
                for b in ballots:
                    eb.verify_ballot(method, options, params, pk, b, eid)
        else:
            agg = aggregate(method, options, params, pk, ballots, eid, check=check_proofs)
    except ProofError as exc:
        rep.problems.append(f"proof: {exc}")
        return
    if tally is None:
        return
    if method in eb.RANKED:
        mixed = [[Ciphertext.from_json(c) for c in row] for row in tally["mix"]["output"]]
        try:
            ec.verify_shuffle(pk, rows, mixed, tally["mix"]["proof"], f"{eid}/mix")
        except ProofError as exc:
            rep.problems.append(f"proof: {exc}")
            return
        targets = [c for row in mixed for c in row]
        names = positions(method, len(mixed), len(options))
    else:
        if [c.to_json() for c in agg] != tally["aggregate"]:
            rep.problems.append("tally: the aggregate is not the product of the ballots")
            return
        targets, names = agg, positions(method, 0, len(options))
    partials = _valid_partials(eid, tally["decryptions"], vks, targets, names, rep)
    if len(partials) < k:
        rep.problems.append(f"decryption: {len(partials)} valid partial decryptions, {k} needed")
        return
    plain = decrypt_with(dict(sorted(partials.items())[:k]), targets)
    seed = heads[-1]
    published_key = "rankings" if method in eb.RANKED else "totals"
    values = (
        [int(v) for row in tally["rankings"] for v in row]
        if method in eb.RANKED
        else [int(t) for t in tally["totals"]]
    )
    if len(values) != len(plain) or any(
        ec.base_mul(v) != g for v, g in zip(values, plain, strict=True)
    ):
        rep.problems.append(
            f"tally: the published {published_key} are not what the trustees decrypted"
        )
        return
    result = (
        result_from_rankings(method, options, tally["rankings"], seed)
        if method in eb.RANKED
        else result_from_totals(method, options, params, values, len(entries), seed)
    )
    rep.result = result_json(result)
    published = record.get("result")
    fields = ("winners", "ranking", "tallies")
    if published is not None and {f: published.get(f) for f in fields} != {
        f: rep.result[f] for f in fields
    }:
        rep.problems.append("tally: the published result differs from the recount")


def _valid_partials(
    eid: str,
    decryptions: Sequence[Mapping[str, Any]],
    vks: dict[int, Any],
    targets: Sequence[Any],
    names: Sequence[str],
    rep: Report,
) -> dict[int, list[Any]]:
    """The trustees' partial decryptions whose proofs hold, by trustee index."""
    partials: dict[int, list[Any]] = {}
    for d in decryptions:
        i = int(d["index"])
        if i not in vks or len(d["partials"]) != len(targets):
            rep.problems.append(f"decryption: trustee {i}'s partial decryption does not fit")
            continue
        try:
            ds = []
            for ct, name, p in zip(targets, names, d["partials"], strict=True):
                dp = ec.point(p["d"], "partial decryption")
                ec.verify_decryption(
                    vks[i], ct.a, dp, p["proof"], et.decryption_context(eid, i, name)
                )
                ds.append(dp)
            partials[i] = ds
        except ProofError as exc:
            rep.problems.append(f"decryption: trustee {i}: {exc}")
    return partials


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="election_verifier", description="Verify a Kyoso election record."
    )
    parser.add_argument("record", type=Path)
    parser.add_argument(
        "--receipt", type=Path, action="append", default=[], help="a receipt file (repeatable)"
    )
    parser.add_argument(
        "--board-key", help="the board's Ed25519 public key (hex) published by the city"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    record = json.loads(args.record.read_text())
    receipts = [json.loads(p.read_text()) for p in args.receipt]
    rep = verify_record(record, receipts=receipts, board_key=args.board_key)
    if args.json:
        sys.stdout.write(
            json.dumps(
                {
                    "ok": rep.ok,
                    "problems": rep.problems,
                    "ballots": rep.ballots,
                    "result": rep.result,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    else:
        sys.stdout.write(
            f"{record['election'].get('title', '')}: {rep.ballots} ballots — {'OK' if rep.ok else 'FAILED'}\n"
        )
        for p in rep.problems:
            sys.stdout.write(f"  {p}\n")
        if rep.result:
            sys.stdout.write(f"winners: {', '.join(rep.result['winners']) or '-'}\n")
            for name in rep.result["ranking"]:
                sys.stdout.write(f"  {name}: {rep.result['tallies'][name]}\n")
    return 0 if rep.ok else 1


if __name__ == "__main__":
    raise SystemExit(_main())
