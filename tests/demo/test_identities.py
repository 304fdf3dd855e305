"""Only generated identities: every identity number is valid and in Skatteverket's test series."""

from __future__ import annotations

import random
from datetime import date

import pytest

from kring.demo.generator import DemoResult
from kring.demo.identities import IdentityPool
from kring.people.identity import is_test_series, parse_identity_number
from kring.people.models import Child, Guardian


@pytest.fixture
def small_demo(shared_small_demo: DemoResult) -> DemoResult:
    """Every test here reads the small demo and seeds nothing itself: one seed for the module."""
    return shared_small_demo


def test_every_identity_number_is_valid_and_in_the_test_series(small_demo: DemoResult) -> None:
    children = list(Child.objects.filter(municipality=small_demo.municipality))
    guardians = list(Guardian.objects.filter(municipality=small_demo.municipality))

    for person in children + guardians:
        parsed = parse_identity_number(person.identity_number)
        assert parsed.canonical == person.identity_number
        assert is_test_series(person.identity_number)
    for child in children:
        assert parse_identity_number(child.identity_number).birth_date == child.birth_date


def test_identity_numbers_are_unique_across_children_and_guardians(small_demo: DemoResult) -> None:
    numbers = [
        *Child.objects.filter(municipality=small_demo.municipality).values_list("identity_number", flat=True),
        *Guardian.objects.filter(municipality=small_demo.municipality).values_list("identity_number", flat=True),
    ]

    assert len(numbers) == len(set(numbers))


def test_identity_sex_digit_matches_the_first_name_list() -> None:
    pool = IdentityPool(random.Random(1))

    girl, boy = pool.take(2015, female=True), pool.take(2015, female=False)

    assert int(girl.identity_number[10]) % 2 == 0
    assert int(boy.identity_number[10]) % 2 == 1


def test_identity_pool_uses_coordination_numbers_when_a_birth_year_is_full() -> None:
    pool = IdentityPool(random.Random(1))

    taken = [pool.take(2016, female=True) for _ in range(366 * 10 + 1)]

    assert not any(identity.coordination for identity in taken[: 366 * 10])
    last = taken[-1]
    assert last.coordination
    parsed = parse_identity_number(last.identity_number, today=date(2026, 11, 1))
    assert parsed.is_coordination_number
    assert is_test_series(last.identity_number)
    assert len({identity.identity_number for identity in taken}) == len(taken)
