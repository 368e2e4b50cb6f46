"""The trustee's side of an election key: key ceremony and partial decryption, on their own computer.

Django-free, so a committee member runs it on a laptop of their choosing; their secret file
(polynomial, box key, then key share) never leaves it and never enters the database::

    python -m kyoso.commons.algorithms.election_trustee announce ceremony.json secret.json > 1.json
    python -m kyoso.commons.algorithms.election_trustee deal     ceremony.json secret.json > 2.json
    python -m kyoso.commons.algorithms.election_trustee confirm  ceremony.json secret.json > 3.json
    python -m kyoso.commons.algorithms.election_trustee decrypt  ceremony.json secret.json > 4.json

``ceremony.json`` is downloaded from the trustee page at each step (election id, threshold, the
trustee's index, what the others published, and at the end the ciphertexts to decrypt); each
output is uploaded on the same page. Steps: (1) announce — Feldman commitments of a random
polynomial of degree k−1, a Schnorr proof for its constant and an X25519 key; (2) deal — f_i(j)
for every other trustee j, encrypted to j's X25519 key (HKDF-SHA256, ChaCha20-Poly1305);
(3) confirm — decrypt and check the shares received against their senders' commitments, keep
``s_j = Σ f_i(j)`` and publish ``g^{s_j}``; (4) decrypt — ``a^{s_j}`` for each ciphertext with
a Chaum–Pedersen proof.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kyoso.commons.algorithms import election_crypto as ec
from kyoso.commons.algorithms.election_crypto import ProofError


def _box_key(
    secret: X25519PrivateKey, peer_hex: str, election_id: str, sender: int, receiver: int
) -> bytes:
    shared = secret.exchange(X25519PublicKey.from_public_bytes(bytes.fromhex(peer_hex)))
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"kyoso-election/1/share/{election_id}/{sender}->{receiver}".encode(),
    ).derive(shared)


def _box_secret(secret: Mapping[str, Any]) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(bytes.fromhex(secret["box_secret"]))


def knowledge_context(election_id: str, index: int) -> str:
    return f"{election_id}/trustee/{index}"


def decryption_context(election_id: str, index: int, position: str) -> str:
    return f"{election_id}/decrypt/{index}/{position}"


def announce(election_id: str, index: int, threshold: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (secret to keep, public announcement) for step 1."""
    coefficients = ec.polynomial(threshold)
    box = X25519PrivateKey.generate()
    commitments = [ec.base_mul(a) for a in coefficients]
    secret = {
        "election_id": election_id,
        "index": index,
        "coefficients": [ec.hx(a) for a in coefficients],
        "box_secret": box.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ).hex(),
    }
    public = {
        "index": index,
        "commitments": [c.hex() for c in commitments],
        "proof": ec.prove_knowledge(
            coefficients[0], commitments[0], knowledge_context(election_id, index)
        ),
        "box_key": box.public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex(),
    }
    return secret, public


def check_announcement(
    election_id: str, threshold: int, message: object, index: int
) -> list[bytes]:
    """Return the commitments of a valid announcement (ProofError naming what is wrong)."""
    if not isinstance(message, dict) or message.get("index") != index:
        raise ProofError(f"trustee {index}: announcement for another trustee")
    raw = message.get("commitments")
    if not isinstance(raw, list) or len(raw) != threshold:
        raise ProofError(f"trustee {index}: expected {threshold} commitments")
    commitments = [ec.point(c, f"trustee {index} commitment") for c in raw]
    if commitments[0] == ec.IDENTITY:
        raise ProofError(f"trustee {index}: the key part is the identity")
    ec.verify_knowledge(commitments[0], message.get("proof"), knowledge_context(election_id, index))
    box_key = message.get("box_key")
    if not isinstance(box_key, str) or len(box_key) != 64:
        raise ProofError(f"trustee {index}: box_key must be 64 hex digits")
    try:
        bytes.fromhex(box_key)
    except ValueError:
        raise ProofError(f"trustee {index}: box_key is not hexadecimal") from None
    return commitments


def deal(
    secret: Mapping[str, Any], announcements: Mapping[int, Mapping[str, Any]]
) -> dict[str, Any]:
    """Return step 2: this trustee's share for every other trustee, each encrypted to them."""
    me, election_id = int(secret["index"]), secret["election_id"]
    coefficients = [int(a, 16) for a in secret["coefficients"]]
    box = _box_secret(secret)
    shares = {}
    for j, msg in sorted(announcements.items()):
        if j == me:
            continue
        nonce = os.urandom(12)
        key = _box_key(box, msg["box_key"], election_id, me, j)
        plain = ec.hx(ec.evaluate(coefficients, j)).encode()
        aad = f"{election_id}/{me}->{j}".encode()
        shares[str(j)] = {
            "nonce": nonce.hex(),
            "ct": ChaCha20Poly1305(key).encrypt(nonce, plain, aad).hex(),
        }
    return {"index": me, "shares": shares}


def confirm(
    secret: dict[str, Any],
    announcements: Mapping[int, Mapping[str, Any]],
    deals: Mapping[int, Mapping[str, Any]],
    threshold: int,
) -> dict[str, Any]:
    """Return step 3 and store the key share in ``secret``; ProofError names a cheating dealer."""
    me, election_id = int(secret["index"]), secret["election_id"]
    box = _box_secret(secret)
    own = [int(a, 16) for a in secret["coefficients"]]
    total = ec.evaluate(own, me)
    for i, msg in sorted(announcements.items()):
        if i == me:
            continue
        commitments = check_announcement(election_id, threshold, msg, i)
        boxed = deals.get(i, {}).get("shares", {}).get(str(me))
        if not isinstance(boxed, dict):
            raise ProofError(f"trustee {i} sent no share to trustee {me}")
        key = _box_key(box, msg["box_key"], election_id, i, me)
        try:
            plain = ChaCha20Poly1305(key).decrypt(
                bytes.fromhex(boxed["nonce"]),
                bytes.fromhex(boxed["ct"]),
                f"{election_id}/{i}->{me}".encode(),
            )
        except Exception as exc:
            raise ProofError(f"trustee {i}: the share for trustee {me} does not decrypt") from exc
        share = ec.scalar(plain.decode(), f"trustee {i} share")
        if ec.base_mul(share) != ec.commitments_at(commitments, me):
            raise ProofError(
                f"trustee {i}: the share for trustee {me} does not match the commitments"
            )
        total = (total + share) % ec.L
    secret["share"] = ec.hx(total)
    return {"index": me, "verification_key": ec.base_mul(total).hex()}


def decrypt(
    secret: Mapping[str, Any], ciphertexts: Sequence[Sequence[str]], positions: Sequence[str]
) -> dict[str, Any]:
    """Return step 4: a partial decryption with proof for each ciphertext (its ``a`` part)."""
    if "share" not in secret:
        raise ProofError("this secret file has no key share yet: run confirm first")
    me, election_id = int(secret["index"]), secret["election_id"]
    share = int(secret["share"], 16)
    vk = ec.base_mul(share)
    partials = []
    for ct, pos in zip(ciphertexts, positions, strict=True):
        a = ec.point(ct[0], "ciphertext")
        d, proof = ec.prove_decryption(share, vk, a, decryption_context(election_id, me, pos))
        partials.append({"d": d.hex(), "proof": proof})
    return {"index": me, "partials": partials}


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="election_trustee", description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["announce", "deal", "confirm", "decrypt"])
    parser.add_argument(
        "ceremony", type=Path, help="ceremony.json downloaded from the trustee page"
    )
    parser.add_argument("secret", type=Path, help="your secret file (created by announce)")
    args = parser.parse_args(argv)
    ceremony = json.loads(args.ceremony.read_text())
    election_id, index, k = (
        ceremony["election_id"],
        int(ceremony["index"]),
        int(ceremony["threshold"]),
    )
    if args.step == "announce":
        if args.secret.exists():
            parser.error(f"{args.secret} exists: keep it, or remove it to start over")
        secret, out = announce(election_id, index, k)
        args.secret.touch(mode=0o600)
        args.secret.write_text(json.dumps(secret))
    else:
        secret = json.loads(args.secret.read_text())
        if secret["election_id"] != election_id or int(secret["index"]) != index:
            parser.error("this secret file belongs to another election or trustee")
        announcements = {
            int(t["index"]): t["announce"] for t in ceremony["trustees"] if t.get("announce")
        }
        deals = {int(t["index"]): t["deal"] for t in ceremony["trustees"] if t.get("deal")}
        if args.step == "deal":
            out = deal(secret, announcements)
        elif args.step == "confirm":
            out = confirm(secret, announcements, deals, k)
            args.secret.write_text(json.dumps(secret))
        else:
            todo = ceremony["decrypt"]
            out = decrypt(secret, todo["ciphertexts"], todo["positions"])
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
