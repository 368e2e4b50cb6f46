"""Polis's representativeness ("repness") and group-informed consensus, on vote counts.

All functions take per-group counts: ``agree[g, j]``, ``disagree[g, j]`` and ``seen[g, j]`` for
group g and statement j (passes count as seen). Formulas follow polismath's repness.clj and
stats.clj: Laplace-smoothed rates, a one-proportion z-test against 1/2 and a two-proportion
z-test of the group against everyone else in a group, both judged at 90 % (z > 1.2816).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Z90 = 1.2816


@dataclass(frozen=True)
class RepStatement:
    """A statement that sets a group apart, with the statistics behind the choice."""

    statement_id: int
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement groups share, scored by group-informed consensus."""

    statement_id: int
    direction: str
    score: float


def prop_test(succ: NDArray[np.float64], n: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return Polis's one-proportion z statistic of ``succ`` out of ``n`` against 1/2."""
    s, m = succ + 1.0, n + 1.0
    return 2.0 * np.sqrt(m) * (s / m - 0.5)


def two_prop_test(
    succ_in: NDArray[np.float64],
    succ_out: NDArray[np.float64],
    n_in: NDArray[np.float64],
    n_out: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Return Polis's two-proportion z statistic of the in-group rate over the out-group's."""
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, n_in + 1.0, n_out + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pi = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(pi * (1.0 - pi) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(pi >= 1.0, 0.0, (p1 - p2) / denom)
    return np.nan_to_num(z)


def group_consensus(agree: NDArray[np.float64], seen: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return the product over groups of (agrees + 1) / (seen + 2) for each statement."""
    return np.prod((agree + 1.0) / (seen + 2.0), axis=0)


def repness_stats(
    agree: NDArray[np.float64], disagree: NDArray[np.float64], seen: NDArray[np.float64]
) -> dict[str, NDArray[np.float64]]:
    """Return Polis's per group × statement repness statistics (keys as in repness.clj)."""
    rest_a = agree.sum(axis=0) - agree
    rest_d = disagree.sum(axis=0) - disagree
    rest_s = seen.sum(axis=0) - seen
    pa = (agree + 1.0) / (seen + 2.0)
    pd = (disagree + 1.0) / (seen + 2.0)
    return {
        "na": agree,
        "nd": disagree,
        "ns": seen,
        "pa": pa,
        "pd": pd,
        "pat": prop_test(agree, seen),
        "pdt": prop_test(disagree, seen),
        "ra": pa / ((rest_a + 1.0) / (rest_s + 2.0)),
        "rd": pd / ((rest_d + 1.0) / (rest_s + 2.0)),
        "rat": two_prop_test(agree, rest_a, seen, rest_s),
        "rdt": two_prop_test(disagree, rest_d, seen, rest_s),
    }


def select_representative(
    agree: NDArray[np.float64],
    disagree: NDArray[np.float64],
    seen: NDArray[np.float64],
    statement_ids: NDArray[np.int64],
    *,
    excluded: NDArray[np.bool_] | None = None,
    pick_max: int = 5,
) -> list[list[RepStatement]]:
    """Return, per group, up to ``pick_max`` representative statements chosen as Polis does."""
    st = repness_stats(agree, disagree, seen)
    keep = np.ones(agree.shape[1], bool) if excluded is None else ~excluded
    return [_select_for_group(st, g, statement_ids, keep, pick_max) for g in range(len(agree))]


def select_consensus(
    agree: NDArray[np.float64],
    disagree: NDArray[np.float64],
    seen: NDArray[np.float64],
    statement_ids: NDArray[np.int64],
    *,
    excluded: NDArray[np.bool_] | None = None,
    pick_max: int = 5,
) -> list[ConsensusStatement]:
    """Return the top statements by group-informed consensus, agree ones then disagree ones."""
    out: list[ConsensusStatement] = []
    if len(agree) == 0:
        return out
    keep = np.ones(agree.shape[1], bool) if excluded is None else ~excluded
    keep &= seen.sum(axis=0) > 0
    for direction, counts in (("agree", agree), ("disagree", disagree)):
        score = group_consensus(counts, seen)
        # A statement only counts as shared if every group leans its way on the whole.
        lean = counts.sum(axis=0) * 2 > seen.sum(axis=0)
        cand = np.flatnonzero(keep & lean)
        for j in cand[np.argsort(-score[cand], kind="stable")][:pick_max]:
            out.append(ConsensusStatement(int(statement_ids[j]), direction, float(score[j])))
    return out


def _finalize(st: dict[str, NDArray[np.float64]], g: int, j: int, sid: int) -> RepStatement:
    agree_side = st["rat"][g, j] > st["rdt"][g, j]
    n, p, pt, r, rt = (
        ("na", "pa", "pat", "ra", "rat") if agree_side else ("nd", "pd", "pdt", "rd", "rdt")
    )
    return RepStatement(
        statement_id=sid,
        direction="agree" if agree_side else "disagree",
        n_success=int(st[n][g, j]),
        n_trials=int(st["ns"][g, j]),
        p_success=float(st[p][g, j]),
        p_test=float(st[pt][g, j]),
        repness=float(st[r][g, j]),
        repness_test=float(st[rt][g, j]),
    )


def _metric(r: RepStatement) -> float:
    return r.repness * r.repness_test * r.p_success * r.p_test


def _select_for_group(
    st: dict[str, NDArray[np.float64]],
    g: int,
    sids: NDArray[np.int64],
    keep: NDArray[np.bool_],
    pick_max: int,
) -> list[RepStatement]:
    na, nd, ra, rat, pa, pat = (st[k][g] for k in ("na", "nd", "ra", "rat", "pa", "pat"))
    passes = ((st["rat"][g] > Z90) & (st["pat"][g] > Z90)) | (
        (st["rdt"][g] > Z90) & (st["pdt"][g] > Z90)
    )
    sufficient = [_finalize(st, g, j, int(sids[j])) for j in np.flatnonzero(keep & passes).tolist()]
    best: RepStatement | None = None
    best_agree: int | None = None
    for j in np.flatnonzero(keep).tolist():
        z = max(st["rat"][g, j], st["rdt"][g, j])
        if not sufficient and (best is None or z > best.repness_test):
            best = _finalize(st, g, j, int(sids[j]))
        if na[j] == 0 and nd[j] == 0:
            continue
        if best_agree is not None:
            b = best_agree
            if ra[b] > 1.0:
                better = ra[j] * rat[j] * pa[j] * pat[j] > ra[b] * rat[b] * pa[b] * pat[b]
            else:
                better = pa[j] * pat[j] > pa[b] * pat[b]
        else:
            better = bool(pat[j] > Z90 or (ra[j] > 1.0 and pa[j] > 0.5))
        if better:
            best_agree = j
    head: list[RepStatement] = []
    if best_agree is not None:
        fin = _finalize(st, g, best_agree, int(sids[best_agree]))
        head = [dataclasses.replace(fin, best_agree=True)]
    elif best is not None:
        head = [best]
    if not sufficient:
        return head
    head_ids = {r.statement_id for r in head if r.best_agree}
    rest = sorted(
        (r for r in sufficient if r.statement_id not in head_ids), key=_metric, reverse=True
    )
    chosen = ([head[0]] if head_ids else []) + rest
    chosen = chosen[:pick_max]
    return [r for r in chosen if r.direction == "agree"] + [
        r for r in chosen if r.direction == "disagree"
    ]
