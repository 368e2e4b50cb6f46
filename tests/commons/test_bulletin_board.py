"""The ballot hash chain: appending, every kind of tampering, receipts and recounts."""

import dataclasses
import re

import pytest

from kyoso.commons.algorithms.bulletin_board import (
    BoardEntry,
    append_entry,
    canonical_json,
    entry_hash,
    find_receipt,
    genesis_hash,
    new_receipt_code,
    receipt_hash,
    recompute_result,
    verify_chain,
)
from kyoso.commons.algorithms.voting import BallotError

BOARD = "hitachi-2026-bus-routes"
OPTIONS = ["north", "south", "loop"]
RANKINGS = [
    ["north", "loop"],
    ["south"],
    ["loop", "south", "north"],
    [],
    ["north", "south"],
    ["north"],
]


def build(payloads, board=BOARD):
    entries, codes, head = [], [], None
    for i, payload in enumerate(payloads):
        # Fixed codes keep the head hash, and so the tie-break seed, the same on every run.
        code = f"KYSO-{i:04d}-TEST-0000-0000"
        head = append_entry(head, board, code, payload)
        entries.append(head)
        codes.append(code)
    return entries, codes


def rehash_from(entries, start, board=BOARD):
    """What a forger does: recompute every link from ``start`` on so the chain looks whole."""
    out = list(entries[:start])
    prev = out[-1].hash if out else genesis_hash(board)
    for seq, e in enumerate(entries[start:], start):
        h = entry_hash(seq, e.receipt, e.ballot, prev)
        out.append(BoardEntry(seq, e.receipt, e.ballot, prev, h))
        prev = h
    return out


@pytest.fixture
def board():
    return build([{"ranking": r} for r in RANKINGS])


def test_intact_chain_verifies(board):
    entries, _ = board
    report = verify_chain(entries, BOARD, published_head=entries[-1].hash, published_length=6)
    assert report.ok, report.problems
    assert report.head == entries[-1].hash
    assert entries[0].prev_hash == genesis_hash(BOARD)
    assert [e.seq for e in entries] == list(range(6))


def test_entries_hold_no_receipt_code_in_clear(board):
    entries, codes = board
    for e, code in zip(entries, codes, strict=True):
        assert code not in e.receipt and code not in e.ballot
        assert e.receipt == receipt_hash(code)


def test_altered_ballot_is_detected(board):
    entries, _ = board
    entries[2] = dataclasses.replace(entries[2], ballot=canonical_json({"ranking": ["north"]}))
    assert "altered" in verify_chain(entries, BOARD).kinds()


def test_removed_entry_is_detected(board):
    entries, _ = board
    del entries[1]
    kinds = verify_chain(entries, BOARD).kinds()
    assert {"missing", "broken_link"} <= kinds


def test_reordered_entries_are_detected(board):
    entries, _ = board
    entries[1], entries[2] = entries[2], entries[1]
    kinds = verify_chain(entries, BOARD).kinds()
    assert {"reordered", "broken_link"} <= kinds


def test_inserted_entry_is_detected(board):
    entries, _ = board
    fake = append_entry(entries[1], BOARD, new_receipt_code(), {"ranking": ["south"]})
    entries.insert(2, fake)
    kinds = verify_chain(entries, BOARD).kinds()
    assert {"inserted", "broken_link"} <= kinds


def test_rebuilt_chain_is_caught_only_by_the_published_head(board):
    entries, _ = board
    published = entries[-1].hash
    forged = rehash_from(entries[:1] + entries[2:], 1)
    assert verify_chain(forged, BOARD).ok  # internally consistent …
    report = verify_chain(forged, BOARD, published_head=published, published_length=6)
    assert "forged_head" in report.kinds() and "length" in report.kinds()
    checkpoint = verify_chain(forged, BOARD, checkpoints={1: entries[1].hash})
    assert "forged_head" in checkpoint.kinds()


def test_chain_is_bound_to_its_board(board):
    entries, _ = board
    assert "broken_link" in verify_chain(entries, "another-vote").kinds()


def test_receipts_are_found_and_forgiving(board):
    entries, codes = board
    code = codes[3]
    fresh = new_receipt_code()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", fresh)
    assert find_receipt(entries, code) == entries[3]
    assert find_receipt(entries, code.lower().replace("-", " ")) == entries[3]
    assert find_receipt(entries, new_receipt_code()) is None
    assert len({new_receipt_code() for _ in range(200)}) == 200
    with pytest.raises(ValueError, match="20 characters"):
        receipt_hash("ABC")


def test_result_recomputed_from_the_board_alone(board):
    entries, _ = board
    result = recompute_result(entries, "instant_runoff", OPTIONS)
    assert result.seed == entries[-1].hash
    assert result.ballots == 6 and result.abstentions == 1
    assert result.winner == "north"
    assert result.rounds[0].tallies == {"north": 3, "south": 1, "loop": 1}
    schulze = recompute_result(entries, "schulze", OPTIONS)
    assert schulze.winner == "north"


@pytest.mark.parametrize(
    ("method", "payloads", "params", "winner"),
    [
        ("plurality", [{"choice": "loop"}, {"choice": None}, {"choice": "loop"}], {}, "loop"),
        ("approval", [{"approve": ["north", "loop"]}, {"approve": ["loop"]}], {}, "loop"),
        ("score", [{"scores": {"south": 5}}, {"scores": {"north": 3}}], {}, "south"),
        ("quadratic", [{"votes": {"north": 2}}, {"votes": {"south": -1}}], {"credits": 4}, "north"),
    ],
)
def test_recompute_every_method(method, payloads, params, winner):
    entries, _ = build(payloads)
    assert recompute_result(entries, method, OPTIONS, **params).winner == winner


def test_recompute_rejects_unknown_option():
    entries, _ = build([{"approve": ["tram"]}])
    with pytest.raises(BallotError, match="unknown option 'tram'"):
        recompute_result(entries, "approval", OPTIONS)
