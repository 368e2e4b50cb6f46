"""The election cryptography and the independent verifier, without Django."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kyoso.commons.algorithms import election_ballot as eb
from kyoso.commons.algorithms import election_crypto as ec
from kyoso.commons.algorithms import election_trustee as et
from kyoso.commons.algorithms import election_verifier as ev
from kyoso.commons.algorithms.election_crypto import ProofError

EID = "test:decision:1"


def _ceremony(n=3, k=2):
    secrets_, ann = {}, {}
    for i in range(1, n + 1):
        secrets_[i], ann[i] = et.announce(EID, i, k)
    deals = {i: et.deal(secrets_[i], ann) for i in ann}
    vks = {i: et.confirm(secrets_[i], ann, deals, k)["verification_key"] for i in ann}
    pk = ec.joint_public_key([[ec.point(c) for c in a["commitments"]] for a in ann.values()])
    return secrets_, ann, deals, vks, pk


def _record(method, options, params, payloads, decrypting=(1, 3), rounds=ec.SHUFFLE_ROUNDS):
    secrets_, ann, _d, vks, pk = _ceremony()
    ballots = [eb.encrypt_ballot(method, options, params, pk, p, EID) for p in payloads]
    entries = [{"seq": s, "tracker": eb.tracker(b), "ballot": b} for s, b in enumerate(ballots)]
    heads = ev.chain_heads(EID, entries)
    if method in eb.RANKED:
        mixed, proof = ec.shuffle(pk, ev.ranked_rows(ballots), f"{EID}/mix", rounds=rounds)
        targets = [c for r in mixed for c in r]
        tally = {"mix": {"output": [[c.to_json() for c in r] for r in mixed], "proof": proof}}
        names = ev.positions(method, len(mixed), len(options))
    else:
        targets = ev.aggregate(method, options, params, pk, ballots, EID)
        tally = {"aggregate": [c.to_json() for c in targets]}
        names = ev.positions(method, 0, len(options))
    tally["decryptions"] = [
        et.decrypt(secrets_[i], [c.to_json() for c in targets], names) for i in decrypting
    ]
    partials = {d["index"]: [ec.point(p["d"]) for p in d["partials"]] for d in tally["decryptions"]}
    dl = ec.DiscreteLog(eb.total_bound(method, len(options), len(ballots), params))
    values = [dl.solve(g) for g in ev.decrypt_with(partials, targets)]
    if method in eb.RANKED:
        m = len(options)
        tally["rankings"] = [values[i : i + m] for i in range(0, len(values), m)]
    else:
        tally["totals"] = values
    sk = Ed25519PrivateKey.generate()
    key = (
        sk.public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex()
    )
    sig = sk.sign(ev.head_statement(EID, len(entries), heads[-1])).hex()
    record = {
        "format": ev.FORMAT, "group": ec.GROUP_NAME,
        "election": {"id": EID, "title": "t", "method": method, "options": options, "params": params, "threshold": 2},
        "trustees": [dict(a, verification_key=vks[i]) for i, a in ann.items()],
        "public_key": pk.hex(),
        "board": {"signing_key": key, "signed_heads": [{"length": len(entries), "head": heads[-1], "signature": sig}],
                  "entries": [dict(e, prev_hash=heads[n], hash=heads[n + 1]) for n, e in enumerate(entries)]},
        "tally": tally,
    }  # fmt: skip
    receipt = {"board_id": EID, "tracker": entries[0]["tracker"], "board_length": 0,
               "board_head": heads[0], "signature": sk.sign(ev.receipt_statement(EID, entries[0]["tracker"], 0, heads[0])).hex()}  # fmt: skip
    return record, receipt


@pytest.mark.parametrize(
    ("method", "params", "payloads", "tallies"),
    [
        (
            "plurality",
            {},
            [{"choice": "B"}, {"choice": "B"}, {}, {"choice": "A"}],
            {"A": 1, "B": 2, "C": 0},
        ),
        ("approval", {}, [{"approve": ["A", "C"]}, {"approve": []}], {"A": 1, "B": 0, "C": 1}),
        (
            "score",
            {"max_score": 20},
            [{"scores": {"A": 17}}, {"scores": {"A": 3, "C": 20}}],
            {"A": 20, "B": 0, "C": 20},
        ),
        (
            "quadratic",
            {"credits": 100},
            [{"votes": {"A": 6, "B": -8}}, {"votes": {"B": 2}}],
            {"A": 6, "B": -6, "C": 0},
        ),
    ],
)
def test_homomorphic_methods_count_and_verify(method, params, payloads, tallies):
    record, receipt = _record(method, ["A", "B", "C"], params, payloads)
    rep = ev.verify_record(record, receipts=[receipt])
    assert rep.ok, rep.problems
    assert rep.result["tallies"] == tallies


def test_ranked_ballots_are_mixed_then_decrypted():
    payloads = [{"ranking": ["C", "A"]}, {"ranking": ["C"]}, {"ranking": ["A", "B", "C"]}, {}]
    record, _r = _record("schulze", ["A", "B", "C"], {}, payloads)
    rep = ev.verify_record(record)
    assert rep.ok, rep.problems and rep.result["winners"] == ["C"]
    rankings = sorted(map(tuple, record["tally"]["rankings"]))
    assert rankings == sorted([(3, 1, 0), (3, 0, 0), (1, 2, 3), (0, 0, 0)])
    # A mixer that swaps in a ballot of its own is caught.
    forged = json.loads(json.dumps(record))
    pk = ec.point(record["public_key"])
    forged["tally"]["mix"]["output"][0] = [ec.encrypt(pk, v)[0].to_json() for v in (2, 0, 0)]
    assert "proof" in ev.verify_record(forged).kinds()


def test_a_ballot_for_two_options_or_out_of_range_cannot_be_proved():
    _s, _a, _d, _v, pk = _ceremony()
    good = eb.encrypt_ballot("plurality", ["A", "B"], {}, pk, {"choice": "A"}, EID)
    # Replace B's ciphertext with an encryption of 1 (and keep the proofs): a double vote.
    double = json.loads(json.dumps(good))
    double["choices"][1] = ec.encrypt(pk, 1)[0].to_json()
    with pytest.raises(ProofError):
        eb.verify_ballot("plurality", ["A", "B"], {}, pk, double, EID)
    # An honest prover cannot even make a proof for 2.
    ct, r = ec.encrypt(pk, 2)
    proof = ec.prove_one_of(pk, [ct], [r], [(0,), (1,)], 1, "x")
    with pytest.raises(ProofError):
        ec.verify_one_of(pk, [ct], [(0,), (1,)], proof, "x")
    big, r = ec.encrypt(pk, 30)
    with pytest.raises(ValueError):
        ec.prove_range(pk, big, r, 30, 0, 20, "x")
    ok, r = ec.encrypt(pk, 20)
    ec.verify_range(pk, ok, 0, 20, ec.prove_range(pk, ok, r, 20, 0, 20, "x"), "x")
    with pytest.raises(ProofError):
        ec.verify_range(pk, big, 0, 20, ec.prove_range(pk, ok, r, 20, 0, 20, "x"), "x")


def test_one_trustee_alone_cannot_decrypt_and_a_false_share_is_named():
    secrets_, ann, deals, vks, pk = _ceremony()
    ct, _r = ec.encrypt(pk, 7)
    alone = et.decrypt(secrets_[2], [ct.to_json()], ["option/0"])
    d2 = ec.point(alone["partials"][0]["d"])
    assert ec.combine({2: d2}, ct.b) != ec.base_mul(7)
    d3 = ec.point(et.decrypt(secrets_[3], [ct.to_json()], ["option/0"])["partials"][0]["d"])
    assert ec.combine({2: d2, 3: d3}, ct.b) == ec.base_mul(7)
    with pytest.raises(ProofError):  # a partial decryption under someone else's key share
        ec.verify_decryption(ec.point(vks[1]), ct.a, d2, alone["partials"][0]["proof"],
                             et.decryption_context(EID, 1, "option/0"))  # fmt: skip
    # Trustee 1 deals trustee 2 a share that does not match its commitments.
    bad = {i: json.loads(json.dumps(d)) for i, d in deals.items()}
    bad[1]["shares"]["2"] = bad[1]["shares"]["3"]
    with pytest.raises(ProofError, match="trustee 1"):
        et.confirm(dict(secrets_[2]), ann, bad, 2)


def test_tampering_with_the_record_is_caught():
    record, receipt = _record(
        "plurality", ["A", "B"], {}, [{"choice": "A"}, {"choice": "B"}, {"choice": "A"}]
    )
    assert ev.verify_record(record, receipts=[receipt]).ok
    t = json.loads(json.dumps(record))
    t["tally"]["totals"] = [1, 2]
    assert "tally" in ev.verify_record(t).kinds()
    t = json.loads(json.dumps(record))
    t["board"]["entries"].pop(1)
    assert not ev.verify_record(t).ok
    t = json.loads(json.dumps(record))
    t["board"]["entries"][0], t["board"]["entries"][1] = (
        t["board"]["entries"][1],
        t["board"]["entries"][0],
    )
    assert not ev.verify_record(t).ok
    assert "signature" in ev.verify_record(record, board_key="00" * 32).kinds()


def test_tracker_codes_round_trip():
    tracker = eb.tracker({"x": 1})
    code = eb.tracker_code(tracker)
    assert tracker.startswith(eb.tracker_prefix(code))
    assert eb.tracker_prefix(code.lower().replace("0", "o")) == eb.tracker_prefix(code)


def test_the_verifier_runs_as_a_command(tmp_path):
    record, receipt = _record(
        "approval", ["A", "B"], {}, [{"approve": ["A", "B"]}, {"approve": ["B"]}]
    )
    (tmp_path / "record.json").write_text(json.dumps(record))
    (tmp_path / "receipt.json").write_text(json.dumps(receipt))
    cmd = [sys.executable, "-m", "kyoso.commons.algorithms.election_verifier",
           str(tmp_path / "record.json"), "--receipt", str(tmp_path / "receipt.json"), "--json"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env={"PATH": "/usr/bin"})
    assert json.loads(out.stdout)["result"]["winners"] == ["B"]
    record["tally"]["totals"] = [2, 2]
    (tmp_path / "record.json").write_text(json.dumps(record))
    assert subprocess.run(cmd, capture_output=True, env={"PATH": "/usr/bin"}).returncode == 1
