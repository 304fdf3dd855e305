"""Prevention fixtures (the class 5A, its mentor, Nils Klassson and the coordinator are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from kring.directory.models import Unit
from tests.conftest import World


@pytest.fixture
def other_school(world: World) -> Unit:
    return world.other_school
