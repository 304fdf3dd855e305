"""The demo's school absence: on school days of the term before today, for school pupils only, the same for the
same seed, with pupils above the thresholds at every school, and gone when the demo is replaced."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

from django.core.management import call_command
from django.db.models import Avg, Sum
from django.utils import timezone

from kring.access.roles import Role
from kring.casework.models import CaseStage, TsiCase
from kring.demo.actions import delete_demo_municipality
from kring.demo.attendance import DAY_SHAPES, is_school_day, school_days
from kring.demo.generator import DemoResult, generate_municipality
from kring.demo.names import MUNICIPALITY_CODE
from kring.demo.past_cases import PAST_SOURCE
from kring.directory.models import Membership, Municipality, Unit, UnitKind
from kring.people.models import Placement
from kring.schooldata.indicators import REASON_STREAK, REASON_TERM, REASON_UNEXCUSED, REASON_WINDOW
from kring.schooldata.models import AbsenceIndicator, AbsenceKind, AbsenceLevel, AbsenceRecord

# --- the calendar ---------------------------------------------------------------------------------------------------


def test_school_days_run_from_the_autumn_term_to_yesterday_without_weekends_or_the_autumn_break() -> None:
    days = school_days(date(2026, 11, 28))

    assert days[0] == date(2026, 8, 17)  # 15 August 2026 is a Saturday
    assert days[-1] == date(2026, 11, 27)
    assert all(day.weekday() < 5 for day in days)
    assert not [day for day in days if day.isocalendar().week == 44]
    assert len(days) == len(set(days)) == 70


def test_a_young_spring_term_starts_at_the_autumn_term_and_skips_christmas() -> None:
    days = school_days(date(2027, 1, 12))

    assert days[0] == date(2026, 8, 17)
    assert days[-1] == date(2027, 1, 11)
    assert not [day for day in days if date(2026, 12, 22) <= day <= date(2027, 1, 6)]


def test_the_summer_holiday_has_no_school_days() -> None:
    days = school_days(date(2027, 7, 20))

    assert days[0] == date(2027, 1, 7)
    assert days[-1] <= date(2027, 6, 12)
    assert not is_school_day(date(2027, 7, 1))


# --- the generated absences -----------------------------------------------------------------------------------------


def test_absences_fall_on_school_days_of_the_term_before_today(small_demo: DemoResult) -> None:
    today = timezone.localdate()
    first = school_days(today)[0]
    everything = AbsenceRecord.objects.filter(municipality=small_demo.municipality)
    records = everything.exclude(source_id__startswith=PAST_SOURCE)
    past = everything.filter(source_id__startswith=PAST_SOURCE)  # the past TSI cases' (kring.demo.past_cases)

    days = set(records.values_list("day", flat=True))

    assert small_demo.counts["absences"] == records.count() > 1000
    assert all(is_school_day(day) and first <= day < today for day in days)
    assert set(records.values_list("kind", flat=True)) == set(AbsenceKind.values)
    assert small_demo.counts["past_absences"] == past.count() > 100
    assert all(is_school_day(day) and day < first.replace(day=1) for day in past.values_list("day", flat=True))


def test_only_pupils_of_schools_are_absent_and_never_more_than_a_school_day(small_demo: DemoResult) -> None:
    records = AbsenceRecord.objects.filter(municipality=small_demo.municipality)
    schools = Unit.objects.filter(municipality=small_demo.municipality, kind=UnitKind.SCHOOL)
    placed = set(Placement.objects.filter(unit__kind=UnitKind.SCHOOL).values_list("child_id", "unit_id"))

    per_day = records.values("child_id", "day").annotate(minutes=Sum("minutes"))

    assert set(records.values_list("unit_id", flat=True)) <= set(schools.values_list("pk", flat=True))
    assert set(records.values_list("child_id", "unit_id").distinct()) <= placed
    assert max(row["minutes"] for row in per_day) == 300
    assert set(records.values_list("minutes", flat=True)) <= {minutes for shape in DAY_SHAPES for minutes in shape}


def test_a_whole_day_is_five_or_six_lessons_that_make_up_the_school_day(small_demo: DemoResult) -> None:
    records = AbsenceRecord.objects.filter(municipality=small_demo.municipality)
    lessons = Counter(records.values_list("child_id", "day"))
    minutes: Counter[tuple[int, date]] = Counter()
    for child_id, day, length in records.values_list("child_id", "day", "minutes"):
        minutes[child_id, day] += length

    whole_days = [key for key, total in minutes.items() if total == 300]

    assert len(whole_days) > 100
    assert {lessons[key] for key in whole_days} == {5, 6}


def test_every_school_has_pupils_above_the_thresholds(small_demo: DemoResult) -> None:
    schools = Unit.objects.filter(municipality=small_demo.municipality, kind=UnitKind.SCHOOL)

    for school in schools:
        flagged = AbsenceIndicator.objects.filter(unit=school, level__gte=AbsenceLevel.SIGNAL)
        assert flagged.count() >= 3, school.name
    assert small_demo.counts["absence_indicators"] == Placement.objects.filter(unit__in=schools).count()


def test_the_demo_principals_school_has_pupils_at_both_levels_for_every_reason(
    small_demo_mid_term: DemoResult,
) -> None:
    small_demo = small_demo_mid_term
    school = Membership.objects.get(user__email=small_demo.login_for(Role.PRINCIPAL).email, role=Role.PRINCIPAL).unit
    indicators = AbsenceIndicator.objects.filter(unit=school)

    levels = Counter(indicators.values_list("level", flat=True))
    reasons = Counter(reason for row in indicators.values_list("reasons", flat=True) for reason in row)

    assert levels[AbsenceLevel.SIGNAL] >= 3
    assert levels[AbsenceLevel.HIGH] >= 3
    assert levels[AbsenceLevel.NONE] > levels[AbsenceLevel.SIGNAL] + levels[AbsenceLevel.HIGH]  # most pupils are fine
    assert {REASON_TERM, REASON_STREAK, REASON_WINDOW, REASON_UNEXCUSED} <= set(reasons)
    assert indicators.filter(current_streak__gte=5).exists() or indicators.filter(longest_streak__gte=5).exists()


def test_children_of_recent_tsi_requests_were_often_absent(small_demo_mid_term: DemoResult) -> None:
    small_demo = small_demo_mid_term
    recent = TsiCase.objects.filter(
        municipality=small_demo.municipality,
        stage__in=[CaseStage.REQUESTED, CaseStage.MORE_INFO, CaseStage.INFORMATION],
    )
    everyone = AbsenceIndicator.objects.filter(municipality=small_demo.municipality)

    theirs = everyone.filter(child__in=recent.values("child")).aggregate(mean=Avg("window_percent"))["mean"]
    overall = everyone.aggregate(mean=Avg("window_percent"))["mean"]

    assert recent.exists()
    assert theirs > max(10, 2 * overall)


def test_the_same_seed_gives_the_same_absences(db: None) -> None:
    def snapshot() -> list[tuple[str, str, date, int, int, str]]:
        result = generate_municipality(size="tiny", seed=5, today=date(2026, 11, 28))
        records = AbsenceRecord.objects.filter(municipality=result.municipality)
        return sorted(
            records.values_list("child__identity_number", "unit__name", "day", "minutes", "kind", "source_id")
        )

    first = snapshot()
    delete_demo_municipality(Municipality.objects.get(code=MUNICIPALITY_CODE))
    second = snapshot()

    assert first == second
    assert max(row[2] for row in first) == date(2026, 11, 27)
    assert len({row[-1] for row in first}) == len(first)


def test_seed_replace_deletes_the_old_absences_and_indicators(tiny_demo: DemoResult) -> None:
    old = tiny_demo.municipality.pk
    assert AbsenceRecord.objects.filter(municipality_id=old).exists()

    call_command("seed", "--size", "small", "--replace", stdout=StringIO())

    new = Municipality.objects.get(code=MUNICIPALITY_CODE)
    assert new.pk != old
    assert not AbsenceRecord.objects.exclude(municipality=new).exists()
    assert not AbsenceIndicator.objects.exclude(municipality=new).exists()
    assert AbsenceRecord.objects.filter(municipality=new).exists()
