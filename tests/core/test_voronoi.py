from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kyoso.core.geometry.voronoi import voronoi_cells

SQUARE = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]


def _area(cell: list[tuple[float, float]]) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(cell, cell[1:] + cell[:1], strict=True)
            )
        )
        / 2
    )


def test_two_sites_split_the_square_in_half():
    left, right = voronoi_cells([(0.25, 0.5), (0.75, 0.5)], SQUARE)
    assert abs(_area(left) - 0.5) < 1e-9 and abs(_area(right) - 0.5) < 1e-9
    assert max(x for x, _ in left) <= 0.5 + 1e-9


@given(
    st.lists(
        st.tuples(st.floats(0.01, 0.99), st.floats(0.01, 0.99)),
        min_size=2,
        max_size=12,
        unique=True,
    )
)
def test_cells_tile_the_boundary(sites):
    cells = voronoi_cells(sites, SQUARE)
    assert abs(sum(_area(c) for c in cells if c) - 1.0) < 1e-6
