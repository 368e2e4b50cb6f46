"""Small-cell suppression of count tables, primary and complementary (no Django).

A people-derived table is published as counts per cell of a grid (rows × columns, e.g.
district × category). A cell counting fewer than ``k`` people (but more than none) is
*primary*-suppressed. Hiding it is not enough when the row and column totals are known (from
this table's other cells plus a total published elsewhere): a row with one hidden cell gives
it away by subtraction. So further cells are hidden (*complementary* suppression) until no
hidden cell is determined by the margins.

With rows and columns as the nodes of a bipartite graph and hidden cells as its edges, the
margins fix a hidden cell exactly when its edge lies on no cycle (a bridge): along a cycle one
can add and subtract the same amount and keep every total. So we add the smallest visible
cells that close the cheapest cycle through each bridge until none is left. A table of one row or one
column has only its grand total as a margin: it needs none or at least two hidden cells.

Zero cells identify no one and are published as zero (statistical offices do the same); they
are chosen as complements only when no positive cell will do, because a hidden zero bounds
its partner from one side.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

Cell = tuple[int, int]


def _component(start: tuple[str, int], edges: set[Cell], skip: Cell) -> set[tuple[str, int]]:
    """Return the nodes reachable from ``start`` over ``edges`` without the edge ``skip``."""
    adjacent: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for i, j in edges:
        if (i, j) == skip:
            continue
        adjacent.setdefault(("r", i), []).append(("c", j))
        adjacent.setdefault(("c", j), []).append(("r", i))
    seen = {start}
    stack = [start]
    while stack:
        for nxt in adjacent.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _bridge(hidden: set[Cell]) -> Cell | None:
    """Return a hidden cell the margins determine (its edge lies on no cycle), if any."""
    for cell in sorted(hidden):
        if ("c", cell[1]) not in _component(("r", cell[0]), hidden, cell):
            return cell
    return None


def _cost(value: int) -> float:
    # Smallest positive count first (least information lost); a zero only as a last resort.
    return value + 1 if value > 0 else 10_000.0


def _cheapest_path(values: Sequence[Sequence[int]], hidden: set[Cell], bridge: Cell) -> list[Cell]:
    """Return the visible cells of the cheapest cycle through ``bridge`` (Dijkstra).

    The path runs from the bridge's row to its column over hidden cells (free) and visible
    cells (their cost), never over the bridge itself.
    """
    rows, cols = len(values), len(values[0])
    start, goal = ("r", bridge[0]), ("c", bridge[1])
    best: dict[tuple[str, int], float] = {start: 0.0}
    came: dict[tuple[str, int], tuple[tuple[str, int], Cell]] = {}
    queue: list[tuple[float, tuple[str, int]]] = [(0.0, start)]
    while queue:
        dist, node = heapq.heappop(queue)
        if node == goal:
            break
        if dist > best.get(node, float("inf")):
            continue
        kind, n = node
        cells = [(n, j) for j in range(cols)] if kind == "r" else [(i, n) for i in range(rows)]
        for cell in cells:
            if cell == bridge:
                continue
            nxt = ("c", cell[1]) if kind == "r" else ("r", cell[0])
            step = 0.0 if cell in hidden else _cost(values[cell[0]][cell[1]])
            if dist + step < best.get(nxt, float("inf")):
                best[nxt] = dist + step
                came[nxt] = (node, cell)
                heapq.heappush(queue, (dist + step, nxt))
    path = []
    node = goal
    while node in came:
        node, cell = came[node]
        if cell not in hidden:
            path.append(cell)
    return path


def suppress_cells(values: Sequence[Sequence[int]], k: int) -> set[Cell]:
    """Return the (row, column) cells to hide so no count below ``k`` can be read or derived.

    ``values`` is a full grid of non-negative counts (a missing combination is a zero).
    """
    rows = len(values)
    cols = len(values[0]) if rows else 0
    every = [(i, j) for i in range(rows) for j in range(cols)]
    hidden = {(i, j) for i, j in every if 0 < values[i][j] < k}
    if not hidden:
        return hidden
    if rows == 1 or cols == 1:
        if len(hidden) == 1 and len(every) > 1:
            hidden.add(
                min(
                    (c for c in every if c not in hidden),
                    key=lambda c: (_cost(values[c[0]][c[1]]), c),
                )
            )
        return hidden
    while (bridge := _bridge(hidden)) is not None:
        hidden.update(_cheapest_path(values, hidden, bridge))
    return hidden


def suppress_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    dimensions: Sequence[str],
    count: str,
    k: int,
) -> tuple[list[tuple[object, ...]], int]:
    """Return the rows with hidden cells' measures set to None, and how many cells were hidden.

    The last two ``dimensions`` span the grid (one dimension: a single column); any before
    them split the rows into separate grids. A combination absent from ``rows`` counts zero;
    when one is hidden as a complement it is added as a row of None measures, so a reader
    cannot tell it from a small count.
    """
    if not dimensions or count not in columns:
        raise ValueError("a count table needs its dimensions and its count column")
    position = {name: n for n, name in enumerate(columns)}
    dims = [position[d] for d in dimensions]
    slice_dims, grid_dims = dims[:-2], dims[-2:]
    at_count = position[count]
    by_slice: dict[tuple[object, ...], dict[tuple[object, ...], Sequence[object]]] = {}
    for row in rows:
        key = tuple(row[d] for d in grid_dims)
        cells = by_slice.setdefault(tuple(row[d] for d in slice_dims), {})
        if key in cells:
            raise ValueError(f"two rows for {key!r}")
        cells[key] = row
    out: list[tuple[object, ...]] = []
    hidden_total = 0
    for slice_key, cells in by_slice.items():
        row_keys = sorted({key[0] for key in cells}, key=str)
        col_keys = sorted({key[1:] for key in cells}, key=str)
        grid = [
            [int(cells[(r, *c)][at_count]) if (r, *c) in cells else 0 for c in col_keys]  # type: ignore[call-overload]
            for r in row_keys
        ]
        hidden = suppress_cells(grid, k)
        hidden_total += len(hidden)
        for i, r in enumerate(row_keys):
            for j, c in enumerate(col_keys):
                present = cells.get((r, *c))
                if (i, j) not in hidden:
                    if present is not None:
                        out.append(tuple(present))
                    continue
                values: list[object] = [None] * len(columns)
                for d, v in zip(slice_dims, slice_key, strict=True):
                    values[d] = v
                for d, v in zip(grid_dims, (r, *c), strict=True):
                    values[d] = v
                out.append(tuple(values))
    return out, hidden_total
