"""Disclosure control of survey results (a pure module).

Every figure shown is a group of respondents (the whole wave, a school, a class, a grade, those who answered "girl")
and so a set of *atoms*: the finest cells the answers fall in (a class and the answer to the sex question). A
figure is hidden when the group has fewer answers than the municipality's minimum, or, where the number invited is
known, a lower response rate (**primary** suppression).

Then more figures are hidden until no hidden figure can be worked out from the shown ones (**complementary**
suppression). Each count a reader sees (answers, positive answers) is the sum of the same counts over the figure's
atoms, so a hidden figure can be recomputed exactly when its atoms' indicator vector is a linear combination of the
shown figures' vectors (a school minus its other classes is the hidden class; the whole minus the other schools is
the hidden school). The check is exact linear algebra over the non-empty atoms; while a hidden figure is in the span
of the shown ones, the smallest shown figure whose hiding takes it out of the span is hidden too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    key: str
    atoms: frozenset[int]
    answers: int
    invited: int | None = None  # None: no response rate for this breakdown


def too_small(group: Group, min_answers: int, min_response_percent: int) -> bool:
    """Does the group fail the municipality's thresholds on its own?"""
    if group.answers < min_answers:
        return True
    return group.invited is not None and group.answers * 100 < min_response_percent * group.invited


PRIME = 2**61 - 1  # linear algebra modulo a large prime: exact for these small 0/1 systems but for a chance of ~1e-16


@dataclass
class _Row:
    vector: list[int]
    combination: dict[str, int]  # the shown groups (by key) this row is a combination of, with their coefficients


def _echelon(shown: Sequence[Group], atoms: list[int]) -> dict[int, _Row]:
    """The shown groups' vectors in reduced echelon form by pivot column, each row with how it was combined."""
    rows: dict[int, _Row] = {}
    for group in shown:
        row = _reduce(_Row(_vector(group, atoms), {group.key: 1}), rows)
        pivot = next((i for i, value in enumerate(row.vector) if value), None)
        if pivot is None:
            continue
        inverse = pow(row.vector[pivot], PRIME - 2, PRIME)
        row = _Row(
            [v * inverse % PRIME for v in row.vector], {k: c * inverse % PRIME for k, c in row.combination.items()}
        )
        rows[pivot] = row
    return rows


def _reduce(row: _Row, rows: dict[int, _Row]) -> _Row:
    vector, combination = list(row.vector), dict(row.combination)
    for pivot, basis in rows.items():
        factor = vector[pivot]
        if factor:
            vector = [(a - factor * b) % PRIME for a, b in zip(vector, basis.vector, strict=True)]
            for key, coefficient in basis.combination.items():
                combination[key] = (combination.get(key, 0) - factor * coefficient) % PRIME
    return _Row(vector, combination)


def _vector(group: Group, atoms: list[int]) -> list[int]:
    return [1 if atom in group.atoms else 0 for atom in atoms]


def _representation(hidden: Group, echelon: dict[int, _Row], atoms: list[int]) -> set[str] | None:
    """The shown groups whose counts give the hidden group's (None: it cannot be worked out from them)."""
    reduced = _reduce(_Row(_vector(hidden, atoms), {}), echelon)
    if any(reduced.vector):
        return None
    return {key for key, coefficient in reduced.combination.items() if coefficient}


def recoverable(hidden: Group, shown: Sequence[Group], atoms: list[int]) -> bool:
    """Can the hidden group's counts be worked out from the shown groups' (a linear combination of them)?"""
    return _representation(hidden, _echelon(shown, atoms), atoms) is not None


def suppress_groups(groups: Sequence[Group], min_answers: int, min_response_percent: int) -> set[str]:
    """The keys of the groups to hide: the primary ones and enough others that none of them can be recomputed."""
    atoms = sorted({atom for group in groups for atom in group.atoms})
    hidden = {g.key for g in groups if too_small(g, min_answers, min_response_percent) or not g.atoms}
    sizes = {g.key: (g.answers, g.key) for g in groups}
    while True:
        echelon = _echelon([g for g in groups if g.key not in hidden], atoms)
        exposed = None
        for group in (g for g in groups if g.key in hidden and g.atoms):  # an empty group discloses nothing
            used = _representation(group, echelon, atoms)
            if used:
                exposed = used
                break
        if exposed is None:
            return hidden
        hidden.add(min(exposed, key=lambda key: sizes[key]))
