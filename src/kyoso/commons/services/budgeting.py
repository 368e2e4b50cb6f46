"""Participatory budgeting: rounds, ballots, results by greedy or MES, pabulib import/export."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons.models import BallotType, PbBallot, PbElectorate, PbProject, PbRound, PbRule
from kyoso.core.access import may_vote_in, require_actor, require_role
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record

if TYPE_CHECKING:
    import numpy as np

    from kyoso.commons.algorithms.participatory_budget import (
        PBProject,
        PBResult,
        Utility,
    )


@transaction.atomic
def pb_round_create(
    *,
    city: City,
    actor: User,
    title: str,
    budget: int,
    ballot_type: str,
    rule: str,
    opens_at: datetime,
    closes_at: datetime,
    projects: list[tuple[str, str, int]],
    description: str = "",
    points_per_voter: int = 10,
    max_choices: int = 5,
    electorate: str = PbElectorate.RESIDENTS,
) -> PbRound:
    """Return a new round with its projects (code, title, cost); staff only, audited.

    ``electorate``: residents of the city, or verified residents only (the city's own voting
    rule may ask for verified residents in every round).
    """
    require_role(actor, city, Role.STAFF)
    if electorate not in PbElectorate.values:
        raise DomainError(_("Choose who may vote."), field="electorate")
    if ballot_type not in BallotType.values:
        raise DomainError(_("Choose a ballot type."), field="ballot_type")
    if rule not in PbRule.values:
        raise DomainError(_("Choose a rule."), field="rule")
    if budget <= 0:
        raise DomainError(_("Give a budget above zero."), field="budget")
    if closes_at <= opens_at:
        raise DomainError(_("The round must close after it opens."), field="closes_at")
    codes = [c for c, _t, _cost in projects]
    if not projects or len(set(codes)) != len(codes) or any(cost < 0 for *_x, cost in projects):
        raise DomainError(_("Give projects with different ids and costs."), field="projects")
    pb = PbRound.objects.create(
        city=city, title=title.strip()[:160] or _("Participatory budget"),
        description=description.strip(), budget=budget, ballot_type=ballot_type, rule=rule,
        opens_at=opens_at, closes_at=closes_at, points_per_voter=points_per_voter,
        max_choices=max_choices, created_by=actor, electorate=electorate,
    )  # fmt: skip
    PbProject.objects.bulk_create(
        [
            PbProject(city=city, round=pb, code=c[:40], title=t[:160], cost=cost)
            for c, t, cost in projects
        ]
    )
    audit_record(
        city=city, actor=actor, action="commons.pb.create", obj=pb,
        details={"budget": budget, "electorate": electorate},
    )  # fmt: skip
    return pb


@transaction.atomic
def pb_ballot_cast(*, city: City, pb: PbRound, user: User, choices: dict[str, int]) -> PbBallot:
    """Return the person's ballot (replacing an earlier one while the round is open)."""
    now = timezone.now()
    if pb.city_id != city.pk or not pb.opens_at <= now < pb.closes_at:
        raise ConflictError(_("This round is not open."), field="round")
    verified = pb.electorate == PbElectorate.VERIFIED
    if not may_vote_in(user, city, verified=verified):
        if verified or city.rule("voting", "registered") == "verified":
            raise PermissionDeniedError(_("Only verified residents of this city can vote."))
        raise PermissionDeniedError(_("Only residents of the city can vote."))
    codes = set(pb.projects.values_list("code", flat=True))
    clean = {k: int(v) for k, v in choices.items() if int(v) != 0}
    if set(clean) - codes:
        raise DomainError(
            _("The ballot names a project that is not in this round."), field="choices"
        )
    if any(v < 0 for v in clean.values()):
        raise DomainError(_("Points cannot be negative."), field="choices")
    if pb.ballot_type == BallotType.APPROVAL:
        if any(v != 1 for v in clean.values()) or len(clean) > pb.max_choices:
            raise DomainError(
                _("Choose at most %(n)s projects.") % {"n": pb.max_choices}, field="choices"
            )
    elif sum(clean.values()) > pb.points_per_voter:
        raise DomainError(
            _("Share at most %(n)s points.") % {"n": pb.points_per_voter}, field="choices"
        )
    ballot, _created = PbBallot.objects.update_or_create(
        city=city, round=pb, voter=user, defaults={"choices": clean}
    )
    return ballot


def pb_inputs(pb: PbRound) -> tuple[list[PBProject], np.ndarray, list[PbProject]]:
    """Return the pure-module inputs of a round: projects and the voters × projects matrix."""
    import numpy as np

    from kyoso.commons.algorithms.participatory_budget import PBProject

    rows = list(pb.projects.order_by("code"))
    projects = [PBProject(p.code, int(p.cost)) for p in rows]
    column = {p.code: j for j, p in enumerate(rows)}
    ballots = list(pb.ballots.values_list("choices", flat=True))
    matrix = np.zeros((len(ballots), len(rows)), dtype=np.int64)
    for i, choices in enumerate(ballots):
        for code, value in choices.items():
            if code in column:
                matrix[i, column[code]] = int(value)
    return projects, matrix, rows


def pb_compute(pb: PbRound) -> PBResult:
    """Return the round's outcome under its rule (MES is completed by raising the budget)."""
    from kyoso.commons.algorithms.participatory_budget import equal_shares, greedy

    projects, matrix, _rows = pb_inputs(pb)
    utility: Utility = "score" if pb.ballot_type == BallotType.CUMULATIVE else "cost"
    if pb.rule == PbRule.GREEDY:
        return greedy(projects, int(pb.budget), matrix, utility=utility)
    voters = max(matrix.shape[0], 1)
    increment = max(1, int(pb.budget) // voters // 100)
    return equal_shares(
        projects, int(pb.budget), matrix, utility=utility, increment=increment,
        complete_with_greedy=True,
    )  # fmt: skip


@transaction.atomic
def pb_round_tally(*, city: City, actor: User, pb: PbRound) -> dict[str, Any]:
    """Return and store the result of a closed round (audited)."""
    require_actor(actor, city, Role.STAFF)
    if timezone.now() < pb.closes_at:
        raise ConflictError(_("The round is still open."), field="round")
    result = pb_compute(pb)
    _projects, matrix, rows = pb_inputs(pb)
    pb.result = {
        "rule": result.rule,
        "selected": list(result.selected),
        "total_cost": result.total_cost,
        "budget": result.budget,
        "completed_by": result.completed_by,
        "tie_break": result.tie_break,
        "voters": int(matrix.shape[0]),
        "votes": {p.code: int(v) for p, v in zip(rows, matrix.sum(axis=0), strict=True)},
        "computed_at": timezone.now().isoformat(),
    }
    pb.save(update_fields=["result"])
    audit_record(city=city, actor=actor, action="commons.pb.tally", obj=pb,
                 details={"selected": list(result.selected)})  # fmt: skip
    return pb.result


def pb_export(pb: PbRound) -> str:
    """Return the round as a pabulib .pb file."""
    import numpy as np

    from kyoso.commons.algorithms import pabulib

    projects, matrix, rows = pb_inputs(pb)
    cumulative = pb.ballot_type == BallotType.CUMULATIVE
    votes, points = [], []
    for row in matrix:
        idx = list(np.flatnonzero(row))
        votes.append(tuple(rows[j].code for j in idx))
        points.append(tuple(int(row[j]) for j in idx))
    meta = {
        "description": pb.title,
        "country": "Japan",
        "unit": pb.city.name_en,
        "instance": str(pb.pk),
        "budget": str(pb.budget),
        "vote_type": "cumulative" if cumulative else "approval",
        "rule": "equalshares" if pb.rule == PbRule.MES else "greedy",
        "date_begin": pb.opens_at.date().isoformat(),
        "date_end": pb.closes_at.date().isoformat(),
        "currency": "JPY",
    }
    if cumulative:
        meta["max_sum_points"] = str(pb.points_per_voter)
    else:
        meta["max_length"] = str(pb.max_choices)
    election = pabulib.PabulibElection(
        meta=meta,
        projects=tuple(projects),
        votes=tuple(votes),
        points=tuple(points) if cumulative else None,
        project_meta={p.code: {"name": p.title} for p in rows},
    )
    return pabulib.write_pabulib(election)


@transaction.atomic
def pb_import(*, city: City, actor: User, text: str, title: str = "") -> PbRound:
    """Return a closed round built from a pabulib .pb file, with its ballots and result."""
    from kyoso.commons.algorithms import pabulib

    require_role(actor, city, Role.STAFF)
    try:
        election = pabulib.read_pabulib(text)
        budget = election.budget
    except (pabulib.PabulibError, KeyError, ValueError) as exc:
        raise DomainError(
            _("This is not a readable .pb file: %(why)s") % {"why": exc}, field="file"
        ) from exc
    if election.vote_type not in ("approval", "cumulative"):
        raise DomainError(_("Only approval and cumulative ballots can be imported."), field="file")
    cumulative = election.vote_type == "cumulative"
    now = timezone.now()
    pb = pb_round_create(
        city=city, actor=actor,
        title=title or election.meta.get("description", "") or _("Imported participatory budget"),
        budget=budget, ballot_type=BallotType.CUMULATIVE if cumulative else BallotType.APPROVAL,
        rule=PbRule.GREEDY if election.meta.get("rule", "").startswith("greedy") else PbRule.MES,
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(seconds=1),
        projects=[(p.name, election.project_meta.get(p.name, {}).get("name", p.name), p.cost)
                  for p in election.projects],
        points_per_voter=int(election.meta.get("max_sum_points", "10") or 10)
        if cumulative else 10,
        max_choices=max((len(v) for v in election.votes), default=1),
    )  # fmt: skip
    ids = election.voter_ids or tuple(str(i) for i in range(len(election.votes)))
    PbBallot.objects.bulk_create(
        [
            PbBallot(
                city=city,
                round=pb,
                voter_label=str(ids[i])[:40],
                choices=dict(
                    zip(
                        vote,
                        election.points[i] if election.points else [1] * len(vote),
                        strict=True,
                    )
                ),
            )
            for i, vote in enumerate(election.votes)
        ],
        batch_size=2000,
    )
    pb_round_tally(city=city, actor=actor, pb=pb)
    return pb
