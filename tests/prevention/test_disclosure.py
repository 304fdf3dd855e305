"""Disclosure control of survey results: property tests (hypothesis) that no hidden figure can be recomputed from
the shown ones, checked with an independent rank computation (numpy), and worked examples."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kring.prevention.surveys.disclosure import Group, suppress_groups, too_small


def _independent_rank(vectors: list[list[int]]) -> int:
    return int(np.linalg.matrix_rank(np.array(vectors, dtype=float))) if vectors else 0


def _recoverable(hidden: Group, shown: list[Group], atoms: list[int]) -> bool:
    vectors = [[1 if a in g.atoms else 0 for a in atoms] for g in shown]
    target = [1 if a in hidden.atoms else 0 for a in atoms]
    return bool(vectors) and _independent_rank([*vectors, target]) == _independent_rank(vectors)


@st.composite
def survey_groups(draw: st.DrawFn) -> list[Group]:
    """Schools with classes, each class split by the sex answer into atoms; figures for the whole, each school,
    class, grade and sex, as the results page shows them."""
    schools = draw(st.integers(1, 4))
    atoms: dict[int, int] = {}  # atom -> answers
    classes: list[tuple[int, int, str, list[int]]] = []  # (school, class, grade, atoms)
    atom = 0
    for school in range(schools):
        for number in range(draw(st.integers(1, 3))):
            grade = draw(st.sampled_from(["5", "6", "8"]))
            own = []
            for _sex in range(3):
                answers = draw(st.integers(0, 14))
                if answers:
                    atoms[atom] = answers
                    own.append(atom)
                atom += 1
            classes.append((school, school * 10 + number, grade, own))
    invited = {c: sum(atoms[a] for a in own) + draw(st.integers(0, 12)) for _s, c, _g, own in classes}

    def group(key: str, members: list[int], invited_count: int | None) -> Group:
        return Group(key, frozenset(members), sum(atoms[a] for a in members), invited_count)

    groups = [group("total", list(atoms), sum(invited.values()))]
    for school in range(schools):
        mine = [c for c in classes if c[0] == school]
        groups.append(group(f"school:{school}", [a for c in mine for a in c[3]], sum(invited[c[1]] for c in mine)))
    groups += [group(f"class:{c[1]}", c[3], invited[c[1]]) for c in classes]
    for grade in {c[2] for c in classes}:
        mine = [c for c in classes if c[2] == grade]
        groups.append(group(f"grade:{grade}", [a for c in mine for a in c[3]], sum(invited[c[1]] for c in mine)))
    for sex in range(3):
        groups.append(group(f"sex:{sex}", [a for a in atoms if a % 3 == sex], None))
    return groups


@settings(max_examples=150, deadline=None)
@given(survey_groups(), st.sampled_from([5, 10]), st.sampled_from([0, 50]))
def test_no_hidden_figure_can_be_recomputed_from_the_shown_ones(groups: list[Group], minimum: int, rate: int) -> None:
    hidden = suppress_groups(groups, minimum, rate)

    shown = [g for g in groups if g.key not in hidden]
    atoms = sorted({a for g in groups for a in g.atoms})
    for group in groups:
        if group.key not in hidden:
            assert not too_small(group, minimum, rate)
        elif group.atoms:  # an empty group discloses nothing
            assert not _recoverable(group, shown, atoms), group.key


def test_a_small_class_hides_a_sibling_too() -> None:
    groups = [
        Group("school", frozenset({1, 2, 3}), 40, 50),
        Group("class:a", frozenset({1}), 4, 20),
        Group("class:b", frozenset({2}), 18, 20),
        Group("class:c", frozenset({3}), 18, 20),
    ]

    hidden = suppress_groups(groups, 10, 50)

    assert hidden == {"class:a", "class:b"}  # b (the smaller of the two) hides a: school - c = a + b only


def test_a_low_response_rate_hides_the_class() -> None:
    assert too_small(Group("class", frozenset({1}), 12, 30), 10, 50)
    assert not too_small(Group("class", frozenset({1}), 15, 30), 10, 50)
    assert not too_small(Group("sex:girl", frozenset({1}), 12, None), 10, 50)
