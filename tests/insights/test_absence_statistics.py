"""Investigations of absence and the pupils over the term's absence threshold in the term statistics: counted by
the refresh per school, grade, age band and sex, shown to the school (they are its own information), never to
social services, small counts suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kring.directory.models import User
from kring.insights.actions import refresh_statistics
from kring.insights.breakdowns import terms_until
from kring.insights.children import term_end
from kring.insights.models import CountKind, MonthlyCount
from kring.people.models import Child
from kring.schooldata.models import AbsenceInvestigation, AbsenceKind, AbsenceRecord
from kring.schooldata.school_calendar import is_school_day
from tests.conftest import World
from tests.factories import ChildFactory, PlacementFactory
from tests.insights.test_breakdowns import measure, refreshed_by_term, table

pytestmark = pytest.mark.django_db


def _pupils(world: World, count: int) -> list[Child]:
    children = [ChildFactory(municipality=world.municipality) for _ in range(count)]
    for child in children:
        PlacementFactory(child=child, unit=world.school, grade="6", start_date=dt.date(2018, 8, 15))
    return children


def _absent_last_term(world: World, child: Child, share: float) -> None:
    """Whole days away on `share` of the school days of the term before this one (a whole term, on any date)."""
    term = terms_until(timezone.localdate())[-2]
    days = [term + dt.timedelta(n) for n in range((term_end(term) - term).days + 1)]
    school_days = [day for day in days if is_school_day(day)]
    AbsenceRecord.objects.bulk_create(
        AbsenceRecord(municipality=world.municipality, child=child, unit=world.school, day=day, minutes=300,
                      kind=AbsenceKind.INVALID, source_id=f"{child.pk}-{day}")
        for day in school_days[: round(len(school_days) * share)]
    )  # fmt: skip


def test_pupils_over_the_threshold_are_counted_in_their_term(world: World, coordinator: User) -> None:
    high, low = _pupils(world, 6), _pupils(world, 2)
    for child in high:
        _absent_last_term(world, child, 0.3)
    for child in low:
        _absent_last_term(world, child, 0.05)

    refresh_statistics(municipality=world.municipality)

    term = terms_until(timezone.localdate())[-2]
    rows = MonthlyCount.objects.filter(kind=CountKind.HIGH_ABSENCE)
    assert sum(rows.values_list("count", flat=True)) == 6
    assert set(rows.values_list("month", "unit_id").distinct()) == {(term.replace(day=1), world.school.pk)}
    stats = refreshed_by_term(coordinator)
    assert measure(stats, "high_absence").totals[-2] == 6
    assert table(stats, "high_absence", "School")["Ekskolan"][2] == 6  # [cells of the four terms…, total]


def test_investigations_of_absence_are_counted_for_the_school_not_for_social_services(
    world: World, principal: User, social_worker: User
) -> None:
    for child in _pupils(world, 5):
        AbsenceInvestigation.objects.create(municipality=world.municipality, child=child, unit=world.school,
                                            opened_by=principal)  # fmt: skip

    stats = refreshed_by_term(principal)

    assert measure(stats, "absence_investigations").totals[-1] == 5
    assert {m.key for m in refreshed_by_term(social_worker).measures}.isdisjoint(
        {"absence_investigations", "high_absence", "concerns"}
    )
