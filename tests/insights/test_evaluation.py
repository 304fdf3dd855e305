"""The evaluation of TSI: the panel the refresh writes (attendance over the same months for a case and its matched
pupils, the match itself, the ratings, the method's steps), and the page: who sees which figures, nothing under the
threshold, audited, a constant number of queries."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kring.access.models import AuditEvent
from kring.casework.models import CaseStage, Occasion, OutcomeMeasure, RatingGiver, TsiCase
from kring.directory.models import Unit, User
from kring.insights.actions import refresh_statistics
from kring.insights.evaluation.models import ComparisonPupil, EvaluatedCase
from kring.insights.evaluation.panel import Calendar, Steps, _follow_method
from kring.insights.evaluation.results import evaluation_for_user
from kring.people.identity import make_identity_number
from kring.people.models import Child
from kring.schooldata.models import AbsenceKind, AbsenceRecord
from kring.schooldata.school_calendar import is_school_day
from tests.conftest import World, login
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db
DAY = 300  # the default school day, minutes


@dataclass(frozen=True)
class Absent:
    """Full days absent per month: before the case, during it, after closure."""

    before: int
    during: int
    after: int


def _child(world: World, unit: Unit, number: int) -> Child:
    """A pupil in grade 5 at `unit`; an even birth number is a girl's."""
    born = dt.date(2015, 3, 1) + dt.timedelta(days=number // 20)
    child = ChildFactory(municipality=world.municipality, birth_date=born,
                         identity_number=make_identity_number(born, 980 + number % 20))  # fmt: skip
    PlacementFactory(child=child, unit=unit, grade="5", start_date=dt.date(2019, 8, 15))
    return child


def _dates() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=280), today - dt.timedelta(days=140)


def _absent(world: World, child: Child, unit: Unit, absent: Absent) -> None:
    """Whole days away at the start of each month of the periods (at least one, so each month is imported)."""
    requested, closed = _dates()
    periods = Calendar(timezone.localdate()).periods(requested, closed)
    records = []
    for months, days in (
        (periods.before, absent.before),
        (periods.during, absent.during),
        (periods.after, absent.after),
    ):
        for month in months:
            school_days = [month + dt.timedelta(n) for n in range(31) if (month + dt.timedelta(n)).month == month.month
                           and is_school_day(month + dt.timedelta(n))]  # fmt: skip
            records += [
                AbsenceRecord(municipality=world.municipality, child=child, unit=unit, day=day, minutes=DAY,
                              kind=AbsenceKind.INVALID, source_id=f"{child.pk}-{day}")
                for day in school_days[: max(days, 1)]
            ]  # fmt: skip
    AbsenceRecord.objects.bulk_create(records)


def _expected(absent: Absent) -> tuple[float, float, float]:
    requested, closed = _dates()
    periods = Calendar(timezone.localdate()).periods(requested, closed)
    calendar = Calendar(timezone.localdate())

    def attendance(months: tuple[dt.date, ...], days: int) -> float:
        scheduled = sum(calendar.school_days(m) for m in months)
        return 100 - 100 * len(months) * max(days, 1) / scheduled

    return (
        attendance(periods.before, absent.before),
        attendance(periods.during, absent.during),
        attendance(periods.after, absent.after),
    )


CASE = Absent(6, 4, 2)
LIKE = Absent(6, 6, 5)
UNLIKE = Absent(1, 1, 1)


def _case(world: World, team: Unit, by: User, unit: Unit, number: int) -> TsiCase:
    child = _child(world, unit, number)
    _absent(world, child, unit, CASE)
    requested, closed = _dates()
    at = timezone.make_aware(dt.datetime.combine(requested, dt.time(10)))
    case = TsiCase.objects.create(
        municipality=world.municipality, child=child, team=team, requesting_unit=unit, requested_by=by,
        requested_at=at, reason="Ofta borta.", stage=CaseStage.CLOSED, stage_since=at,
        closed_at=timezone.make_aware(dt.datetime.combine(closed, dt.time(15))), closure_reason="goals_reached",
    )  # fmt: skip
    for occasion, conflicts, listened in ((Occasion.START, 4, 2), (Occasion.CLOSURE, 2, 4)):
        day = requested if occasion == Occasion.START else closed
        OutcomeMeasure.objects.create(
            municipality=world.municipality,
            case=case,
            measured_on=day,
            occasion=occasion,
            home_conflicts=conflicts,
            recorded_by=by,
            given_by=RatingGiver.GUARDIAN,
        )
        OutcomeMeasure.objects.create(municipality=world.municipality, case=case, measured_on=day, occasion=occasion,
                                      listened_to=listened, recorded_by=by, given_by=RatingGiver.CHILD)  # fmt: skip
    return case


@pytest.fixture
def evaluated(world: World, tsi_team: Unit, principal: User) -> World:
    """Three girls' cases at the school and three boys' at the other school; at each school four pupils of the same
    sex alike in absence before (the nearest) and three unlike; a pupil of the other sex alike too."""
    number = 0
    for unit, sex in ((world.school, 0), (world.other_school, 1)):
        for _ in range(3):
            _case(world, tsi_team, principal, unit, number * 2 + sex)
            number += 1
        for like in (LIKE,) * 4 + (UNLIKE,) * 3:
            _absent(world, _child(world, unit, number * 2 + sex), unit, like)
            number += 1
        _absent(world, _child(world, unit, number * 2 + 1 - sex), unit, LIKE)  # the other sex: not matched
        number += 1
    return world


def test_the_panel_measures_a_case_and_its_matches_over_the_same_months(evaluated: World, coordinator: User) -> None:
    refresh_statistics(municipality=evaluated.municipality)

    cases = list(EvaluatedCase.objects.filter(municipality=evaluated.municipality))
    before, during, after = _expected(CASE)
    assert len(cases) == 6
    for case in cases:
        assert math.isclose(case.before, before, abs_tol=1e-3) and math.isclose(case.after, after, abs_tol=1e-3)  # type: ignore[arg-type]
        assert math.isclose(case.during, during, abs_tol=1e-3)  # type: ignore[arg-type]
        assert (case.conflicts_start, case.conflicts_end, case.listened_start, case.listened_end) == (4, 2, 2, 4)
        # The pool: the other pupils of the school and grade (seven of the sex, one of the other), absence before.
        assert case.pool_n >= 8  # and the world's own pupils of the grade, with no absence: full attendance
    like_before, _like_during, like_after = _expected(LIKE)
    comparisons = list(ComparisonPupil.objects.filter(municipality=evaluated.municipality))
    # Four alike of each sex, at most two per case, each used once: two cases of each school get two, one gets none.
    assert len(comparisons) == 8
    assert all(math.isclose(p.before, like_before, abs_tol=1e-3) for p in comparisons)
    assert all(math.isclose(p.after, like_after, abs_tol=1e-3) for p in comparisons)  # type: ignore[arg-type]
    assert sorted(c.comparisons.count() for c in cases) == [0, 0, 2, 2, 2, 2]


def test_the_coordinator_sees_the_difference_in_differences_and_the_balance(
    evaluated: World, coordinator: User
) -> None:
    refresh_statistics(municipality=evaluated.municipality)
    with translation.override("en"):
        result = evaluation_for_user(coordinator)

    figures = result.figures
    before, _during, after = _expected(CASE)
    like_before, _like_during, like_after = _expected(LIKE)
    assert figures is not None and figures.closed == 6 and figures.analysed == 6 and figures.comparisons == 8
    assert math.isclose(figures.attendance[0].cases.value, before, abs_tol=1e-3)  # type: ignore[union-attr]
    did = figures.did
    assert did is not None and did.clusters == 2
    expected = (after - before) - (like_after - like_before)
    assert math.isclose(did.estimate.value, expected, abs_tol=1e-3)
    absence = figures.balance[0]
    assert absence.matched_difference is not None and abs(absence.matched_difference) < abs(absence.pool_difference)  # type: ignore[arg-type]
    conflicts, listened = figures.ratings
    assert conflicts.change is not None and math.isclose(conflicts.change.value, -2)
    assert listened.change is not None and math.isclose(listened.change.value, 2)
    assert figures.goals_reached is not None and figures.goals_reached.value == 1


def test_a_principal_sees_only_their_schools_cases_and_not_under_the_threshold(
    evaluated: World, principal: User
) -> None:
    refresh_statistics(municipality=evaluated.municipality)
    result = evaluation_for_user(principal)
    assert result.figures is not None and result.figures.too_few  # three cases at their school
    assert result.figures.attendance == [] and result.figures.did is None and result.figures.ratings == []


def test_the_page_shows_figures_to_the_coordinator_and_nothing_to_others(
    client: Client, evaluated: World, coordinator: User, social_worker: User, teacher: User, principal: User
) -> None:
    refresh_statistics(municipality=evaluated.municipality)
    page = login(client, coordinator).get("/statistics/evaluation/", headers={"accept-language": "en"})
    chart = client.get("/statistics/evaluation/attendance.svg")
    assert page.status_code == 200 and "Difference in differences" in page.content.decode()
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert AuditEvent.objects.filter(actor_id=coordinator.pk, target_type="evaluation").count() == 2

    for user in (teacher,):
        assert login(client, user).get("/statistics/evaluation/").status_code == 404
        assert client.get("/statistics/evaluation/attendance.svg").status_code == 404
    # Social services not in the team: none of the cases; the principal: too few at their school.
    unit_page = login(client, social_worker).get("/statistics/evaluation/", headers={"accept-language": "en"})
    assert "Fewer than 5 TSI cases" in unit_page.content.decode()
    assert "Difference in differences" not in unit_page.content.decode()
    school_page = login(client, principal).get("/statistics/evaluation/", headers={"accept-language": "en"})
    assert "Fewer than 5 TSI cases" in school_page.content.decode()
    assert "Difference in differences" not in school_page.content.decode()


def _many(world: World, team: Unit, count: int) -> None:
    """Evaluated cases and comparisons written straight into the panel (the page reads nothing else)."""
    month = timezone.localdate().replace(day=1)
    for n in range(count):
        case = EvaluatedCase.objects.create(
            municipality=world.municipality, unit=world.school, receiving_unit=team, school=world.school,
            requested_month=month, closed_month=month, school_year=2025 + n % 2, grade="5", sex="girl",
            age_band="10-12", closure_reason="goals_reached", before=80 + n % 7, during=85, after=90 - n % 5,
            conflicts_start=4, conflicts_end=2 + n % 2, listened_start=2, listened_end=4, in_order=n % 3 == 0,
            days_to_network=10 + n, follow_ups_due=2, follow_ups_on_time=1, pool_n=20, pool_absence_sum=200,
            pool_absence_squares=3000, pool_girls=9,
        )  # fmt: skip
        ComparisonPupil.objects.create(
            municipality=world.municipality, case=case, before=81, during=82, after=84 + n % 3
        )


def test_the_page_reads_a_constant_number_of_queries(
    client: Client, world: World, tsi_team: Unit, coordinator: User
) -> None:
    refresh_statistics(municipality=world.municipality)
    login(client, coordinator).get("/statistics/evaluation/")  # the session's first request does more

    def queries(count: int) -> int:
        EvaluatedCase.objects.filter(municipality=world.municipality).delete()
        _many(world, tsi_team, count)
        refresh_statistics(municipality=world.municipality)  # a new generation: nothing kept in the cache
        EvaluatedCase.objects.filter(municipality=world.municipality).delete()
        _many(world, tsi_team, count)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/statistics/evaluation/?year=2025").status_code == 200
        return len(captured)

    assert queries(10) == queries(100)


def test_the_refresh_reads_a_constant_number_of_queries(world: World, tsi_team: Unit, principal: User) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            refresh_statistics(municipality=world.municipality)
        return len(captured)

    number = 0
    for _ in range(2):
        _case(world, tsi_team, principal, world.school, number)
        _absent(world, _child(world, world.school, number + 1), world.school, LIKE)
        number += 2
    queries()  # the first refresh also creates the municipality's refresh record
    few = queries()
    for _ in range(8):
        _case(world, tsi_team, principal, world.school, number)
        _absent(world, _child(world, world.school, number + 1), world.school, LIKE)
        number += 2
    assert queries() == few


def test_the_method_is_followed_when_each_step_comes_after_the_one_before() -> None:
    requested = dt.date(2026, 2, 2)
    case = {"pk": 1, "day": requested, "closed_at": timezone.make_aware(dt.datetime(2026, 6, 1, 12))}
    steps = Steps(
        network={1: dt.date(2026, 2, 20)}, consent={1: dt.date(2026, 2, 10)}, voice={1: dt.date(2026, 2, 15)},
        plan={1: dt.date(2026, 2, 20)}, follow_ups={1: [(dt.date(2026, 4, 1), dt.date(2026, 3, 30)),
                                                      (dt.date(2026, 5, 1), dt.date(2026, 5, 6))]},
    )  # fmt: skip
    evaluated = EvaluatedCase(in_order=False)
    _follow_method(evaluated, case, steps)
    assert (evaluated.in_order, evaluated.days_to_network) == (True, 18)
    assert (evaluated.follow_ups_due, evaluated.follow_ups_on_time) == (2, 1)

    steps.voice[1] = dt.date(2026, 2, 25)  # the child heard only after the network meeting
    _follow_method(evaluated, case, steps)
    assert evaluated.in_order is False
