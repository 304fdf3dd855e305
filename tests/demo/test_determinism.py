"""The same seed gives the same municipality; another seed another one. Sizes are what they say."""

from __future__ import annotations

from typing import Any

import pytest

from kring.casework.models import CaseStage, TsiCase
from kring.demo.actions import delete_demo_municipality, seed_demo
from kring.demo.generator import DemoResult, plan_for
from kring.directory.models import ContactPerson, Municipality, User
from kring.people.models import Child, Guardian


def _snapshot(result: DemoResult) -> dict[str, Any]:
    municipality = result.municipality
    return {
        "children": sorted(
            Child.objects.filter(municipality=municipality).values_list(
                "identity_number", "first_name", "last_name", "street_address", "protected_identity", "languages"
            )
        ),
        "guardians": sorted(
            Guardian.objects.filter(municipality=municipality).values_list(
                "identity_number", "first_name", "last_name", "email"
            )
        ),
        "staff": sorted(User.objects.filter(municipality=municipality).values_list("email", "first_name")),
        "contacts": sorted(
            ContactPerson.objects.filter(school__municipality=municipality).values_list(
                "school__name", "user__email", "position"
            )
        ),
        "logins": [(login.email, login.totp_secret) for login in result.logins],
    }


def test_the_same_seed_gives_the_same_municipality(db: None) -> None:
    first = _snapshot(seed_demo(size="tiny", seed=5))
    delete_demo_municipality(Municipality.objects.get(code="9980"))

    second = _snapshot(seed_demo(size="tiny", seed=5))

    assert first == second


def test_another_seed_gives_other_people(db: None) -> None:
    first = _snapshot(seed_demo(size="tiny", seed=5))
    delete_demo_municipality(Municipality.objects.get(code="9980"))

    second = _snapshot(seed_demo(size="tiny", seed=6))

    assert first["children"] != second["children"]
    assert first["guardians"] != second["guardians"]
    assert first["logins"] != second["logins"]


@pytest.mark.parametrize(
    ("size", "low", "high"), [("small", 550, 700), ("medium", 9_000, 12_000), ("large", 90_000, 110_000)]
)
def test_sizes_plan_the_number_of_children_they_promise(size: str, low: int, high: int) -> None:
    assert low <= plan_for(size=size, seed=1).children <= high


def test_an_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        plan_for(size="huge", seed=1)


def _case_list(result: DemoResult) -> list[tuple[str, str]]:
    cases = TsiCase.objects.filter(municipality=result.municipality)
    return sorted(cases.values_list("child__identity_number", "stage"))


def test_the_same_seed_gives_the_same_cases(db: None) -> None:
    first = _case_list(seed_demo(size="small", seed=5))
    delete_demo_municipality(Municipality.objects.get(code="9980"))

    second = _case_list(seed_demo(size="small", seed=5))

    assert first == second
    assert len({stage for _, stage in first}) == len(CaseStage.values)
