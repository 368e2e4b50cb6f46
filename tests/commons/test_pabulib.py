"""Reading and writing pabulib .pb files, round trips, and agreement with pabutools' parser."""

import numpy as np
import pytest

from kyoso.commons.algorithms.pabulib import (
    PabulibElection,
    PabulibError,
    ballot_matrix,
    read_pabulib,
    read_pabulib_file,
    write_pabulib,
    write_pabulib_file,
)
from kyoso.commons.algorithms.participatory_budget import PBProject, equal_shares, greedy

APPROVAL_PB = """META
key;value
description;Hitachi City 2026 neighbourhood budget (test)
country;Japan
unit;Hitachi
instance;2026
num_projects;4
num_votes;5
budget;1000000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;category
1;400000;Bench at the station;public space
2;350000;Bus shelter, Kuji;transport
10;500000;Library hours;culture,education
3;150000;None;None
VOTES
voter_id;age;vote
v1;71;1,2
v2;None;2,10
v3;35;10
v4;80;
v5;52;1,3,10
"""

CUMULATIVE_PB = """META
key;value
description;cumulative test
country;Japan
unit;Hitachi
instance;2026c
num_projects;3
num_votes;3
budget;100
vote_type;cumulative
max_sum_points;5
PROJECTS
project_id;cost
a;60
b;40
c;30
VOTES
voter_id;vote;points
1;a,c;3,2
2;b;5
3;c,a,b;1,1,3
"""

ORDINAL_PB = """META
key;value
budget;100
vote_type;ordinal
PROJECTS
project_id;cost
x;10
y;20
z;30
VOTES
voter_id;vote
1;z,x,y
2;y
"""


def test_reads_approval_file():
    e = read_pabulib(APPROVAL_PB)
    assert e.budget == 1_000_000 and e.vote_type == "approval"
    assert [p.name for p in e.projects] == ["1", "2", "10", "3"]
    assert e.projects[2] == PBProject("10", 500_000)
    assert e.project_meta["2"]["name"] == "Bus shelter, Kuji"
    assert e.project_meta["10"]["category"] == "culture,education"
    assert "3" not in e.project_meta  # "None" cells are missing values
    assert e.votes == (("1", "2"), ("2", "10"), ("10",), (), ("1", "3", "10"))
    assert e.voter_ids[0] == "v1" and e.voter_meta[0] == {"age": "71"}
    assert e.voter_meta[1] == {}
    assert ballot_matrix(e).tolist()[4] == [1, 0, 1, 1]


def test_reads_cumulative_and_ordinal_files():
    c = read_pabulib(CUMULATIVE_PB)
    assert c.points == ((3, 2), (5,), (1, 1, 3))
    assert ballot_matrix(c).tolist() == [[3, 0, 2], [0, 5, 0], [1, 3, 1]]
    o = read_pabulib(ORDINAL_PB)
    assert o.votes == (("z", "x", "y"), ("y",))
    assert ballot_matrix(o).tolist() == [[2, 3, 1], [0, 1, 0]]


@pytest.mark.parametrize("text", [APPROVAL_PB, CUMULATIVE_PB, ORDINAL_PB])
def test_round_trip(text, tmp_path):
    e = read_pabulib(text)
    again = read_pabulib(write_pabulib(e))
    assert again.projects == e.projects
    assert again.votes == e.votes
    assert again.points == e.points
    assert again.voter_ids == e.voter_ids
    assert again.project_meta == e.project_meta
    assert again.voter_meta == e.voter_meta
    assert again.meta["budget"] == e.meta["budget"]
    path = tmp_path / "election.pb"
    write_pabulib_file(e, path)
    assert read_pabulib_file(path).votes == e.votes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (APPROVAL_PB.replace("1,3,10", "1,99"), "unknown project '99'"),
        (APPROVAL_PB.replace("1,3,10", "1,1"), "names a project twice"),
        (APPROVAL_PB.replace("3;150000", "3;150000.5"), "not a whole number"),
        (APPROVAL_PB.replace("vote_type;approval", "vote_type;lottery"), "unknown vote_type"),
        (APPROVAL_PB.replace("budget;1000000\n", ""), "missing budget"),
        (CUMULATIVE_PB.replace("1;a,c;3,2", "1;a,c;3"), "1 points for 2 projects"),
        (APPROVAL_PB.split("VOTES")[0], "missing VOTES section"),
    ],
)
def test_malformed_files_are_rejected(text, message):
    with pytest.raises(PabulibError, match=message):
        read_pabulib(text)


def test_generated_election_round_trips():
    rng = np.random.default_rng(3)
    projects = tuple(PBProject(f"p{j}", int(c)) for j, c in enumerate(rng.integers(1, 9, 6) * 1000))
    votes = tuple(tuple(p.name for p in projects if rng.random() < 0.3) for _ in range(50))
    e = PabulibElection(
        meta={"budget": "15000", "vote_type": "approval"}, projects=projects, votes=votes
    )
    text = write_pabulib(e)
    assert "num_votes;50" in text
    assert read_pabulib(text).votes == votes


pabutools = pytest.importorskip("pabutools", reason="pabutools (bench group) is the reference")
from pabutools.election import Cost_Sat  # noqa: E402
from pabutools.election.pabulib import (  # noqa: E402
    election_as_pabulib_string,
    parse_pabulib_from_string,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares  # noqa: E402


@pytest.mark.parametrize("text", [APPROVAL_PB, CUMULATIVE_PB, ORDINAL_PB])
def test_pabutools_reads_what_we_write(text):
    ours = read_pabulib(text)
    instance, profile = parse_pabulib_from_string(write_pabulib(ours))
    assert int(instance.budget_limit) == ours.budget
    assert {p.name: int(p.cost) for p in instance} == {p.name: p.cost for p in ours.projects}
    assert len(profile) == len(ours.votes)
    if ours.vote_type == "cumulative":
        theirs = [{p.name: int(v) for p, v in b.items()} for b in profile]
        assert theirs == [
            dict(zip(v, pts, strict=True))
            for v, pts in zip(ours.votes, ours.points or (), strict=True)
        ]
    elif ours.vote_type == "ordinal":
        assert [tuple(p.name for p in b) for b in profile] == list(ours.votes)
    else:
        assert [sorted(p.name for p in b) for b in profile] == [sorted(v) for v in ours.votes]


@pytest.mark.parametrize("text", [APPROVAL_PB, CUMULATIVE_PB])
def test_we_read_what_pabutools_writes(text):
    instance, profile = parse_pabulib_from_string(text)
    ours = read_pabulib(election_as_pabulib_string(instance, profile))
    assert {p.name: p.cost for p in ours.projects} == {p.name: int(p.cost) for p in instance}
    assert ours.budget == int(instance.budget_limit)
    assert sorted(sorted(v) for v in ours.votes) == sorted(
        sorted(p.name for p in b) for b in profile
    )


def test_rules_agree_with_pabutools_on_a_file():
    e = read_pabulib(APPROVAL_PB)
    instance, profile = parse_pabulib_from_string(APPROVAL_PB)
    ballots = ballot_matrix(e)
    theirs = sorted(
        p.name for p in greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    )
    assert sorted(greedy(e.projects, e.budget, ballots).selected) == theirs
    theirs = sorted(p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat))
    assert sorted(equal_shares(e.projects, e.budget, ballots).selected) == theirs
