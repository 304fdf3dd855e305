"""A coordinator of the municipality (the class 5A, its mentor and Nils Klassson are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from kring.directory.models import Unit, UnitKind, User
from tests.conftest import World, _staff
from tests.factories import UnitFactory


@pytest.fixture
def coordinator(world: World) -> User:
    office = UnitFactory(
        organisation=world.social_services.organisation, name="Trygghetsenheten", kind=UnitKind.OTHER,
        school_forms=[], grades=[],
    )  # fmt: skip
    return _staff(world.municipality, office, "coordinator", "samordnare@kommun.example")


@pytest.fixture
def other_school(world: World) -> Unit:
    return world.other_school
