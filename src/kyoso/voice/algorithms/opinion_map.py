"""Opinion map of a conversation, computed as Polis does but sized for a whole city.

Pipeline (polismath conversation.clj): PCA of the mean-imputed vote matrix over every
participant, done on the sparse centred matrix (see ``opinion_pca``); sparsity-aware 2-D
coordinates for everyone; participants with at least min(7, statements) votes, once in always
in, are clustered into up to 100 base clusters and then 2–5 groups by silhouette
(``opinion_clusters``); repness and group-informed consensus on group vote counts
(``repness``). Pass the previous map's ``state`` to keep axes, k and group ids stable; without
one, the conversation's arrival order is replayed first so k and groups come out as Polis's
many warm-started updates leave them, not as one silhouette optimum (``compute_opinion_map``).

Votes use agree = +1, disagree = -1, pass = 0 (see ``vote_matrix``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from kyoso.voice.algorithms.opinion_clusters import (
    Grouping,
    KSmoother,
    base_clusters,
    choose_groups,
    match_ids,
)
from kyoso.voice.algorithms.opinion_pca import (
    PcaFit,
    fit_pca,
    one_blas_thread,
    project_rows,
    project_vector,
)
from kyoso.voice.algorithms.repness import (
    ConsensusStatement,
    RepStatement,
    group_consensus,
    select_consensus,
    select_representative,
)
from kyoso.voice.algorithms.vote_matrix import VoteMatrix, row_vector

GREEDY_MIN = 15  # Polis clusters at least this many of the most active participants
REPLAY_MAX = 5_000  # participants a history replay samples at most


@dataclass
class OpinionMapState:
    """What the next update needs to stay stable: axes, centres, k history and group ids."""

    statement_ids: NDArray[np.int64]
    components: NDArray[np.float64]
    base_centers: NDArray[np.float64]
    group_centers_by_k: dict[int, NDArray[np.float64]]
    smoother: KSmoother
    group_ids: list[int]
    group_centers: NDArray[np.float64]
    next_group_id: int
    in_conv: NDArray[np.int64]


@dataclass
class OpinionMap:
    """Coordinates, groups, representative and consensus statements of one conversation."""

    participant_ids: NDArray[np.int64]
    coords: NDArray[np.float64]  # n_participants × 2
    clustered: NDArray[np.bool_]
    labels: NDArray[np.int64]  # group id, -1 when not clustered
    group_ids: list[int]
    group_sizes: list[int]
    statement_ids: NDArray[np.int64]
    means: NDArray[np.float64]
    components: NDArray[np.float64]  # 2 × n_statements
    active: NDArray[np.bool_]
    representative: dict[int, list[RepStatement]]
    consensus: list[ConsensusStatement]
    consensus_agree: NDArray[np.float64]
    consensus_disagree: NDArray[np.float64]
    silhouettes: dict[int, float]
    state: OpinionMapState

    def project(self, votes: Mapping[int, int]) -> tuple[float, float]:
        """Return (x, y) of a participant with these {statement id: vote} on the current axes."""
        fit = PcaFit(
            self.means,
            self.components,
            self.active,
            len(self.statement_ids),
            int((~self.active).sum()),
        )
        return project_vector(row_vector(votes, self.statement_ids), fit)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of the map (inverse of ``from_dict``)."""
        return _to_plain(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OpinionMap:
        """Return the map stored by ``to_dict``."""
        s = data["state"]
        state = OpinionMapState(
            statement_ids=np.asarray(s["statement_ids"], np.int64),
            components=np.asarray(s["components"], float).reshape(2, -1),
            base_centers=np.asarray(s["base_centers"], float).reshape(-1, 2),
            group_centers_by_k={
                int(k): np.asarray(v, float).reshape(-1, 2)
                for k, v in s["group_centers_by_k"].items()
            },
            smoother=KSmoother(**s["smoother"]),
            group_ids=[int(g) for g in s["group_ids"]],
            group_centers=np.asarray(s["group_centers"], float).reshape(-1, 2),
            next_group_id=int(s["next_group_id"]),
            in_conv=np.asarray(s["in_conv"], np.int64),
        )
        return cls(
            participant_ids=np.asarray(data["participant_ids"], np.int64),
            coords=np.asarray(data["coords"], float).reshape(-1, 2),
            clustered=np.asarray(data["clustered"], bool),
            labels=np.asarray(data["labels"], np.int64),
            group_ids=[int(g) for g in data["group_ids"]],
            group_sizes=[int(n) for n in data["group_sizes"]],
            statement_ids=np.asarray(data["statement_ids"], np.int64),
            means=np.asarray(data["means"], float),
            components=np.asarray(data["components"], float).reshape(2, -1),
            active=np.asarray(data["active"], bool),
            representative={
                int(g): [RepStatement(**r) for r in reps]
                for g, reps in data["representative"].items()
            },
            consensus=[ConsensusStatement(**c) for c in data["consensus"]],
            consensus_agree=np.asarray(data["consensus_agree"], float),
            consensus_disagree=np.asarray(data["consensus_disagree"], float),
            silhouettes={int(k): float(v) for k, v in data["silhouettes"].items()},
            state=state,
        )


def compute_opinion_map(
    votes: VoteMatrix,
    *,
    moderated_out: Collection[int] = (),
    previous: OpinionMapState | None = None,
    seed: int = 0,
    min_votes: int = 7,
    base_k: int = 100,
    max_k: int = 5,
    k_buffer: int = 4,
    k_margin: float = 0.0,
    pick_max: int = 5,
    pca_method: str = "auto",
    history_steps: int = 20,
) -> OpinionMap:
    """Return the opinion map of ``votes``; ``previous`` is the last map's ``state``.

    ``moderated_out`` statement ids are zeroed as in Polis and never chosen as representative
    or consensus. ``k_buffer`` is how many consecutive updates a new best k must win before
    the map switches to it, and ``k_margin`` how much higher its silhouette must be to count
    as a win. ``seed`` drives the randomized SVD only; everything else is deterministic.

    Polis's groups are not one k-means optimum but where its warm-started k-means and k
    smoother settle after every update of the conversation. Without ``previous`` (a first fit,
    a bulk import) that history is replayed: the in-conversation participants, on the final
    axes, are clustered in ``history_steps`` growing prefixes in participant-id (arrival)
    order, each update warm-started from the last, before the final update. 1 disables it.
    """
    with one_blas_thread():
        return _compute(
            votes, moderated_out, previous, seed, min_votes,
            _ClusterOptions(base_k, max_k, k_buffer, k_margin), pick_max, pca_method,
            history_steps,
        )  # fmt: skip


def _compute(
    votes: VoteMatrix,
    moderated_out: Collection[int],
    previous: OpinionMapState | None,
    seed: int,
    min_votes: int,
    opts: _ClusterOptions,
    pick_max: int,
    pca_method: str,
    history_steps: int,
) -> OpinionMap:
    n_p, n_s = votes.shape
    active = np.ones(n_s, dtype=bool)
    active[votes.statement_positions(moderated_out)] = False

    clustered = _in_conversation(votes, min_votes, previous)
    idx = np.flatnonzero(clustered)
    if previous is None and history_steps > 1 and len(idx) >= 2:
        previous = _replay_history(
            votes, idx, active, opts, history_steps, {"seed": seed, "method": pca_method}
        )

    prev_comps = _align_components(previous, votes.statement_ids)
    fit = fit_pca(votes.votes, active, seed=seed, previous=prev_comps, method=pca_method)
    coords = project_rows(votes.votes, fit) if n_p else np.zeros((0, 2))
    labels = np.full(n_p, -1, dtype=np.int64)
    step = _cluster_step(votes.participant_ids[idx], coords[idx], previous, opts)
    if step is None:
        idx = idx[:0]
        clustered[:] = False
        next_id = previous.next_group_id if previous is not None else 0
        step = _ClusterStep(
            np.zeros((0, 2)), None, [], np.zeros((0, 2)), next_id, np.zeros(0, np.int64)
        )
    else:
        labels[idx] = np.asarray(step.ids_sorted, dtype=np.int64)[step.group_index]
    grouping, ids_sorted, group_index = step.grouping, step.ids_sorted, step.group_index

    agree, disagree, seen = group_counts(votes.votes, idx, group_index, len(ids_sorted))
    reps = select_representative(
        agree, disagree, seen, votes.statement_ids, excluded=~active, pick_max=pick_max
    )
    state = OpinionMapState(
        statement_ids=votes.statement_ids.copy(),
        components=fit.components,
        base_centers=step.base_centers,
        group_centers_by_k=grouping.clusterings if grouping is not None else {},
        smoother=grouping.smoother if grouping is not None else KSmoother(),
        group_ids=ids_sorted,
        group_centers=step.centers,
        next_group_id=step.next_id,
        in_conv=votes.participant_ids[idx],
    )
    return OpinionMap(
        participant_ids=votes.participant_ids.copy(),
        coords=coords,
        clustered=clustered,
        labels=labels,
        group_ids=ids_sorted,
        group_sizes=[int(n) for n in np.bincount(group_index, minlength=len(ids_sorted))],
        statement_ids=votes.statement_ids.copy(),
        means=fit.means,
        components=fit.components,
        active=active,
        representative=dict(zip(ids_sorted, reps, strict=True)),
        consensus=select_consensus(
            agree, disagree, seen, votes.statement_ids, excluded=~active, pick_max=pick_max
        ),
        consensus_agree=group_consensus(agree, seen),
        consensus_disagree=group_consensus(disagree, seen),
        silhouettes=grouping.silhouettes if grouping is not None else {},
        state=state,
    )


@dataclass(frozen=True)
class _ClusterOptions:
    base_k: int
    max_k: int
    k_buffer: int
    k_margin: float


@dataclass
class _ClusterStep:
    base_centers: NDArray[np.float64]
    grouping: Grouping | None
    ids_sorted: list[int]
    centers: NDArray[np.float64]
    next_id: int
    group_index: NDArray[np.int64]  # each clustered participant's position in ids_sorted


def _cluster_step(
    ids: NDArray[np.int64],
    points: NDArray[np.float64],
    previous: OpinionMapState | None,
    opts: _ClusterOptions,
) -> _ClusterStep | None:
    # One Polis update of base clusters, groups for each k, the k smoother and group ids.
    if len(ids) < 2:
        return None
    bcent, blab, bsize = base_clusters(
        points, previous.base_centers if previous is not None else None, opts.base_k
    )
    grouping = choose_groups(
        bcent,
        bsize,
        max_k=opts.max_k,
        previous=previous.group_centers_by_k if previous is not None else None,
        smoother=dataclasses.replace(previous.smoother) if previous is not None else None,
        k_buffer=opts.k_buffer,
        k_margin=opts.k_margin,
    )
    gsizes = np.bincount(
        grouping.base_labels, weights=bsize, minlength=len(grouping.centers)
    ).astype(float)
    ids_new, next_id = match_ids(
        grouping.centers,
        gsizes,
        previous.group_centers if previous is not None else None,
        previous.group_ids if previous is not None else None,
        previous.next_group_id if previous is not None else 0,
    )
    order = np.argsort(ids_new)
    rank = np.empty(len(ids_new), dtype=np.int64)
    rank[order] = np.arange(len(ids_new))
    return _ClusterStep(
        bcent,
        grouping,
        [ids_new[i] for i in order],
        grouping.centers[order],
        next_id,
        rank[grouping.base_labels[blab]],
    )


def _replay_history(
    matrix: VoteMatrix,
    rows: NDArray[np.int64],
    active: NDArray[np.bool_],
    opts: _ClusterOptions,
    steps: int,
    fit_kwargs: dict[str, Any],
) -> OpinionMapState | None:
    # Growing prefixes in id order, each a full warm-started update (see compute_opinion_map).
    votes, ids = matrix.votes, matrix.participant_ids
    rows = rows[np.argsort(ids[rows], kind="stable")]
    # History only has to settle k and the starting centres: a city's replay runs on an
    # evenly strided sample (still in arrival order), which keeps it a fraction of one fit.
    rows = rows[:: -(-len(rows) // REPLAY_MAX)]
    state: OpinionMapState | None = None
    comps: NDArray[np.float64] | None = None
    sizes = sorted({max(GREEDY_MIN, len(rows) * i // steps) for i in range(1, steps)})
    for size in sizes:
        if size >= len(rows):
            break
        take = rows[:size]
        sub = votes[take]
        fit = fit_pca(sub, active, previous=comps, **fit_kwargs)
        comps = fit.components
        step = _cluster_step(ids[take], project_rows(sub, fit), state, opts)
        if step is None or step.grouping is None:
            continue
        state = OpinionMapState(
            statement_ids=matrix.statement_ids,
            components=comps,
            base_centers=step.base_centers,
            group_centers_by_k=step.grouping.clusterings,
            smoother=step.grouping.smoother,
            group_ids=step.ids_sorted,
            group_centers=step.centers,
            next_group_id=step.next_id,
            in_conv=ids[take],
        )
    return state


def group_counts(
    votes: sp.csr_array, rows: NDArray[np.int64], group_of_row: NDArray[np.int64], n_groups: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Return (agree, disagree, seen) counts, each n_groups × n_statements."""
    member = sp.csr_array(
        (np.ones(len(rows)), (group_of_row, rows)), shape=(n_groups, votes.shape[0])
    )

    def count(data: NDArray[np.float64]) -> NDArray[np.float64]:
        m = sp.csr_array((data, votes.indices, votes.indptr), shape=votes.shape)
        return np.asarray((member @ m).toarray(), dtype=np.float64)

    d = votes.data
    return (
        count((d > 0).astype(np.float64)),
        count((d < 0).astype(np.float64)),
        count(np.ones_like(d)),
    )


def _in_conversation(
    votes: VoteMatrix, min_votes: int, previous: OpinionMapState | None
) -> NDArray[np.bool_]:
    n_s = votes.shape[1]
    counts = votes.seen_counts()
    inside = counts >= min(min_votes, n_s)
    if previous is not None and len(previous.in_conv):
        inside |= np.isin(votes.participant_ids, previous.in_conv)
    missing = GREEDY_MIN - int(inside.sum())
    if missing > 0:
        # Polis tops small conversations up with the most active remaining voters.
        cand = np.flatnonzero(~inside & (counts > 0))
        inside[cand[np.argsort(-counts[cand], kind="stable")[:missing]]] = True
    return inside


def _align_components(
    previous: OpinionMapState | None, statement_ids: NDArray[np.int64]
) -> NDArray[np.float64] | None:
    if previous is None:
        return None
    out = np.full((2, len(statement_ids)), np.nan)
    pos = np.searchsorted(previous.statement_ids, statement_ids)
    pos = np.clip(pos, 0, max(len(previous.statement_ids) - 1, 0))
    ok = len(previous.statement_ids) > 0
    if ok:
        hit = previous.statement_ids[pos] == statement_ids
        out[:, hit] = previous.components[:, pos[hit]]
    return out


def _to_plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
