"""`Placement.objects.current(day)`: the one definition of "placed now" that every basis and page uses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kring.people.models import Placement
from tests.conftest import World
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def test_current_placements_include_the_first_and_last_day_and_open_ended_ones(world: World) -> None:
    child = ChildFactory(municipality=world.municipality)
    day = dt.date(2027, 2, 28)
    ended = PlacementFactory(child=child, unit=world.other_school, start_date=dt.date(2026, 8, 17), end_date=day)
    starts = PlacementFactory(child=child, unit=world.school, start_date=day, end_date=None)
    PlacementFactory(child=child, unit=world.school, start_date=dt.date(2027, 3, 1), end_date=None)

    on_the_day = set(Placement.objects.current(day).filter(child=child))
    the_day_after = set(Placement.objects.current(day + dt.timedelta(days=1)).filter(child=child))

    assert on_the_day == {ended, starts}
    assert starts in the_day_after and ended not in the_day_after


def test_current_placements_default_to_todays_date_in_stockholm(world: World) -> None:
    today = timezone.localdate()
    child = ChildFactory(municipality=world.municipality)
    yesterday = PlacementFactory(child=child, unit=world.school, start_date=today - dt.timedelta(days=30),
                                 end_date=today - dt.timedelta(days=1))  # fmt: skip

    assert yesterday not in Placement.objects.current()
    assert yesterday in Placement.objects.current(today - dt.timedelta(days=1))
