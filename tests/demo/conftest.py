"""The demo municipality, seeded once per test that asks for it (inside the test's transaction)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kring.demo.actions import seed_demo
from kring.demo.generator import DemoResult


@pytest.fixture
def small_demo(db: None) -> DemoResult:
    return seed_demo(size="small", seed=11)


@pytest.fixture
def tiny_demo(db: None) -> DemoResult:
    return seed_demo(size="tiny", seed=11)


MID_TERM = dt.datetime(2026, 11, 18, 10, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture
def small_demo_mid_term(db: None) -> DemoResult:
    """The small demo seeded deep into a term, for what a term in full swing has (every reason for concern at the
    demo school); what the demo holds on any day of the year is tested in `test_any_day.py`."""
    with time_machine.travel(MID_TERM, tick=False):
        return seed_demo(size="small", seed=11)
