"""Small-count suppression of a table of counts with its row and column totals (a pure module, no Django).

Every published number — cell, row total, column total, grand total — is at least `threshold` (5): smaller ones are
suppressed (*primary* suppression). Then more cells are suppressed (*secondary* suppression) until no suppressed
number can be recomputed from the published ones, in two ways:

* **by the totals**: each row and each column of the table *with its totals* is a sum, so the suppressed numbers
  satisfy a system of linear equations. Written with the totals negated, every line of the extended table sums to
  zero; a suppressed number is then determined exactly when its cell is a *bridge* in the bipartite graph whose
  vertices are the lines and whose edges are the suppressed cells (a cell on a cycle can move by ±d around the cycle
  without changing any published sum; a bridge cannot, by the cut argument). So secondary suppression breaks
  every bridge, each time closing the cheapest rectangle through it;
* **by being zero**: counts are never negative, so when a published total equals the sum of its line's published
  cells, the suppressed cells of the line are all zero. Such a line gets its smallest published non-zero cell
  suppressed too.

Which cells are suppressed is not published (every suppressed number looks the same), so a reader cannot tell a
count under 5 from a larger one suppressed to protect it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """The published table: None where a number is suppressed."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def suppress(table: Sequence[Sequence[int]], threshold: int = 5) -> SuppressedTable:
    """Suppress every number under `threshold`, and enough others that none of them can be recomputed."""
    grid = _extend(table)
    hidden = {cell for cell in _all_cells(grid) if _value(grid, cell) < threshold}
    while fix := _next_fix(grid, hidden):
        hidden |= fix
    return _publish(grid, hidden)


def _extend(table: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with a column of row totals and a row of column totals (the grand total in the corner)."""
    rows = [list(row) for row in table]
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows) or any(value < 0 for row in rows for value in row):
        raise ValueError("a table of counts: rows of equal length, no negative numbers")
    extended = [[*row, sum(row)] for row in rows]
    extended.append([sum(row[j] for row in extended) for j in range(width + 1)])
    return extended


def _value(grid: list[list[int]], cell: Cell) -> int:
    return grid[cell[0]][cell[1]]


def _all_cells(grid: list[list[int]]) -> list[Cell]:
    return [(i, j) for i in range(len(grid)) for j in range(len(grid[0]))]


def _lines(grid: list[list[int]]) -> list[tuple[list[Cell], Cell]]:
    """Every line of the extended table as (its cells, its total)."""
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    rows = [([(i, j) for j in range(last_col)], (i, last_col)) for i in range(last_row + 1)]
    cols = [([(i, j) for i in range(last_row)], (last_row, j)) for j in range(last_col + 1)]
    return rows + cols


def _next_fix(grid: list[list[int]], hidden: set[Cell]) -> set[Cell]:
    """The cells to suppress next, or an empty set when the suppression is safe."""
    zero = _zero_line_fix(grid, hidden)
    if zero:
        return zero
    bridges = _bridges(grid, hidden)
    return _close_rectangle(grid, hidden, bridges[0]) if bridges else set()


def _zero_line_fix(grid: list[list[int]], hidden: set[Cell]) -> set[Cell]:
    for cells, total in _lines(grid):
        suppressed = [cell for cell in cells if cell in hidden]
        if total in hidden or not suppressed or any(_value(grid, cell) for cell in suppressed):
            continue
        shown = [cell for cell in cells if cell not in hidden and _value(grid, cell) > 0]
        if shown:
            return {min(shown, key=lambda cell: (_value(grid, cell), cell))}
    return set()


def _bridges(grid: list[list[int]], hidden: set[Cell]) -> list[Cell]:
    """The suppressed cells that lie on no cycle of the line graph (Tarjan's bridge finding)."""
    rows = len(grid)
    adjacency: dict[int, list[tuple[int, Cell]]] = {}
    for i, j in sorted(hidden):
        adjacency.setdefault(i, []).append((rows + j, (i, j)))
        adjacency.setdefault(rows + j, []).append((i, (i, j)))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[Cell] = []

    def visit(vertex: int, via: Cell | None) -> None:
        order[vertex] = low[vertex] = len(order)
        for neighbour, edge in adjacency[vertex]:
            if edge == via:
                continue
            if neighbour in order:
                low[vertex] = min(low[vertex], order[neighbour])
                continue
            visit(neighbour, edge)
            low[vertex] = min(low[vertex], low[neighbour])
            if low[neighbour] > order[vertex]:
                found.append(edge)

    for vertex in sorted(adjacency):
        if vertex not in order:
            visit(vertex, None)
    return sorted(found)


def _close_rectangle(grid: list[list[int]], hidden: set[Cell], bridge: Cell) -> set[Cell]:
    """The cheapest rectangle of cells through the bridge (fewest and smallest new suppressions, interior cells
    before totals): suppressing it puts the bridge on a cycle."""
    i, j = bridge
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    best: tuple[tuple[int, int, int, int, int], set[Cell]] | None = None
    for row in range(last_row + 1):
        for col in range(last_col + 1):
            if row == i or col == j:
                continue
            new = {(row, j), (row, col), (i, col)} - hidden
            margins = sum(1 for r, c in new if r == last_row or c == last_col)
            cost = (sum(_value(grid, cell) for cell in new), margins, len(new), row, col)
            if best is None or cost < best[0]:
                best = (cost, new)
    return best[1] if best else set()


def _publish(grid: list[list[int]], hidden: set[Cell]) -> SuppressedTable:
    shown = [[None if (i, j) in hidden else value for j, value in enumerate(row)] for i, row in enumerate(grid)]
    *body, totals = shown
    return SuppressedTable(
        cells=[row[:-1] for row in body],
        row_totals=[row[-1] for row in body],
        column_totals=totals[:-1],
        total=totals[-1],
    )
