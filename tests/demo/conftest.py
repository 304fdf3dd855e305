"""The demo municipality, seeded once per test that asks for it (inside the test's transaction)."""

from __future__ import annotations

import pytest

from kring.demo.actions import seed_demo
from kring.demo.generator import DemoResult


@pytest.fixture
def small_demo(db: None) -> DemoResult:
    return seed_demo(size="small", seed=11)


@pytest.fixture
def tiny_demo(db: None) -> DemoResult:
    return seed_demo(size="tiny", seed=11)
