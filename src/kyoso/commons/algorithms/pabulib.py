"""Read and write pabulib ``.pb`` files (the participatory-budgeting data standard).

A file has three sections, each a section name on its own line followed by a semicolon-separated
table with a header row: ``META`` (``key;value``: at least ``budget``, ``vote_type``,
``num_projects``, ``num_votes``), ``PROJECTS`` (``project_id;cost;...``) and ``VOTES``
(``voter_id;vote;...``, plus ``points`` for cumulative and scoring ballots). ``vote`` lists
project ids separated by commas; for ordinal ballots in rank order, most preferred first.
The literal ``None`` marks a missing value, as pabutools writes it. Costs and the budget are
integers (Kyoso keeps money as integers); a fractional one is rejected.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kyoso.commons.algorithms.participatory_budget import PBProject

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
_WITH_POINTS = ("cumulative", "scoring")


class PabulibError(ValueError):
    """A .pb file that cannot be read; the message names the section and line."""


@dataclass(frozen=True)
class PabulibElection:
    """One participatory-budgeting election as stored in a .pb file."""

    meta: dict[str, str]
    projects: tuple[PBProject, ...]
    votes: tuple[tuple[str, ...], ...]
    points: tuple[tuple[int, ...], ...] | None = None
    voter_ids: tuple[str, ...] = ()
    project_meta: dict[str, dict[str, str]] = field(default_factory=dict)
    voter_meta: tuple[dict[str, str], ...] = ()

    @property
    def budget(self) -> int:
        """Return the budget limit from META."""
        return _integer(self.meta["budget"], "META budget")

    @property
    def vote_type(self) -> str:
        """Return the META vote_type (approval, choose-1, cumulative, scoring or ordinal)."""
        return self.meta["vote_type"]


def _integer(text: str, where: str) -> int:
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError) as exc:
        raise PabulibError(f"{where}: {text!r} is not a number") from exc
    if value.denominator != 1:
        raise PabulibError(f"{where}: {text!r} is not a whole number")
    return int(value)


def _missing(value: str) -> bool:
    return value.strip().lower() == "none"


def read_pabulib(text: str) -> PabulibElection:
    """Return the election parsed from the text of a .pb file."""
    tables: dict[str, list[list[str]]] = {"meta": [], "projects": [], "votes": []}
    headers: dict[str, list[str]] = {}
    section = ""
    expect_header = False
    for lineno, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"), 1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().lower()
        if len(row) == 1 and name in tables:
            section, expect_header = name, True
            continue
        if not section:
            raise PabulibError(f"line {lineno}: data before the META section")
        if expect_header:
            headers[section] = [h.strip() for h in row]
            expect_header = False
            continue
        if len(row) > len(headers[section]):
            raise PabulibError(f"line {lineno}: more fields than the {section.upper()} header")
        tables[section].append(row)
    for required in ("meta", "projects", "votes"):
        if required not in headers:
            raise PabulibError(f"missing {required.upper()} section")

    meta = {r[0].strip(): r[1].strip() for r in tables["meta"] if len(r) >= 2}
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(f"META: missing {key}")
    vote_type = meta["vote_type"]
    if vote_type not in VOTE_TYPES:
        raise PabulibError(f"META: unknown vote_type {vote_type!r}")

    projects: list[PBProject] = []
    project_meta: dict[str, dict[str, str]] = {}
    for row in tables["projects"]:
        cells = dict(zip(headers["projects"], (c.strip() for c in row), strict=False))
        pid = cells.get("project_id", row[0].strip())
        if "cost" not in cells or _missing(cells["cost"]):
            raise PabulibError(f"PROJECTS: project {pid!r} has no cost")
        projects.append(PBProject(pid, _integer(cells["cost"], f"PROJECTS {pid!r} cost")))
        extra = {
            k: v for k, v in cells.items() if k not in ("project_id", "cost") and not _missing(v)
        }
        if extra:
            project_meta[pid] = extra
    known = {p.name for p in projects}
    if len(known) != len(projects):
        raise PabulibError("PROJECTS: duplicate project_id")

    votes: list[tuple[str, ...]] = []
    points: list[tuple[int, ...]] = []
    voter_ids: list[str] = []
    voter_meta: list[dict[str, str]] = []
    for row in tables["votes"]:
        cells = {
            k: v.strip() for k, v in zip(headers["votes"], row, strict=False) if not _missing(v)
        }
        vid = cells.pop("voter_id", str(len(voter_ids)))
        chosen = tuple(p.strip() for p in cells.pop("vote", "").split(",") if p.strip())
        for p in chosen:
            if p not in known:
                raise PabulibError(f"VOTES: voter {vid!r} names unknown project {p!r}")
        if len(set(chosen)) != len(chosen):
            raise PabulibError(f"VOTES: voter {vid!r} names a project twice")
        if vote_type in _WITH_POINTS:
            raw = [p for p in cells.pop("points", "").split(",") if p.strip()]
            if len(raw) != len(chosen):
                raise PabulibError(
                    f"VOTES: voter {vid!r} has {len(raw)} points for {len(chosen)} projects"
                )
            points.append(tuple(_integer(p, f"VOTES {vid!r} points") for p in raw))
        votes.append(chosen)
        voter_ids.append(vid)
        voter_meta.append(cells)
    return PabulibElection(
        meta=meta,
        projects=tuple(projects),
        votes=tuple(votes),
        points=tuple(points) if vote_type in _WITH_POINTS else None,
        voter_ids=tuple(voter_ids),
        project_meta=project_meta,
        voter_meta=tuple(voter_meta),
    )


def read_pabulib_file(path: str | Path) -> PabulibElection:
    """Return the election read from a .pb file on disk (UTF-8, BOM tolerated)."""
    return read_pabulib(Path(path).read_text(encoding="utf-8-sig"))


def write_pabulib(election: PabulibElection) -> str:
    """Return the .pb text of an election; META counts and budget are filled in."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.votes))
    out.write("META\n")
    writer.writerow(["key", "value"])
    writer.writerows(meta.items())

    extra_keys = sorted({k for m in election.project_meta.values() for k in m})
    out.write("PROJECTS\n")
    writer.writerow(["project_id", "cost", *extra_keys])
    for p in election.projects:
        extra = election.project_meta.get(p.name, {})
        writer.writerow([p.name, p.cost, *(extra.get(k, "None") for k in extra_keys)])

    with_points = election.vote_type in _WITH_POINTS
    voter_keys = sorted({k for m in election.voter_meta for k in m})
    out.write("VOTES\n")
    writer.writerow(["voter_id", *voter_keys, "vote", *(["points"] if with_points else [])])
    all_points = election.points or ()
    ids = election.voter_ids or tuple(str(i) for i in range(len(election.votes)))
    for i, vote in enumerate(election.votes):
        extra = election.voter_meta[i] if election.voter_meta else {}
        row = [ids[i], *(extra.get(k, "None") for k in voter_keys), ",".join(vote)]
        if with_points:
            row.append(",".join(str(x) for x in all_points[i]))
        writer.writerow(row)
    return out.getvalue()


def write_pabulib_file(election: PabulibElection, path: str | Path) -> None:
    """Write an election to a .pb file (UTF-8)."""
    Path(path).write_text(write_pabulib(election), encoding="utf-8")


def ballot_matrix(election: PabulibElection) -> NDArray[np.int64]:
    """Return the voters × projects matrix: 1 per approval, the points, or rank from 1 (ordinal)."""
    column = {p.name: j for j, p in enumerate(election.projects)}
    matrix = np.zeros((len(election.votes), len(election.projects)), dtype=np.int64)
    for i, vote in enumerate(election.votes):
        values: Sequence[int]
        if election.points is not None:
            values = election.points[i]
        elif election.vote_type == "ordinal":
            values = range(1, len(vote) + 1)
        else:
            values = [1] * len(vote)
        for name, value in zip(vote, values, strict=True):
            matrix[i, column[name]] = value
    return matrix
