"""Absence indicators from hand-made absence, on a fixed day: Wednesday 14 October 2026, in the autumn term that began
on Saturday 15 August. With the default settings the rolling window is 17 September – 14 October (20 school days,
6,000 minutes), the window before it 20 August – 16 September (20 school days) and the term so far 43 school days
(12,900 minutes)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from kring.directory.models import Unit, UnitKind
from kring.people.models import Child
from kring.schooldata.indicators import recompute_indicators, school_days, term_start
from kring.schooldata.models import AbsenceIndicator, AbsenceKind, AbsenceLevel, AbsenceRecord, AbsenceSettings
from kring.schooldata.school_calendar import last_term_day
from tests.conftest import World
from tests.factories import ChildFactory, PlacementFactory, UnitFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 14)
_source = itertools.count()


def absent(child: Child, unit: Unit, day: str, minutes: int = 300, kind: int = AbsenceKind.VALID) -> None:
    AbsenceRecord.objects.create(
        municipality_id=unit.municipality_id,
        child=child,
        unit=unit,
        day=dt.date.fromisoformat(day),
        minutes=minutes,
        kind=kind,
        source_id=f"lesson-{next(_source)}",
    )


def indicator_of(child: Child) -> AbsenceIndicator:
    return AbsenceIndicator.objects.get(child=child)


def pupil(world: World, unit: Unit | None = None) -> Child:
    child = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=child, unit=unit or world.school)
    return child


# --- terms and school days ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start"),
    [
        ("2026-08-15", "2026-08-15"),
        ("2026-12-31", "2026-08-15"),
        ("2027-01-06", "2026-08-15"),
        ("2027-01-07", "2027-01-07"),
        ("2027-06-30", "2027-01-07"),
        ("2027-08-14", "2027-01-07"),
    ],
)
def test_term_start_autumn_from_15_august_spring_from_7_january(day: str, start: str) -> None:
    assert term_start(dt.date.fromisoformat(day)) == dt.date.fromisoformat(start)


def test_school_days_count_weekdays_only() -> None:
    monday = dt.date(2026, 10, 12)
    assert school_days(monday, monday + dt.timedelta(days=6)) == 5
    assert school_days(dt.date(2026, 10, 17), dt.date(2026, 10, 18)) == 0
    assert school_days(dt.date(2026, 8, 15), TODAY) == 43
    assert school_days(TODAY, monday) == 0


# --- who gets a row ----------------------------------------------------------------------------------------------


def test_every_pupil_placed_at_a_school_gets_a_row_even_without_absence(world: World) -> None:
    written = recompute_indicators(world.municipality.pk, today=TODAY)

    assert written == 2  # Alva and Sigge at Ekskolan; the other municipality's pupil is not touched
    row = indicator_of(world.child)
    assert row.unit == world.school and row.computed_on == TODAY
    assert row.level == AbsenceLevel.NONE and row.reasons == []
    assert (row.window_percent, row.term_percent, row.unexcused_month, row.longest_streak) == (0, 0, 0, 0)
    assert not AbsenceIndicator.objects.filter(child=world.other_municipality_child).exists()


def test_preschool_pupils_and_ended_placements_get_no_row(world: World) -> None:
    preschool = UnitFactory(organisation=world.school.organisation, name="Förskolan Ek", kind=UnitKind.PRESCHOOL)
    small = pupil(world, preschool)
    moved = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=moved, unit=world.school, end_date=dt.date(2026, 9, 30))
    absent(moved, world.school, "2026-09-28")

    recompute_indicators(world.municipality.pk, today=TODAY)

    assert not AbsenceIndicator.objects.filter(child__in=[small, moved]).exists()


# --- thresholds ----------------------------------------------------------------------------------------------------


def test_term_absence_over_the_threshold_is_high(world: World) -> None:
    for day in ("17", "18", "19", "20", "21", "24", "25", "26", "27", "28"):
        absent(world.child, world.school, f"2026-08-{day}", minutes=200)  # part days: no run of whole days

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert row.term_percent == 15.5  # 2,000 of 12,900 minutes
    assert row.window_percent == 0 and row.longest_streak == 0
    assert row.level == AbsenceLevel.HIGH and row.reasons == ["term"]


def test_a_day_counts_the_lessons_missed_or_the_absence_notified_never_both(world: World) -> None:
    """A school system that sends both marks a reported day's lessons as valid absence too (SS 12000 `/absences`
    and `/attendances`): the day is counted once, the larger of the two."""
    absent(world.child, world.school, "2026-10-12", minutes=300, kind=AbsenceKind.REPORTED)  # notified: the day
    absent(world.child, world.school, "2026-10-12", minutes=120, kind=AbsenceKind.VALID)  # lessons marked: two
    absent(world.child, world.school, "2026-10-12", minutes=120, kind=AbsenceKind.VALID)
    absent(world.child, world.school, "2026-10-13", minutes=60, kind=AbsenceKind.GRANTED)  # notified: an hour
    absent(world.child, world.school, "2026-10-13", minutes=100, kind=AbsenceKind.INVALID)  # but missed more

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    days = school_days(term_start(TODAY), TODAY)
    assert row.term_percent == round((300 + 100) * 100 / (days * 300), 1)
    assert row.term_unexcused_percent == round(100 * 100 / (days * 300), 1)


def test_consecutive_days_absent_across_a_weekend_are_high(world: World) -> None:
    AbsenceSettings.objects.create(municipality=world.municipality, window_percent=30)
    for day in ("2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"):  # Thursday to Wednesday
        absent(world.child, world.school, day)

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert row.longest_streak == 5 and row.current_streak == 0
    assert row.level == AbsenceLevel.HIGH and row.reasons == ["streak"]


def test_a_school_day_present_breaks_the_run(world: World) -> None:
    for day in ("2026-10-01", "2026-10-02", "2026-10-06", "2026-10-07", "2026-10-08"):  # present on Monday 5th
        absent(world.child, world.school, day)
    absent(world.child, world.school, "2026-10-09", minutes=100)  # a part day does not continue it either
    absent(world.child, world.school, "2026-10-12")

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert row.longest_streak == 3 and row.current_streak == 0
    assert "streak" not in row.reasons


def test_a_day_counts_as_absent_from_three_quarters_of_its_minutes(world: World) -> None:
    absent(world.child, world.school, "2026-10-12", minutes=160)
    absent(world.child, world.school, "2026-10-12", minutes=65)  # two lessons: 225 of 300 minutes
    absent(world.child, world.school, "2026-10-13", minutes=224)

    recompute_indicators(world.municipality.pk, today=TODAY)

    assert indicator_of(world.child).longest_streak == 1


def test_the_current_run_ends_on_the_last_school_day(world: World) -> None:
    for day in ("2026-10-14", "2026-10-15", "2026-10-16"):  # Wednesday to Friday
        absent(world.child, world.school, day)

    recompute_indicators(world.municipality.pk, today=dt.date(2026, 10, 17))  # a Saturday

    row = indicator_of(world.child)
    assert row.current_streak == 3 and row.longest_streak == 3


def test_absence_in_the_rolling_window_is_a_signal(world: World) -> None:
    for day in ("2026-09-21", "2026-09-23", "2026-09-25"):
        absent(world.child, world.school, day, minutes=200)

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert row.window_percent == 10.0 and row.window_unexcused_percent == 0
    assert row.term_percent == 4.7
    assert row.level == AbsenceLevel.SIGNAL and row.reasons == ["window"]


def test_unexcused_absence_on_three_days_in_a_month_is_a_signal(world: World) -> None:
    absent(world.child, world.school, "2026-09-15", minutes=40, kind=AbsenceKind.INVALID)
    absent(world.child, world.school, "2026-09-30", minutes=40, kind=AbsenceKind.INVALID)
    absent(world.child, world.school, "2026-10-13", minutes=20, kind=AbsenceKind.INVALID)
    absent(world.child, world.school, "2026-10-13", minutes=20, kind=AbsenceKind.INVALID)  # the same day again
    absent(world.child, world.school, "2026-09-14", minutes=40, kind=AbsenceKind.INVALID)  # 31 days ago
    absent(world.child, world.school, "2026-10-01", minutes=40, kind=AbsenceKind.REPORTED)  # excused

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert row.unexcused_month == 3
    assert row.window_unexcused_percent == 1.3  # 80 of 6,000 minutes (15 September is before the window)
    assert row.term_unexcused_percent == 1.2  # 160 of 12,900
    assert row.level == AbsenceLevel.SIGNAL and row.reasons == ["unexcused"]


def test_every_threshold_passed_is_listed(world: World) -> None:
    for day in ("2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08", "2026-10-09", "2026-10-12"):
        absent(world.child, world.school, day, kind=AbsenceKind.INVALID)
    absent(world.child, world.school, "2026-10-13")

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert row.reasons == ["term", "streak", "window", "unexcused"]
    assert row.level == AbsenceLevel.HIGH
    assert row.current_streak == 0 and row.longest_streak == 7


def test_percentages_are_capped_at_100(world: World) -> None:
    absent(world.child, world.school, "2026-08-17", minutes=400)

    recompute_indicators(world.municipality.pk, today=dt.date(2026, 8, 17))

    row = indicator_of(world.child)
    assert row.term_percent == 100 and row.window_percent == 100


def test_the_trend_compares_with_the_window_before(world: World) -> None:
    absent(world.child, world.school, "2026-09-01")  # the window before: 300 of 6,000 minutes
    for day in ("2026-09-21", "2026-09-28", "2026-10-05"):  # the window: 900 of 6,000 minutes
        absent(world.child, world.school, day)

    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert (row.previous_window_percent, row.window_percent) == (5.0, 15.0)
    assert row.trend == pytest.approx(10.0)


def test_the_windows_do_not_reach_back_before_the_term(world: World) -> None:
    absent(world.child, world.school, "2026-06-10")  # the spring term
    absent(world.child, world.school, "2026-08-18")

    recompute_indicators(world.municipality.pk, today=dt.date(2026, 8, 21))  # the first week: 5 school days

    row = indicator_of(world.child)
    assert row.window_percent == 20.0 and row.term_percent == 20.0 and row.previous_window_percent == 0


def test_changed_settings_are_respected(world: World) -> None:
    for day in ("2026-09-21", "2026-09-23"):
        absent(world.child, world.school, day, minutes=200)
    recompute_indicators(world.municipality.pk, today=TODAY)
    assert indicator_of(world.child).level == AbsenceLevel.NONE

    AbsenceSettings.objects.filter(municipality=world.municipality).update(window_percent=5, school_day_minutes=240)
    recompute_indicators(world.municipality.pk, today=TODAY)

    row = indicator_of(world.child)
    assert row.window_percent == 8.3  # 400 of 20 × 240 minutes
    assert row.level == AbsenceLevel.SIGNAL and row.reasons == ["window"]


def test_settings_are_created_with_the_defaults(world: World) -> None:
    recompute_indicators(world.municipality.pk, today=TODAY)

    settings = AbsenceSettings.objects.get(municipality=world.municipality)
    assert (settings.window_days, settings.window_percent, settings.term_percent) == (28, 10, 15)


# --- scope and repetition ------------------------------------------------------------------------------------------


def test_recomputing_one_school_leaves_the_others_untouched(world: World) -> None:
    other = pupil(world, world.other_school)
    recompute_indicators(world.municipality.pk, today=TODAY)
    before = AbsenceIndicator.objects.get(child=other)
    absent(world.child, world.school, "2026-10-13")
    absent(other, world.other_school, "2026-10-13")

    written = recompute_indicators(world.municipality.pk, unit_ids=[world.school.pk], today=TODAY + dt.timedelta(1))

    assert written == 2
    assert indicator_of(world.child).computed_on == TODAY + dt.timedelta(1)
    assert indicator_of(world.child).window_percent > 0
    after = AbsenceIndicator.objects.get(child=other)
    assert (after.pk, after.computed_on, after.window_percent) == (before.pk, TODAY, 0)


def test_recomputing_twice_gives_the_same_rows(world: World) -> None:
    pupil(world, world.other_school)
    for day in ("2026-09-21", "2026-10-12", "2026-10-13"):
        absent(world.child, world.school, day, kind=AbsenceKind.INVALID)
    fields = [f.name for f in AbsenceIndicator._meta.fields if f.name != "id"]

    first = recompute_indicators(world.municipality.pk, today=TODAY)
    rows = sorted(AbsenceIndicator.objects.values_list(*fields))
    second = recompute_indicators(world.municipality.pk, today=TODAY)

    assert first == second == 3
    assert sorted(AbsenceIndicator.objects.values_list(*fields)) == rows


def test_a_pupil_at_two_schools_gets_a_row_for_each(world: World) -> None:
    PlacementFactory(child=world.child, unit=world.other_school)
    absent(world.child, world.other_school, "2026-10-13")

    recompute_indicators(world.municipality.pk, today=TODAY)

    rows = {row.unit_id: row for row in AbsenceIndicator.objects.filter(child=world.child)}
    assert rows[world.school.pk].window_percent == 0
    assert rows[world.other_school.pk].window_percent == 5.0


# --- holidays ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "last"),
    [
        ("2026-10-14", "2026-10-14"),
        ("2026-12-21", "2026-12-21"),
        ("2026-12-24", "2026-12-21"),
        ("2027-01-06", "2026-12-21"),
        ("2027-07-14", "2027-06-12"),
        ("2028-02-29", "2028-02-29"),
    ],
)
def test_last_term_day_is_the_day_itself_in_term_and_the_end_of_the_term_in_a_holiday(day: str, last: str) -> None:
    assert last_term_day(dt.date.fromisoformat(day)) == dt.date.fromisoformat(last)


def test_indicators_in_the_summer_holiday_are_those_of_the_spring_terms_last_day(world: World) -> None:
    child = pupil(world)
    for day in ("2027-06-07", "2027-06-08", "2027-06-09", "2027-06-10", "2027-06-11"):
        absent(child, world.school, day)

    recompute_indicators(world.municipality.pk, today=dt.date(2027, 6, 12))
    on_the_last_day = indicator_of(child)
    recompute_indicators(world.municipality.pk, today=dt.date(2027, 7, 14))
    in_the_holiday = indicator_of(child)

    assert in_the_holiday.computed_on == dt.date(2027, 7, 14)
    assert in_the_holiday.window_percent == on_the_last_day.window_percent > 0
    assert in_the_holiday.term_percent == on_the_last_day.term_percent
    assert in_the_holiday.longest_streak == 5
    assert in_the_holiday.level == AbsenceLevel.HIGH
