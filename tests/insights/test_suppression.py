"""Small-count suppression: nothing under 5 is published, and no suppressed number can be recomputed.

The attacker here is independent of the module: plain linear algebra (numpy's rank) over every sum the published
table states, plus the fact that counts are never negative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kring.suppression import SuppressedTable, suppress, suppress_together

THRESHOLD = 5


def extended(table: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in table]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def published(result: SuppressedTable) -> list[list[int | None]]:
    rows = [[*cells, total] for cells, total in zip(result.cells, result.row_totals, strict=True)]
    return [*rows, [*result.column_totals, result.total]]


def determined_cells(original: list[list[int]], shown: list[list[int | None]]) -> list[tuple[int, int]]:
    """The suppressed cells from 1 to 4 whose value follows from the published sums and the suppressed zeros (the
    reader is taken to know every zero: a zero is often one by structure), by linear algebra over the equations."""
    height, width = len(shown), len(shown[0])
    unknown = [(i, j) for i in range(height) for j in range(width) if shown[i][j] is None and original[i][j]]
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
        if original[cell[0]][cell[1]] < THRESHOLD and np.linalg.matrix_rank(np.vstack([matrix, probe])) == rank:
            found.append(cell)
    return found


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

    assert determined_cells(original, shown) == []


@settings(max_examples=300, deadline=None)
@given(tables)
def test_every_published_number_is_true_and_at_least_the_threshold(table: list[list[int]]) -> None:
    original = extended(table)
    shown = published(suppress(table, THRESHOLD))

    for original_row, shown_row in zip(original, shown, strict=True):
        for value, published_value in zip(original_row, shown_row, strict=True):
            assert published_value is None or (published_value == value and value >= THRESHOLD)


def test_a_single_small_cell_takes_a_second_cell_of_its_row_and_column_with_it() -> None:
    table = [[3, 10, 20], [12, 15, 30], [9, 11, 25]]
    result = suppress(table)

    assert result.cells[0][0] is None
    assert sum(cell is None for cell in result.cells[0]) >= 2
    assert sum(row[0] is None for row in result.cells) >= 2
    assert result.total == 135
    assert determined_cells(extended(table), published(result)) == []


def test_a_table_without_small_numbers_is_published_whole() -> None:
    result = suppress([[5, 6], [7, 8]])
    assert result.cells == [[5, 6], [7, 8]]
    assert (result.row_totals, result.column_totals, result.total) == ([11, 15], [12, 14], 26)


def test_a_small_total_is_suppressed_and_cannot_be_recovered_from_the_grand_total() -> None:
    table = [[1, 2], [10, 20]]
    result = suppress(table)
    assert result.row_totals[0] is None
    assert determined_cells(extended(table), published(result)) == []


def test_two_cycles_joined_by_one_cell_do_not_leave_that_cell_recomputable() -> None:
    # Small cells in a 2x2 block, another 2x2 block, and one small cell joining them.
    table = [
        [1, 2, 30, 30, 30],
        [2, 1, 1, 30, 30],
        [30, 30, 1, 2, 30],
        [30, 30, 2, 1, 30],
    ]
    assert determined_cells(extended(table), published(suppress(table))) == []


def test_a_suppressed_zero_is_no_cover_for_a_small_number() -> None:
    # The 3's row holds only zeros besides it: were the zeros cover, the 3 would be hidden with them alone, and a
    # reader who knows the zeros (grades a school does not have) would read it from the row's total.
    table = [[0, 0, 7], [0, 3, 9], [8, 6, 5]]
    original, shown = extended(table), published(suppress(table))
    assert shown[1][1] is None and (shown[1][2] is None or shown[1][3] is None)  # the 3 and a number beside it
    assert determined_cells(original, shown) == []
    assert recovered_together([original], [shown]) == []


def test_one_row_table_of_months() -> None:
    table = [[0, 12, 3, 8, 9]]
    result = suppress(table)
    assert result.cells[0][0] is None and result.cells[0][2] is None
    assert determined_cells(extended(table), published(result)) == []


@pytest.mark.parametrize("table", [[[-1, 2]], [[1, 2], [3]]])
def test_not_a_table_of_counts_is_refused(table: list[list[int]]) -> None:
    with pytest.raises(ValueError):
        suppress(table)


def test_an_empty_table_has_a_suppressed_total() -> None:
    assert suppress([]) == SuppressedTable([], [], [], None)


# Tables shown together: breakdowns of the same counts (one population, each thing counted once in every table) over
# the same columns. The attacker solves a linear programme over every published sum of every table at once, with
# counts never negative: a suppressed number is recovered when the smallest and largest values it can take leave
# only one whole number.


@st.composite
def breakdowns(draw: st.DrawFn) -> list[list[list[int]]]:
    """One to three breakdowns (rows) of the same counts by the same columns: the marginals of some records."""
    width = draw(st.integers(1, 4))
    heights = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    record = st.tuples(
        st.integers(0, width - 1), st.tuples(*(st.integers(0, h - 1) for h in heights)), st.integers(1, 12)
    )
    records = draw(st.lists(record, max_size=16))
    tables = [[[0] * width for _row in range(height)] for height in heights]
    for column, rows, count in records:
        for table, row in zip(tables, rows, strict=True):
            table[row][column] += count
    return tables


def recovered_together(
    originals: list[list[list[int]]], shown: list[list[list[int | None]]], *, zeros_known: bool = True
) -> list[str]:
    """The suppressed numbers from 1 to 4 (what the suppression protects: a zero is often one by structure, and a
    number of 5 or more hidden to protect another is not itself secret) whose range, given everything published and
    counts never negative, holds one whole number. The shared row of column totals is one set of unknowns. With
    `zeros_known` the reader also knows every suppressed zero."""
    if zeros_known:
        shown = [
            [[0 if value is None and original == 0 else value for value, original in zip(row, o_row, strict=True)]
             for row, o_row in zip(grid, o_grid, strict=True)]
            for grid, o_grid in zip(shown, originals, strict=True)
        ]  # fmt: skip
    unknowns: dict[tuple[int, int, int], int] = {}
    values: dict[tuple[int, int, int], int] = {}

    def key(table: int, i: int, j: int) -> tuple[int, int, int]:
        return (-1, 0, j) if i == len(shown[table]) - 1 else (table, i, j)

    for table, grid in enumerate(shown):
        for i, row in enumerate(grid):
            for j, value in enumerate(row):
                if value is None:
                    unknowns.setdefault(key(table, i, j), len(unknowns))
                    values[key(table, i, j)] = originals[table][i][j]
    if not unknowns:
        return []
    lines_of_equations, constants = [], []
    for table, grid in enumerate(shown):
        height, width = len(grid), len(grid[0])
        lines = [[(i, j) for j in range(width)] for i in range(height)]
        lines += [[(i, j) for i in range(height)] for j in range(width)]
        for line in lines:
            coefficients, constant = np.zeros(len(unknowns)), 0.0
            for position, (i, j) in enumerate(line):
                sign = -1 if position == len(line) - 1 else 1
                if grid[i][j] is None:
                    coefficients[unknowns[key(table, i, j)]] += sign
                else:
                    constant -= sign * grid[i][j]
            lines_of_equations.append(coefficients)
            constants.append(constant)
    leaks = []
    for (table, i, j), index in unknowns.items():
        objective = np.zeros(len(unknowns))
        objective[index] = 1
        low = linprog(objective, A_eq=np.array(lines_of_equations), b_eq=constants, bounds=(0, None))
        high = linprog(-objective, A_eq=np.array(lines_of_equations), b_eq=constants, bounds=(0, None))
        assert low.status == 0 and high.status in (0, 3)  # 3: unbounded above (every total hidden)
        if high.status == 3:
            continue
        value = values[(table, i, j)]
        if 0 < value < THRESHOLD and math.floor(-high.fun + 1e-6) - math.ceil(low.fun - 1e-6) < 1:
            leaks.append(f"table {table} (-1: the totals), cell {(i, j)}: {value}")
    return leaks


@settings(max_examples=200, deadline=None)
@given(breakdowns())
def test_no_suppressed_number_of_tables_shown_together_can_be_recovered_even_knowing_the_zeros(
    tables: list[list[list[int]]],
) -> None:
    originals = [extended(table) for table in tables]
    shown = [published(result) for result in suppress_together(tables, THRESHOLD)]

    assert recovered_together(originals, shown) == []
    for original, table in zip(originals, shown, strict=True):
        for original_row, shown_row in zip(original, table, strict=True):
            for value, published_value in zip(original_row, shown_row, strict=True):
                assert published_value is None or (published_value == value and value >= THRESHOLD)
        assert table[-1] == shown[0][-1], "a column total is published in every table or in none"


@settings(max_examples=150, deadline=None)
@given(tables)
def test_a_table_alone_cannot_be_recovered_even_with_counts_never_negative(table: list[list[int]]) -> None:
    """The single table's suppression (the monthly tables, the trygg-bas and survey tables)."""
    original = extended(table)
    assert recovered_together([original], [published(suppress(table, THRESHOLD))], zeros_known=False) == []


def test_a_total_suppressed_in_one_breakdown_is_suppressed_in_the_other() -> None:
    by_school = [[3, 20], [30, 25]]  # the first term's schools: 3 and 30
    by_sex = [[16, 22], [17, 23]]  # the same concerns by sex, nothing small
    school, sex = suppress_together([by_school, by_sex])

    assert school.column_totals == sex.column_totals
    assert school.cells[0][0] is None
    # The sex table alone would be published whole; with the school table beside it, enough of it is suppressed
    # that the school table's suppressed numbers cannot be worked out from it.
    originals = [extended(by_school), extended(by_sex)]
    assert recovered_together(originals, [published(school), published(sex)]) == []


def test_breakdowns_of_different_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        suppress_together([[[5, 6]], [[5, 7]]])
