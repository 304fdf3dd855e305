"""Small-count suppression of tables of counts with their row and column totals (a pure module, no Django).

Every published number — cell, row total, column total, grand total — is at least `threshold` (5): smaller ones are
suppressed (*primary* suppression). Then more numbers are suppressed (*secondary* suppression) until no suppressed
number from 1 to `threshold` - 1 can be worked out from the published ones: every row and every column of a table
with its total is a sum, so the suppressed numbers satisfy a system of linear equations, and a suppressed number is
determined exactly when its unit vector lies in the row space of the equations restricted to the suppressed numbers
(numpy's SVD). While one is determined, the smallest published number beside it (its row or column; interior
cells before totals) is suppressed too. A number of 5 or more that is suppressed to protect a smaller one is no
secret of its own, and may follow from the rest.

**A suppressed zero is taken as known to the reader.** A zero is often one by structure — no grade 4 at a school of
grades 7–9, no concern recorded by a unit that is not a school, no report in the summer weeks — so a zero is never
the cover of another number. This also closes what non-negativity gives a reader: when every other suppressed number
of an equation is zero or at least 1, each protected number can still move by whole steps both ways (the tests give
every table to a linear programme over the published sums with counts never negative, and require at least two
whole values for every protected number).

**Tables shown together** (`suppress_together`): several breakdowns of the same things over the same columns (the
concerns of a period by school, by grade, by sex, each by term) share their row of column totals and their grand
total. A total suppressed in one is suppressed in all, and the equations of all the tables are solved together.

Which numbers are suppressed is not published (every suppressed number looks the same), so a reader cannot tell a
count under 5 from a larger one suppressed to protect it, nor a zero from either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """The published table: None where a number is suppressed."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def suppress(table: Sequence[Sequence[int]], threshold: int = 5) -> SuppressedTable:
    """Suppress every number under `threshold`, and enough others that none of them from 1 up can be recomputed."""
    return suppress_together([table], threshold)[0]


def suppress_together(tables: Sequence[Sequence[Sequence[int]]], threshold: int = 5) -> list[SuppressedTable]:
    """Suppress tables that are shown together: breakdowns of the same counts over the same columns, so with the same
    column totals. No suppressed number of any of them can be recomputed from all the published numbers together."""
    system = _System([_extend(table) for table in tables])
    grids = system.grids
    hidden = [{cell for cell in _all_cells(grid) if _value(grid, cell) < threshold} for grid in grids]
    _share_totals(grids, hidden)
    _complete_lines(grids, hidden)
    while determined := system.determined(hidden, threshold):
        for table, cell in _to_suppress_next(grids, hidden, determined):
            hidden[table].add(cell)
        _share_totals(grids, hidden)
        _complete_lines(grids, hidden)
    return [_publish(grid, cells) for grid, cells in zip(grids, hidden, strict=True)]


class _System:
    """The equations of the tables (every row and column with its total, the shared row of totals one set of
    unknowns), built once as a matrix over every number; each round takes the columns of the suppressed ones."""

    def __init__(self, grids: list[list[list[int]]]) -> None:
        if len({tuple(grid[-1]) for grid in grids}) > 1:
            raise ValueError("tables shown together break down the same counts: their column totals are equal")
        self.grids = grids
        self.index: dict[tuple[int, Cell], int] = {}
        for table, grid in enumerate(grids):
            for cell in _all_cells(grid):
                self.index.setdefault(self._key(table, cell), len(self.index))
        lines = [(table, cells, total) for table, grid in enumerate(grids) for cells, total in _lines(grid)]
        self.matrix = np.zeros((len(lines), len(self.index)))
        for row, (table, cells, total) in enumerate(lines):
            for cell in cells:
                self.matrix[row, self.index[self._key(table, cell)]] = 1
            self.matrix[row, self.index[self._key(table, total)]] = -1

    def _key(self, table: int, cell: Cell) -> tuple[int, Cell]:
        return (-1, (0, cell[1])) if cell[0] == len(self.grids[table]) - 1 else (table, cell)

    def determined(self, hidden: list[set[Cell]], threshold: int) -> list[tuple[int, Cell]]:
        """The suppressed numbers under the threshold (table, cell) that follow from the published ones and the
        suppressed zeros (a zero is taken as known: it may be one by structure, no grade 4 at a school of grades
        7–9) through the sums of all the tables together. A larger number hidden to protect them is no secret of its
        own."""
        unknown = {
            self._key(table, cell): (table, cell)
            for table, (grid, cells) in enumerate(zip(self.grids, hidden, strict=True))
            for cell in cells
            if _value(grid, cell)
        }
        if not unknown:
            return []
        keys = list(unknown)
        _u, singular, rows = np.linalg.svd(self.matrix[:, [self.index[key] for key in keys]], full_matrices=False)
        basis = rows[singular > 1e-9 * max(1.0, float(singular.max(initial=0.0)))]
        in_row_space = (basis**2).sum(axis=0) > 1 - 1e-9
        found = [unknown[key] for key, pinned in zip(keys, in_row_space, strict=True) if pinned]
        return [(table, cell) for table, cell in found if _value(self.grids[table], cell) < threshold]


def _complete_lines(grids: list[list[list[int]]], hidden: list[set[Cell]]) -> None:
    """The quick part of the secondary suppression, before the exact test: a row or column (with its total) with one
    suppressed number that is not zero gives it away, so the smallest published number beside it that is not zero
    (interior before the total) is suppressed too, until no line has one alone. What this misses, the equations of
    `_System` find; this only spares them most of their rounds on a large table."""
    changed = True
    while changed:
        changed = False
        for grid, cells in zip(grids, hidden, strict=True):
            for members, total in _lines(grid):
                line = [*members, total]
                secret = [cell for cell in line if cell in cells and _value(grid, cell)]
                if len(secret) != 1:
                    continue
                published = [cell for cell in line if cell not in cells and _value(grid, cell)]
                if published:
                    cells.add(min(published, key=lambda cell: (cell == total, _value(grid, cell), cell)))
                    changed = True
        if changed:
            _share_totals(grids, hidden)


def _share_totals(grids: list[list[list[int]]], hidden: list[set[Cell]]) -> None:
    """A column total or grand total suppressed in one table is suppressed in all."""
    shared = {j for grid, cells in zip(grids, hidden, strict=True) for i, j in cells if i == len(grid) - 1}
    for grid, cells in zip(grids, hidden, strict=True):
        cells |= {(len(grid) - 1, j) for j in shared}


def _to_suppress_next(
    grids: list[list[list[int]]], hidden: list[set[Cell]], determined: list[tuple[int, Cell]]
) -> set[tuple[int, Cell]]:
    """The published numbers to suppress next so that fewer are determined: for each determined one, the smallest
    beside it (in its row or column of its table; interior cells before totals) — all of them in one round, so that
    a large table takes a few rounds, not one per number — else the smallest of its table, else of any."""
    shown = [(k, c) for k, grid in enumerate(grids) for c in _all_cells(grid) if c not in hidden[k]]
    if not shown:  # cannot happen: with every number suppressed, each can move with the others (all scaled)
        raise AssertionError("a suppressed number is determined with nothing published")
    chosen: set[tuple[int, Cell]] = set()
    for table, (row, column) in determined:

        def cost(
            candidate: tuple[int, Cell], table: int = table, row: int = row, column: int = column
        ) -> tuple[int, int, int, int, tuple[int, Cell]]:
            k, (i, j) = candidate
            beside = k == table and (i == row or j == column)
            margin = i == len(grids[k]) - 1 or j == len(grids[k][0]) - 1
            return (int(not beside), int(k != table), int(margin), grids[k][i][j], candidate)

        chosen.add(min(shown, key=cost))
    return chosen


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


def _publish(grid: list[list[int]], hidden: set[Cell]) -> SuppressedTable:
    shown = [[None if (i, j) in hidden else value for j, value in enumerate(row)] for i, row in enumerate(grid)]
    *body, totals = shown
    return SuppressedTable(
        cells=[row[:-1] for row in body],
        row_totals=[row[-1] for row in body],
        column_totals=totals[:-1],
        total=totals[-1],
    )
