from kyoso.vision.roadmap.backcast import coverage, needed_trajectory, needed_value


def test_trajectory_is_straight_between_anchors():
    path = needed_trajectory(
        baseline_year=2020,
        baseline_value=100,
        target_year=2030,
        target_value=50,
        milestones=[(2025, 90)],
    )
    assert path[0] == (2020, 100)
    assert path[-1] == (2030, 50)
    assert dict(path)[2025] == 90
    assert dict(path)[2023] == 100 - 10 * 3 / 5
    assert len(path) == 11


def test_milestones_outside_the_span_are_ignored():
    path = needed_trajectory(
        baseline_year=2020,
        baseline_value=0,
        target_year=2022,
        target_value=2,
        milestones=[(2019, 5), (2030, 9)],
    )
    assert path == [(2020, 0), (2021, 1), (2022, 2)]


def test_needed_value_after_target_is_the_target():
    path = needed_trajectory(baseline_year=2020, baseline_value=0, target_year=2022, target_value=2)
    assert needed_value(path, 2040) == 2
    assert needed_value(path, 2010) is None


def test_coverage_share():
    c = coverage(-100, [-25, -15])
    assert c.share == 0.4
    assert c.measures == 2
    assert coverage(0, [1]).share is None
