"""The demo municipality, seeded once per test that asks for it (inside the test's transaction), or, for a module
whose every test only reads the small demo, once per module (`shared_small_demo`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

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


@pytest.fixture(scope="module")
def _small_demo_for_the_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    """The small demo seeded once, in a transaction of the module's own that is rolled back when the module is done;
    each test runs in a savepoint within it (pytest-django's `db`), so what a test changes is undone after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            result = seed_demo(size="small", seed=11)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield result
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def shared_small_demo(_small_demo_for_the_module: DemoResult, db: None) -> DemoResult:
    """For a module whose every test uses the small demo and seeds nothing itself: the module's one seed."""
    return _small_demo_for_the_module
