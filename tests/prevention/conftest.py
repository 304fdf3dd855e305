"""Prevention fixtures (the class 5A, its mentor, Nils Klassson and the coordinator are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from kring.directory.models import Unit
from tests.conftest import World


@pytest.fixture
def other_school(world: World) -> Unit:
    return world.other_school


@pytest.fixture(autouse=True)
def _forget_wrong_survey_codes() -> None:
    """The survey counts wrong codes per device in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
