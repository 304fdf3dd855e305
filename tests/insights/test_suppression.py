"""Small-count suppression: nothing under 5 is published, and no suppressed number can be recomputed.

The attacker here is independent of the module: plain linear algebra (numpy's rank) over every sum the published
table states, plus the fact that counts are never negative.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kring.suppression import SuppressedTable, suppress

THRESHOLD = 5


def extended(table: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in table]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def published(result: SuppressedTable) -> list[list[int | None]]:
    rows = [[*cells, total] for cells, total in zip(result.cells, result.row_totals, strict=True)]
    return [*rows, [*result.column_totals, result.total]]


def determined_cells(shown: list[list[int | None]]) -> list[tuple[int, int]]:
    """The suppressed cells whose value follows from the published sums (linear algebra over the equations)."""
    height, width = len(shown), len(shown[0])
    unknown = [(i, j) for i in range(height) for j in range(width) if shown[i][j] is None]
    if not unknown:
        return []
    index = {cell: k for k, cell in enumerate(unknown)}
    equations = []
    for i in range(height):  # each row: its cells minus its total is zero
        equations.append({(i, j): (1 if j < width - 1 else -1) for j in range(width)})
    for j in range(width):  # each column: its cells minus its total is zero
        equations.append({(i, j): (1 if i < height - 1 else -1) for i in range(height)})
    matrix = np.zeros((len(equations), len(unknown)))
    for row, equation in enumerate(equations):
        for cell, coefficient in equation.items():
            if cell in index:
                matrix[row, index[cell]] = coefficient
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for cell, k in index.items():
        probe = np.zeros((1, len(unknown)))
        probe[0, k] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, probe])) == rank:
            found.append(cell)
    return found


def zero_by_sum(original: list[list[int]], shown: list[list[int | None]]) -> list[int]:
    """Lines whose published total equals the sum of their published cells while some cell is suppressed: the
    suppressed cells must then all be zero."""
    leaks = []
    height, width = len(shown), len(shown[0])
    line_cells = [[(i, j) for j in range(width)] for i in range(height)]
    line_cells += [[(i, j) for i in range(height)] for j in range(width)]
    for number, cells in enumerate(line_cells):
        *body, total = cells
        if shown[total[0]][total[1]] is None:
            continue
        hidden = [cell for cell in body if shown[cell[0]][cell[1]] is None]
        if hidden and sum(original[i][j] for i, j in hidden) == 0:
            leaks.append(number)
    return leaks


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda width: st.lists(
        st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=width, max_size=width),
        min_size=1,
        max_size=5,
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_suppressed_number_can_be_recomputed_from_the_totals_and_the_other_cells(table: list[list[int]]) -> None:
    original = extended(table)
    shown = published(suppress(table, THRESHOLD))

    assert determined_cells(shown) == []
    assert zero_by_sum(original, shown) == []


@settings(max_examples=300, deadline=None)
@given(tables)
def test_every_published_number_is_true_and_at_least_the_threshold(table: list[list[int]]) -> None:
    original = extended(table)
    shown = published(suppress(table, THRESHOLD))

    for original_row, shown_row in zip(original, shown, strict=True):
        for value, published_value in zip(original_row, shown_row, strict=True):
            assert published_value is None or (published_value == value and value >= THRESHOLD)


def test_a_single_small_cell_takes_a_second_cell_of_its_row_and_column_with_it() -> None:
    result = suppress([[3, 10, 20], [12, 15, 30], [9, 11, 25]])

    assert result.cells[0][0] is None
    assert sum(cell is None for cell in result.cells[0]) >= 2
    assert sum(row[0] is None for row in result.cells) >= 2
    assert result.total == 135
    assert result.row_totals == [33, 57, 45]


def test_a_table_without_small_numbers_is_published_whole() -> None:
    result = suppress([[5, 6], [7, 8]])
    assert result.cells == [[5, 6], [7, 8]]
    assert (result.row_totals, result.column_totals, result.total) == ([11, 15], [12, 14], 26)


def test_a_small_total_is_suppressed_and_cannot_be_recovered_from_the_grand_total() -> None:
    result = suppress([[1, 2], [10, 20]])
    assert result.row_totals[0] is None
    shown = published(result)
    assert determined_cells(shown) == []


def test_two_cycles_joined_by_one_cell_do_not_leave_that_cell_recomputable() -> None:
    # Small cells in a 2x2 block, another 2x2 block, and one small cell joining them: the joining cell is a bridge.
    table = [
        [1, 2, 30, 30, 30],
        [2, 1, 1, 30, 30],
        [30, 30, 1, 2, 30],
        [30, 30, 2, 1, 30],
    ]
    shown = published(suppress(table))
    assert determined_cells(shown) == []


def test_suppressed_zeros_are_not_revealed_by_a_total_equal_to_the_other_cells() -> None:
    table = [[0, 0, 7], [0, 0, 9]]
    original = extended(table)
    shown = published(suppress(table))
    assert zero_by_sum(original, shown) == []
    assert determined_cells(shown) == []


def test_one_row_table_of_months() -> None:
    result = suppress([[0, 12, 3, 8, 9]])
    assert result.cells[0][0] is None and result.cells[0][2] is None
    assert determined_cells(published(result)) == []


@pytest.mark.parametrize("table", [[[-1, 2]], [[1, 2], [3]]])
def test_not_a_table_of_counts_is_refused(table: list[list[int]]) -> None:
    with pytest.raises(ValueError):
        suppress(table)


def test_an_empty_table_has_a_suppressed_total() -> None:
    assert suppress([]) == SuppressedTable([], [], [], None)
