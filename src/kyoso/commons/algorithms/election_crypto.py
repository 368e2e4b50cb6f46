"""Election cryptography: exponential ElGamal with zero-knowledge proofs and a k-of-n key.

Django-free; anyone can run it (``election_verifier``) on a published record.

Group: the prime-order subgroup of edwards25519 (order ``L = 2^252 + 27742…493``), with
libsodium's constant-time point arithmetic through PyNaCl. Chosen over an RFC 3526/7919 MODP
group because one scalar multiplication costs ~0.13 ms against ~0.46 ms for a 2048-bit modular
exponentiation with a 256-bit exponent (GMP) — and a MODP safe-prime group needs 2047-bit
exponents in its proofs, another ×8. Every point read from outside is checked with
``crypto_core_ed25519_is_valid_point`` (canonical encoding, on the curve, in the prime-order
subgroup, not of small order), so the cofactor of edwards25519 plays no part. The identity is
encoded as ``01 00…00`` and handled apart (libsodium refuses to return it).

* Exponential ElGamal: ``Enc(m; r) = (g^r, h^r · g^m)``; ciphertexts multiply to add plaintexts.
* Proofs (Fiat–Shamir with SHA-512 over length-prefixed parts and a domain string
  ``kyoso-election/1/<purpose>``, bound to the election id and the public key):
  ``prove_one_of`` — a disjunctive Chaum–Pedersen proof (Cramer–Damgård–Schoenmakers) that a
  tuple of ciphertexts encrypts one of a list of plaintext tuples: 0/1 choices, small ranges,
  (v, v²) pairs for quadratic voting, and with one candidate "encrypts exactly X";
  ``prove_range`` — small ranges directly, larger ones by a 0/1 proof on each bit of
  ``value - lo`` and of ``hi - value``; ``prove_decryption`` — Chaum–Pedersen equality of
  discrete logs for a trustee's partial decryption; ``prove_knowledge`` — Schnorr.
* Threshold key (joint-Feldman DKG, Pedersen 1991): trustee i picks a random polynomial f_i of
  degree k−1, publishes ``C_ij = g^{a_ij}`` with a Schnorr proof for ``a_i0``, and sends
  ``f_i(j)`` to trustee j encrypted with X25519 + HKDF + ChaCha20-Poly1305 (``cryptography``).
  Trustee j checks each share against the commitments and keeps ``s_j = Σ_i f_i(j)``; the
  election key is ``h = Π_i C_i0`` and nobody ever holds its secret. Any k trustees decrypt
  ``A^x`` by Lagrange interpolation in the exponent of their partial decryptions.
* Verifiable shuffle (for ranked ballots): a re-encryption mix with a Sako–Kilian
  cut-and-choose proof over ``SHUFFLE_ROUNDS`` shadow mixes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nacl import bindings as _na

L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = (1).to_bytes(32, "little")
GROUP_NAME = "edwards25519-prime-order-subgroup/libsodium"
SHUFFLE_ROUNDS = 40


class ProofError(ValueError):
    """A point, ciphertext or proof that does not check; the message says which."""


# --- group ---------------------------------------------------------------------------------


def _sc(k: int) -> bytes:
    return (k % L).to_bytes(32, "little")


def base_mul(k: int) -> bytes:
    """Return g^k."""
    k %= L
    return IDENTITY if k == 0 else _na.crypto_scalarmult_ed25519_base_noclamp(_sc(k))


def mul(point: bytes, k: int) -> bytes:
    """Return point^k."""
    k %= L
    if k == 0 or point == IDENTITY:
        return IDENTITY
    return _na.crypto_scalarmult_ed25519_noclamp(_sc(k), point)


def add(p: bytes, q: bytes) -> bytes:
    """Return the group product p·q (point addition)."""
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    return _na.crypto_core_ed25519_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    """Return p·q⁻¹."""
    if q == IDENTITY:
        return p
    if p == IDENTITY:
        return _na.crypto_core_ed25519_sub(IDENTITY, q)
    return _na.crypto_core_ed25519_sub(p, q)


G = base_mul(1)


def point(value: str | bytes, what: str = "point") -> bytes:
    """Return a point from hex (or bytes), refusing anything outside the prime-order group."""
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else bytes(value)
    except ValueError:
        raise ProofError(f"{what}: not hexadecimal") from None
    if raw == IDENTITY:
        return raw
    if len(raw) != 32 or not _na.crypto_core_ed25519_is_valid_point(raw):
        raise ProofError(f"{what}: not a point of the prime-order group")
    return raw


def scalar(value: str | int, what: str = "scalar") -> int:
    """Return a scalar from hex (or int), refusing values outside [0, L)."""
    try:
        k = int(value, 16) if isinstance(value, str) else int(value)
    except ValueError:
        raise ProofError(f"{what}: not hexadecimal") from None
    if not 0 <= k < L:
        raise ProofError(f"{what}: out of range")
    return k


def hx(k: int) -> str:
    """Return a scalar as 64 hex digits."""
    return f"{k % L:064x}"


def random_scalar() -> int:
    """Return a uniformly random non-zero scalar."""
    return 1 + secrets.randbelow(L - 1)


def hash_to_scalar(purpose: str, *parts: bytes | str | int) -> int:
    """Return the Fiat–Shamir challenge of a transcript, domain-separated by ``purpose``."""
    h = hashlib.sha512()
    for part in (f"kyoso-election/1/{purpose}", *parts):
        raw = (
            part.encode()
            if isinstance(part, str)
            else part.to_bytes(32, "little")
            if isinstance(part, int)
            else part
        )
        h.update(len(raw).to_bytes(4, "big"))
        h.update(raw)
    return int.from_bytes(h.digest(), "little") % L


# --- ElGamal -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ciphertext:
    a: bytes  # g^r
    b: bytes  # h^r · g^m

    def to_json(self) -> list[str]:
        return [self.a.hex(), self.b.hex()]

    @classmethod
    def from_json(cls, value: object, what: str = "ciphertext") -> Ciphertext:
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ProofError(f"{what}: a ciphertext is a pair of points")
        return cls(point(value[0], what), point(value[1], what))

    def __mul__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(add(self.a, other.a), add(self.b, other.b))


ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(pk: bytes, m: int, r: int | None = None) -> tuple[Ciphertext, int]:
    """Return (Enc(m; r), r) under public key ``pk``."""
    r = random_scalar() if r is None else r % L
    return Ciphertext(base_mul(r), add(mul(pk, r), base_mul(m))), r


def product(cts: Iterable[Ciphertext]) -> Ciphertext:
    """Return the homomorphic sum of ciphertexts."""
    out = ZERO
    for c in cts:
        out = out * c
    return out


def power(ct: Ciphertext, k: int) -> Ciphertext:
    """Return the ciphertext of k times the plaintext."""
    return Ciphertext(mul(ct.a, k), mul(ct.b, k))


# --- proofs --------------------------------------------------------------------------------


def prove_one_of(
    pk: bytes,
    cts: Sequence[Ciphertext],
    rs: Sequence[int],
    candidates: Sequence[Sequence[int]],
    index: int,
    context: str,
) -> dict[str, list[str]]:
    """Return a proof that ``cts`` encrypt ``candidates[j]`` for some j (the real one: index).

    Each branch j proves, with one challenge c_j and a response per ciphertext, that
    ``(a_k, b_k / g^{m_jk})`` is a Diffie–Hellman tuple with (g, h); the challenges sum to the
    Fiat–Shamir hash of the statement and every commitment.
    """
    n = len(candidates)
    commits: list[list[bytes]] = []
    cs, zs = [0] * n, [[0] * len(cts) for _ in range(n)]
    ws = [random_scalar() for _ in cts]
    for j, cand in enumerate(candidates):
        if j == index:
            commits.append([x for w in ws for x in (base_mul(w), mul(pk, w))])
            continue
        cs[j] = random_scalar()
        zs[j] = [random_scalar() for _ in cts]
        row = []
        for k, ct in enumerate(cts):
            shifted = sub(ct.b, base_mul(cand[k]))
            row.append(sub(base_mul(zs[j][k]), mul(ct.a, cs[j])))
            row.append(sub(mul(pk, zs[j][k]), mul(shifted, cs[j])))
        commits.append(row)
    c = _one_of_challenge(pk, cts, candidates, commits, context)
    cs[index] = (c - sum(cs)) % L
    zs[index] = [(w + cs[index] * r) % L for w, r in zip(ws, rs, strict=True)]
    return {"c": [hx(x) for x in cs], "z": [hx(z) for row in zs for z in row]}


def _one_of_challenge(
    pk: bytes,
    cts: Sequence[Ciphertext],
    candidates: Sequence[Sequence[int]],
    commits: Sequence[Sequence[bytes]],
    context: str,
) -> int:
    parts: list[bytes | str | int] = [context, pk]
    parts += [x for ct in cts for x in (ct.a, ct.b)]
    parts += [m % L for cand in candidates for m in cand]
    parts += [x for row in commits for x in row]
    return hash_to_scalar("one-of", *parts)


def verify_one_of(
    pk: bytes,
    cts: Sequence[Ciphertext],
    candidates: Sequence[Sequence[int]],
    proof: object,
    context: str,
) -> None:
    """Raise ProofError unless ``proof`` shows ``cts`` encrypt one of ``candidates``."""
    if not isinstance(proof, dict) or set(proof) != {"c", "z"}:
        raise ProofError("proof: expected {c, z}")
    n, m = len(candidates), len(cts)
    if not isinstance(proof["c"], list) or not isinstance(proof["z"], list):
        raise ProofError("proof: c and z are lists")
    if len(proof["c"]) != n or len(proof["z"]) != n * m:
        raise ProofError("proof: wrong number of challenges or responses")
    cs = [scalar(x, "proof challenge") for x in proof["c"]]
    zs = [scalar(x, "proof response") for x in proof["z"]]
    commits = []
    for j, cand in enumerate(candidates):
        row = []
        for k, ct in enumerate(cts):
            z = zs[j * m + k]
            shifted = sub(ct.b, base_mul(cand[k]))
            row.append(sub(base_mul(z), mul(ct.a, cs[j])))
            row.append(sub(mul(pk, z), mul(shifted, cs[j])))
        commits.append(row)
    if sum(cs) % L != _one_of_challenge(pk, cts, candidates, commits, context):
        raise ProofError("proof: the challenges do not match the statement")


SMALL_RANGE = 12


def prove_range(
    pk: bytes, ct: Ciphertext, r: int, value: int, lo: int, hi: int, context: str
) -> dict[str, object]:
    """Return a proof that ``ct`` encrypts an integer in [lo, hi] (``value``, randomness r)."""
    if not lo <= value <= hi:
        raise ValueError("value out of range")
    if hi - lo < SMALL_RANGE:
        cands = [(v,) for v in range(lo, hi + 1)]
        return {"one_of": prove_one_of(pk, [ct], [r], cands, value - lo, context)}
    nbits = (hi - lo).bit_length()
    out: dict[str, object] = {}
    for side, target, sign in (("low", value - lo, 1), ("high", hi - value, -1)):
        bits, proofs = [], []
        rsum = 0
        for i in range(nbits):
            bit = (target >> i) & 1
            bct, br = encrypt(pk, bit)
            bits.append(bct)
            proofs.append(prove_one_of(pk, [bct], [br], [(0,), (1,)], bit, f"{context}/{side}{i}"))
            rsum = (rsum + br * (1 << i)) % L
        # Σ 2^i·bit_i − sign·(value) encrypts −lo (low side) or hi (high side), randomness known.
        combined = product(power(b, 1 << i) for i, b in enumerate(bits))
        diff = combined * power(ct, -sign)
        const = -lo if sign == 1 else hi
        rdiff = (rsum - sign * r) % L
        out[side] = {
            "bits": [b.to_json() for b in bits],
            "bit_proofs": proofs,
            "sum_proof": prove_one_of(pk, [diff], [rdiff], [(const,)], 0, f"{context}/{side}"),
        }
    return out


def verify_range(pk: bytes, ct: Ciphertext, lo: int, hi: int, proof: object, context: str) -> None:
    """Raise ProofError unless ``proof`` shows ``ct`` encrypts an integer in [lo, hi]."""
    if not isinstance(proof, dict):
        raise ProofError("range proof: expected an object")
    if hi - lo < SMALL_RANGE:
        cands = [(v,) for v in range(lo, hi + 1)]
        verify_one_of(pk, [ct], cands, proof.get("one_of"), context)
        return
    nbits = (hi - lo).bit_length()
    for side, sign in (("low", 1), ("high", -1)):
        part = proof.get(side)
        if not isinstance(part, dict) or len(part.get("bits", ())) != nbits:
            raise ProofError("range proof: wrong number of bits")
        bit_proofs = part.get("bit_proofs")
        if not isinstance(bit_proofs, list) or len(bit_proofs) != nbits:
            raise ProofError("range proof: wrong number of bit proofs")
        bits = [Ciphertext.from_json(b, "range bit") for b in part["bits"]]
        for i, (b, bp) in enumerate(zip(bits, bit_proofs, strict=True)):
            verify_one_of(pk, [b], [(0,), (1,)], bp, f"{context}/{side}{i}")
        combined = product(power(b, 1 << i) for i, b in enumerate(bits))
        diff = combined * power(ct, -sign)
        const = -lo if sign == 1 else hi
        verify_one_of(pk, [diff], [(const,)], part.get("sum_proof"), f"{context}/{side}")


def prove_knowledge(secret: int, public: bytes, context: str) -> dict[str, str]:
    """Return a Schnorr proof of knowledge of ``secret`` with ``public = g^secret``."""
    w = random_scalar()
    commit = base_mul(w)
    c = hash_to_scalar("knowledge", context, public, commit)
    return {"commit": commit.hex(), "z": hx(w + c * secret)}


def verify_knowledge(public: bytes, proof: object, context: str) -> None:
    """Raise ProofError unless ``proof`` shows knowledge of the discrete log of ``public``."""
    if not isinstance(proof, dict):
        raise ProofError("knowledge proof: expected an object")
    commit = point(proof.get("commit", ""), "knowledge proof")
    z = scalar(proof.get("z", ""), "knowledge proof")
    c = hash_to_scalar("knowledge", context, public, commit)
    if base_mul(z) != add(commit, mul(public, c)):
        raise ProofError("knowledge proof: does not check")


def prove_decryption(share: int, vk: bytes, a: bytes, context: str) -> tuple[bytes, dict[str, str]]:
    """Return ``a^share`` and a Chaum–Pedersen proof that log_g(vk) = log_a(a^share)."""
    d = mul(a, share)
    w = random_scalar()
    t1, t2 = base_mul(w), mul(a, w)
    c = hash_to_scalar("decryption", context, vk, a, d, t1, t2)
    return d, {"t1": t1.hex(), "t2": t2.hex(), "z": hx(w + c * share)}


def verify_decryption(vk: bytes, a: bytes, d: bytes, proof: object, context: str) -> None:
    """Raise ProofError unless ``d = a^s`` for the s with ``vk = g^s``."""
    if not isinstance(proof, dict):
        raise ProofError("decryption proof: expected an object")
    t1 = point(proof.get("t1", ""), "decryption proof")
    t2 = point(proof.get("t2", ""), "decryption proof")
    z = scalar(proof.get("z", ""), "decryption proof")
    c = hash_to_scalar("decryption", context, vk, a, d, t1, t2)
    if base_mul(z) != add(t1, mul(vk, c)) or mul(a, z) != add(t2, mul(d, c)):
        raise ProofError("decryption proof: does not check")


# --- threshold key (joint-Feldman DKG) -----------------------------------------------------


def lagrange_at_zero(index: int, indices: Sequence[int]) -> int:
    """Return the Lagrange coefficient of ``index`` for interpolating at 0 over ``indices``."""
    num, den = 1, 1
    for j in indices:
        if j != index:
            num = num * j % L
            den = den * (j - index) % L
    return num * pow(den, -1, L) % L


def polynomial(k: int) -> list[int]:
    """Return a random polynomial of degree k−1 (its coefficients)."""
    return [random_scalar() for _ in range(k)]


def evaluate(coefficients: Sequence[int], x: int) -> int:
    """Return f(x) mod L."""
    out = 0
    for a in reversed(coefficients):
        out = (out * x + a) % L
    return out


def commitments_at(commitments: Sequence[bytes], x: int) -> bytes:
    """Return g^{f(x)} from the Feldman commitments g^{a_j}."""
    out, xp = IDENTITY, 1
    for c in commitments:
        out = add(out, mul(c, xp))
        xp = xp * x % L
    return out


def verification_key(all_commitments: Sequence[Sequence[bytes]], index: int) -> bytes:
    """Return g^{s_index}, trustee ``index``'s share of the election key, from public data."""
    out = IDENTITY
    for commitments in all_commitments:
        out = add(out, commitments_at(commitments, index))
    return out


def joint_public_key(all_commitments: Sequence[Sequence[bytes]]) -> bytes:
    """Return the election public key Π_i C_i0."""
    out = IDENTITY
    for commitments in all_commitments:
        out = add(out, commitments[0])
    return out


def combine(partials: dict[int, bytes], b: bytes) -> bytes:
    """Return g^m from b = h^r·g^m and k partial decryptions {index: a^{s_index}}."""
    indices = sorted(partials)
    ax = IDENTITY
    for i in indices:
        ax = add(ax, mul(partials[i], lagrange_at_zero(i, indices)))
    return sub(b, ax)


class DiscreteLog:
    """Baby-step giant-step table for g^m with |m| ≤ bound (the totals of a tally)."""

    def __init__(self, bound: int) -> None:
        self.bound = max(1, bound)
        self.step = int(self.bound**0.5) + 1
        self.table: dict[bytes, int] = {}
        acc = IDENTITY
        for i in range(self.step):
            self.table[acc] = i
            acc = add(acc, G)
        self.giant = base_mul(-self.step)

    def solve(self, target: bytes) -> int:
        """Return m with g^m = target, trying m in [−bound, bound]; ProofError if none."""
        for sign in (1, -1):
            acc = target if sign == 1 else sub(IDENTITY, target)
            for j in range(self.step + 1):
                i = self.table.get(acc)
                if i is not None and j * self.step + i <= self.bound:
                    return sign * (j * self.step + i)
                acc = add(acc, self.giant)
        raise ProofError("decryption: the total is out of range")


# --- verifiable shuffle (Sako–Kilian cut-and-choose) -----------------------------------------

Row = list[Ciphertext]


def _reencrypt(pk: bytes, row: Row, rs: Sequence[int]) -> Row:
    return [
        Ciphertext(add(c.a, base_mul(r)), add(c.b, mul(pk, r)))
        for c, r in zip(row, rs, strict=True)
    ]


def _permute(
    pk: bytes, rows: Sequence[Row], perm: Sequence[int], rand: Sequence[Sequence[int]]
) -> list[Row]:
    return [_reencrypt(pk, rows[perm[i]], rand[i]) for i in range(len(perm))]


def _random_perm(n: int) -> list[int]:
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def _rows_digest(rows: Sequence[Row]) -> bytes:
    h = hashlib.sha512()
    for row in rows:
        for c in row:
            h.update(c.a + c.b)
    return h.digest()


def shuffle(
    pk: bytes, rows: Sequence[Row], context: str, rounds: int = SHUFFLE_ROUNDS
) -> tuple[list[Row], dict[str, object]]:
    """Return the rows re-encrypted in a secret random order, and a proof of the shuffle.

    Sako–Kilian: the mixer makes ``rounds`` shadow mixes of the input; a Fiat–Shamir bit per
    shadow asks it to open either input→shadow or shadow→output. A mixer that changed a ballot
    can answer only one of the two for each shadow, so it is caught unless it guesses all bits
    (probability 2^−rounds per try of its Fiat–Shamir grinding).
    """
    n = len(rows)
    width = len(rows[0]) if rows else 0
    perm = _random_perm(n)
    rand = [[random_scalar() for _ in range(width)] for _ in range(n)]
    out = _permute(pk, rows, perm, rand)
    shadows = []
    for _ in range(rounds):
        sperm = _random_perm(n)
        srand = [[random_scalar() for _ in range(width)] for _ in range(n)]
        shadows.append((sperm, srand, _permute(pk, rows, sperm, srand)))
    bits = _shuffle_bits(pk, rows, out, [s[2] for s in shadows], context, rounds)
    openings = []
    for bit, (sperm, srand, _shadow) in zip(bits, shadows, strict=True):
        if bit == 0:
            openings.append({"perm": sperm, "rand": [[hx(r) for r in row] for row in srand]})
        else:
            inv = [0] * n
            for j, s in enumerate(sperm):
                inv[s] = j
            phi = [inv[perm[i]] for i in range(n)]
            delta = [[(rand[i][w] - srand[phi[i]][w]) % L for w in range(width)] for i in range(n)]
            openings.append({"perm": phi, "rand": [[hx(r) for r in row] for row in delta]})
    proof = {
        "rounds": rounds,
        "shadows": [[[c.to_json() for c in row] for row in s[2]] for s in shadows],
        "openings": openings,
    }
    return out, proof


def _shuffle_bits(
    pk: bytes,
    rows: Sequence[Row],
    out: Sequence[Row],
    shadows: Sequence[Sequence[Row]],
    context: str,
    rounds: int,
) -> list[int]:
    digest = hash_to_scalar(
        "shuffle",
        context,
        pk,
        _rows_digest(rows),
        _rows_digest(out),
        *(_rows_digest(s) for s in shadows),
    )
    seed = hashlib.sha512(digest.to_bytes(32, "little")).digest()
    while len(seed) * 8 < rounds:
        seed += hashlib.sha512(seed).digest()
    return [(seed[i // 8] >> (i % 8)) & 1 for i in range(rounds)]


def verify_shuffle(
    pk: bytes,
    rows: Sequence[Row],
    out: Sequence[Row],
    proof: object,
    context: str,
    min_rounds: int = SHUFFLE_ROUNDS,
) -> None:
    """Raise ProofError unless ``out`` is a re-encrypted permutation of ``rows``."""
    if not isinstance(proof, dict):
        raise ProofError("shuffle proof: expected an object")
    rounds = proof.get("rounds")
    if not isinstance(rounds, int) or rounds < min_rounds:
        raise ProofError(f"shuffle proof: fewer than {min_rounds} rounds")
    n = len(rows)
    if len(out) != n:
        raise ProofError("shuffle: the mix changed the number of ballots")
    width = len(rows[0]) if rows else 0
    raw_shadows, openings = proof.get("shadows"), proof.get("openings")
    if (
        not isinstance(raw_shadows, list)
        or not isinstance(openings, list)
        or len(raw_shadows) != rounds
        or len(openings) != rounds
    ):
        raise ProofError("shuffle proof: wrong number of shadows")
    shadows = [[[Ciphertext.from_json(c, "shadow") for c in row] for row in s] for s in raw_shadows]
    bits = _shuffle_bits(pk, rows, out, shadows, context, rounds)
    for bit, shadow, opening in zip(bits, shadows, openings, strict=True):
        perm = opening.get("perm") if isinstance(opening, dict) else None
        rand_raw = opening.get("rand") if isinstance(opening, dict) else None
        if (
            not isinstance(perm, list)
            or sorted(perm) != list(range(n))
            or not isinstance(rand_raw, list)
            or len(rand_raw) != n
        ):
            raise ProofError("shuffle proof: an opening is not a permutation")
        rand = [[scalar(r, "shuffle opening") for r in row] for row in rand_raw]
        if any(len(row) != width for row in rand) or any(len(row) != width for row in shadow):
            raise ProofError("shuffle proof: wrong width")
        src, dst = (rows, shadow) if bit == 0 else (shadow, out)
        if _permute(pk, src, perm, rand) != [list(r) for r in dst]:
            raise ProofError("shuffle proof: a shadow mix does not open")
