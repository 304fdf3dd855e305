"""The policy's conditions are worked out once per request and never kept beyond it (ADR 0024); a list read's
audit names the same first basis as before."""

from __future__ import annotations

import pytest

from kring.access import policy
from kring.access.request_scope import once_per_request, request_scope
from kring.directory.models import User
from kring.people.models import Child
from tests.conftest import World
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def test_outside_a_request_nothing_is_kept() -> None:
    calls: list[int] = []

    once_per_request("key", lambda: calls.append(1))
    once_per_request("key", lambda: calls.append(1))

    assert len(calls) == 2


def test_within_a_request_an_answer_is_worked_out_once_and_forgotten_after() -> None:
    calls: list[int] = []
    with request_scope():
        once_per_request("key", lambda: calls.append(1))
        once_per_request("key", lambda: calls.append(1))
        once_per_request("other", lambda: calls.append(1))
    once_per_request("key", lambda: calls.append(1))

    assert len(calls) == 3


def test_a_kept_condition_sees_a_row_written_later_in_the_request(world: World, teacher: User) -> None:
    with request_scope():
        before = set(policy.visible_to(teacher, Child.objects.all()).values_list("pk", flat=True))
        newcomer = ChildFactory(municipality=world.municipality)
        PlacementFactory(child=newcomer, unit=world.school)
        after = set(policy.visible_to(teacher, Child.objects.all()).values_list("pk", flat=True))

    assert newcomer.pk not in before and after == before | {newcomer.pk}


@pytest.mark.parametrize("persona", ["teacher", "principal", "kurator", "social_worker", "tsi_member", "mentor"])
def test_the_first_basis_is_the_first_of_all_the_bases(
    world: World, classmate: Child, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    children = list(Child.objects.values_list("pk", flat=True))
    every = policy.bases_for_children(user, children)
    first = policy.first_bases_for_children(user, children)

    assert {child: bases[0] for child, bases in every.items() if bases} == first
