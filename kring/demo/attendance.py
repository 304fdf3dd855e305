"""Lesson-level school absence of the demo municipality's pupils, so that the early-warning page has content.

Every pupil placed in a school (not a preschool) gets absences from the start of the current term up to yesterday,
on school days only: Monday to Friday, outside the autumn break (week 44), the Christmas break (22 December to
6 January) and the summer. If the term is only a few weeks old, the term before is included too, so that the rolling
four weeks have something in them. Each class has a timetable: five or six lessons a day of 40-60 minutes that make
up the municipality's 300-minute school day; an absence is one lesson (or a whole day: every lesson of it).

Each pupil follows one pattern (`Pattern`), drawn from the seed:

- most pupils: an occasional sick day or two, reported by a guardian, and a few single lessons (the dentist);
- about 2 % granted leave for a few days;
- about 7 % drift: absence rising week by week over the last four to eight weeks, partial days and unexcused lessons;
- about 1.5 % are absent for a long time, five school days or more in a row, ongoing or just ended (hemmasittare);
- about 1.5 % are often absent all term (a fifth or more of the school day);
- about 3 % skip single lessons without leave, three times or more in the last month.

Every school gets a few of the patterns above the thresholds whatever the draw, and the demo school (the demo
principal's and kurator's) pupils at the signal and the high level. The children of the TSI cases were often absent
before the school asked the team for help, and less so once the team's work had started.

Rows are written as tuples with `executemany`, in chunks, pupil by pupil; the same seed gives the same rows.
"""

from __future__ import annotations

import enum
import random
import uuid
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from kring.casework.models import CaseStage, TsiCase
from kring.demo.structure import Structure
from kring.people.models import Placement
from kring.schooldata.bulk import insert_statement
from kring.schooldata.models import AbsenceKind, AbsenceRecord
from kring.schooldata.school_calendar import is_school_day, term_start

MIN_SCHOOL_DAYS = 20  # a younger term starts at the term before
DAY_SHAPES: tuple[tuple[int, ...], ...] = (
    (60, 60, 60, 60, 60),
    (60, 40, 60, 40, 60, 40),
    (50, 50, 50, 50, 50, 50),
    (40, 60, 50, 50, 40, 60),
    (45, 55, 60, 40, 50, 50),
    (55, 45, 50, 60, 40, 50),
)  # the lessons of a school day, in minutes: each adds up to 300
CHUNK_ROWS = 50_000
BULK_CACHE_KIB = 256 * 1024

REPORTED = int(AbsenceKind.REPORTED)
GRANTED = int(AbsenceKind.GRANTED)
VALID = int(AbsenceKind.VALID)
INVALID = int(AbsenceKind.INVALID)


class Pattern(enum.StrEnum):
    USUAL = "usual"
    GRANTED_LEAVE = "granted_leave"
    DRIFTING = "drifting"
    LONG = "long"
    CHRONIC = "chronic"
    UNEXCUSED = "unexcused"
    TSI = "tsi"


# Shares of the pupils (the rest: USUAL)
SHARES: tuple[tuple[Pattern, float], ...] = (
    (Pattern.LONG, 0.015),
    (Pattern.CHRONIC, 0.015),
    (Pattern.DRIFTING, 0.07),
    (Pattern.UNEXCUSED, 0.03),
    (Pattern.GRANTED_LEAVE, 0.02),
)
# At least this many pupils of each school follow these patterns (above the thresholds, whatever the draw)
MINIMUM_PER_SCHOOL = {Pattern.DRIFTING: 2, Pattern.LONG: 1, Pattern.UNEXCUSED: 1}
MINIMUM_AT_DEMO_SCHOOL = {Pattern.DRIFTING: 3, Pattern.LONG: 2, Pattern.CHRONIC: 2, Pattern.UNEXCUSED: 2}


# --- the school calendar ------------------------------------------------------------------------------------------


def school_days(today: date) -> list[date]:
    """The school days from the start of the term up to yesterday (from the term before, if that is few)."""
    start = term_start(today - timedelta(days=1))
    days = _school_days_between(start, today)
    if len(days) < MIN_SCHOOL_DAYS:
        days = _school_days_between(term_start(start - timedelta(days=1)), today)
    return days


def _school_days_between(first: date, before: date) -> list[date]:
    count = (before - first).days
    return [day for day in (first + timedelta(days=n) for n in range(max(0, count))) if is_school_day(day)]


# --- one pupil's absences -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pupil:
    child_id: int
    unit_id: int
    group_id: int | None
    start_date: date


@dataclass(frozen=True)
class Calendar:
    """The school days by index, where the breaks are, and where the last month begins."""

    days: list[date]
    breaks: frozenset[int]  # the first school day after a break (a gap longer than a weekend)
    month: int  # the first school day of the last 25 days

    @classmethod
    def of(cls, days: list[date]) -> Calendar:
        breaks = frozenset(i for i in range(1, len(days)) if (days[i] - days[i - 1]).days > 3)
        month = bisect_left(days, days[-1] - timedelta(days=24)) if days else 0
        return cls(days, breaks, month)


@dataclass
class Absences:
    """What one pupil missed: for each school day (by index) the lessons (by index) and the kind of absence. The
    first pattern to mark a lesson decides its kind."""

    rng: random.Random
    calendar: Calendar
    lessons: list[int]  # how many lessons each school day has in the pupil's timetable
    first: int = 0  # the first school day the pupil was at the school
    marks: dict[int, dict[int, int]] = field(default_factory=dict)

    @property
    def last(self) -> int:
        return len(self.lessons) - 1

    def mark(self, day: int, lessons: Iterable[int], kind: int) -> None:
        if self.first <= day <= self.last:
            marked = self.marks.setdefault(day, {})
            for lesson in lessons:
                marked.setdefault(lesson, kind)

    def full_day(self, day: int, kind: int) -> None:
        if 0 <= day <= self.last:
            self.mark(day, range(self.lessons[day]), kind)

    def part_of_day(self, day: int, count: int, kind: int) -> None:
        """Late in the morning, gone after lunch, or a lesson or two in between."""
        if not 0 <= day <= self.last:
            return
        lessons = self.lessons[day]
        count = min(count, lessons - 1)
        where = self.rng.random()
        if where < 0.4:
            chosen: Iterable[int] = range(count)
        elif where < 0.7:
            chosen = range(lessons - count, lessons)
        else:
            chosen = self.rng.sample(range(lessons), count)
        self.mark(day, chosen, kind)

    def absent_or_late(self, day: int, full_share: float, unexcused_share: float) -> None:
        """A day with absence: a whole day (mostly reported) or part of one (often unexcused)."""
        if self.rng.random() < full_share:
            self.full_day(day, INVALID if self.rng.random() < unexcused_share / 2 else REPORTED)
        else:
            kind = INVALID if self.rng.random() < unexcused_share else REPORTED
            self.part_of_day(day, self.rng.randint(1, 3), kind)

    def days_apart(self, mean: float) -> Iterable[int]:
        """School days at random, about `mean` school days apart."""
        day = int(self.rng.expovariate(1 / mean))
        while day <= self.last:
            yield day
            day += 1 + int(self.rng.expovariate(1 / mean))


def usual(absences: Absences) -> None:
    """A sick day now and then (reported by a guardian), the odd lesson away, very rarely one skipped."""
    rng = absences.rng
    for day in absences.days_apart(120):
        length = rng.choices((1, 2, 3), weights=(60, 28, 12))[0]
        if rng.random() < 0.2:  # fell ill at school and went home
            absences.part_of_day(day, rng.randint(2, 3), REPORTED)
            day += 1
        for offset in range(length):
            absences.full_day(day + offset, REPORTED)
    for day in absences.days_apart(50):
        absences.part_of_day(day, 1, rng.choice((REPORTED, REPORTED, VALID)))
    for day in absences.days_apart(250):
        absences.part_of_day(day, 1, INVALID)


def granted_leave(absences: Absences) -> None:
    """A few days of leave the principal granted (a family trip, say)."""
    rng = absences.rng
    start = rng.randint(0, absences.last)
    for offset in range(rng.randint(2, 4)):
        absences.full_day(start + offset, GRANTED)


def drifting(absences: Absences) -> None:
    """Absence rising week by week over the last four to eight weeks: partial days at first, some unexcused."""
    rng = absences.rng
    strength = rng.random()
    weeks = rng.randint(4, 8) if strength < 0.8 else 8
    start = max(0, absences.last + 1 - 5 * weeks)
    span = absences.last + 1 - start
    for day in range(start, absences.last + 1):
        progress = (day - start + 1) / span
        if rng.random() < 0.08 + progress * (0.3 + 0.6 * strength):
            absences.absent_or_late(day, 0.2 + 0.3 * progress, 0.35 + 0.3 * strength)


def long_absence(absences: Absences) -> None:
    """Five school days or more in a row, ongoing or ended in the last two weeks (hemmasittare): reported by a
    guardian at first, then either valid (a doctor's certificate) or unexcused."""
    rng = absences.rng
    length = min(25, 5 + int(rng.expovariate(1 / 6)))
    end = absences.last if rng.random() < 0.6 else absences.last - rng.randint(1, 10)
    start = max(0, end - length + 1)
    breaks = [day for day in absences.calendar.breaks if start < day <= end]
    if breaks:  # a run of absent days does not go on over a holiday
        start = max(breaks)
        end = max(end, min(absences.last, start + 4))
    later = INVALID if rng.random() < 0.45 else VALID
    for day in range(start, end + 1):
        absences.full_day(day, REPORTED if day - start < 3 else later)
    if rng.random() < 0.5:  # drifting away before it
        for day in range(max(0, start - 15), start):
            if rng.random() < 0.3:
                absences.absent_or_late(day, 0.3, 0.5)


def chronic(absences: Absences) -> None:
    """Often absent all term: a fifth of the school time or more, whole days and lessons, some unexcused."""
    rng = absences.rng
    rate = rng.uniform(0.3, 0.45)
    for day in range(absences.last + 1):
        if rng.random() < rate:
            absences.absent_or_late(day, 0.45, 0.4)


def unexcused(absences: Absences) -> None:
    """Single lessons skipped without leave: three or more on different days in the last month, a few earlier."""
    rng = absences.rng
    recent = range(absences.calendar.month, absences.last + 1)
    for day in rng.sample(recent, min(len(recent), rng.randint(3, 6))):
        absences.part_of_day(day, 1, INVALID)
    for _ in range(rng.randint(0, 3)):
        absences.part_of_day(rng.randint(0, absences.last), 1, INVALID)


@dataclass(frozen=True)
class CaseDates:
    """A TSI case's child: absent before the school asked for help, less so once the team's work began."""

    requested: int  # school day index of the request (may be before the first day)
    improving: bool


WORST_BEFORE_REQUEST = 20  # school days before the request when the child's absence was at its worst


def tsi_child(absences: Absences, case: CaseDates) -> None:
    """Often absent; most of all in the four weeks before the school asked for help (whatever today is, so that a
    recent request's child is above the signal threshold), and less once the team's work has started."""
    rng = absences.rng
    base = rng.uniform(0.25, 0.4)
    worst = rng.uniform(0.55, 0.7)
    settled = case.requested + rng.randint(5, 10)  # the team has accepted; the information meeting is near
    for day in range(absences.last + 1):
        rate = worst if case.requested - WORST_BEFORE_REQUEST <= day <= settled else base
        if case.improving and day > settled:
            rate = max(0.03, base * (1 - (day - settled) / 20))
        if rng.random() < rate:
            absences.absent_or_late(day, 0.35, 0.4)


# --- all pupils ---------------------------------------------------------------------------------------------------


def _pupils(structure: Structure) -> list[Pupil]:
    schools = [school.unit.pk for school in structure.schools if school.plan.is_school]
    rows = (
        Placement.objects.filter(unit_id__in=schools, end_date__isnull=True)
        .order_by("child_id", "unit_id")  # created in the seed's order; in the order of the index on child and day
        .values_list("child_id", "unit_id", "group_id", "start_date")
    )
    return [Pupil(*row) for row in rows]


def _timetables(structure: Structure, rng: random.Random) -> dict[int | None, tuple[int, ...]]:
    """Each class's timetable: for Monday to Friday, which of `DAY_SHAPES` the day has."""
    tables: dict[int | None, tuple[int, ...]] = {None: (0, 1, 2, 3, 4)}
    for school in structure.schools:
        for _plan, group in school.groups:
            tables[group.pk] = tuple(rng.randrange(len(DAY_SHAPES)) for _ in range(5))
    return tables


def _patterns(pupils: list[Pupil], structure: Structure, rng: random.Random) -> list[Pattern]:
    """Each pupil's pattern: drawn by `SHARES`, then topped up so every school has its minimum."""
    patterns = []
    for _ in pupils:
        draw, pattern = rng.random(), Pattern.USUAL
        for candidate, share in SHARES:
            if draw < share:
                pattern = candidate
                break
            draw -= share
        patterns.append(pattern)
    by_school: dict[int, list[int]] = {}
    for index, pupil in enumerate(pupils):
        by_school.setdefault(pupil.unit_id, []).append(index)
    demo_unit = structure.demo_school.unit.pk
    for school in structure.schools:
        if not school.plan.is_school:
            continue
        at_school = by_school.get(school.unit.pk, [])
        minimum = MINIMUM_AT_DEMO_SCHOOL if school.unit.pk == demo_unit else MINIMUM_PER_SCHOOL
        for pattern, wanted in minimum.items():
            missing = wanted - sum(patterns[index] is pattern for index in at_school)
            usual_pupils = [index for index in at_school if patterns[index] is Pattern.USUAL]
            for index in rng.sample(usual_pupils, max(0, min(missing, len(usual_pupils)))):
                patterns[index] = pattern
    return patterns


def _cases(structure: Structure, days: list[date]) -> dict[int, CaseDates]:
    """The latest TSI case of each child, by the school day it was requested on."""
    improving = {CaseStage.ACTIVE, CaseStage.FOLLOW_UP, CaseStage.CLOSED}
    cases: dict[int, CaseDates] = {}
    rows = TsiCase.objects.filter(municipality=structure.municipality).order_by("requested_at", "pk")
    for child_id, requested_at, stage in rows.values_list("child_id", "requested_at", "stage"):
        requested = timezone.localtime(requested_at).date()
        index = sum(day < requested for day in days) if days and requested >= days[0] else -200
        cases[child_id] = CaseDates(index, stage in improving)
    return cases


PATTERNS: dict[Pattern, Callable[[Absences], None]] = {
    Pattern.USUAL: usual,
    Pattern.GRANTED_LEAVE: granted_leave,
    Pattern.DRIFTING: drifting,
    Pattern.LONG: long_absence,
    Pattern.CHRONIC: chronic,
    Pattern.UNEXCUSED: unexcused,
}


# A lesson missed is an SS 12000 attendance's valid or invalid minutes: its row's id is '<attendance id>/valid' or
# '/invalid', as the import writes it (kring.schooldata.upserts.ATTENDANCE_SUFFIXES).
LESSON_SUFFIX: dict[int, str] = {AbsenceKind.VALID: "/valid", AbsenceKind.INVALID: "/invalid"}


class _RowWriter:
    """Turns pupils' absences into rows and inserts them in chunks. A row's `source_id` is a UUID-shaped id: a
    prefix drawn from the seed and a counter, so rows go into the unique index in order (a uuid5 per row made the
    large demo's insert about three times slower)."""

    COLUMNS = ("municipality", "child", "unit", "day", "minutes", "kind", "source_id")

    def __init__(self, municipality_id: int, days: list[date], rng: random.Random) -> None:
        self.municipality_id = municipality_id
        self.days = days
        self.day_values = [connection.ops.adapt_datefield_value(day) for day in days]
        self.prefix = str(uuid.UUID(int=rng.getrandbits(128), version=4))[:24]
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.sql = insert_statement(AbsenceRecord, self.COLUMNS)

    def add(self, pupil: Pupil, absences: Absences, shapes: tuple[int, ...]) -> None:
        prefix, number = self.prefix, self.written + len(self.rows)
        for day, lessons in sorted(absences.marks.items()):
            minutes = DAY_SHAPES[shapes[self.days[day].weekday()]]
            value = self.day_values[day]
            for lesson, kind in sorted(lessons.items()):
                number += 1
                self.rows.append(
                    (self.municipality_id, pupil.child_id, pupil.unit_id, value, minutes[lesson], kind,
                     f"{prefix}{number:012x}{LESSON_SUFFIX.get(kind, '')}")
                )  # fmt: skip
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.written += len(self.rows)
            self.rows = []


@contextmanager
def _bulk_insert_cache() -> Iterator[None]:
    """On SQLite, a page cache big enough for the absence table's three indexes while it is filled (the default
    2 MB makes each insert into an index a read from disk at size large); the old size afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _absences_of(pattern: Pattern, case: CaseDates | None, absences: Absences) -> Pattern:
    """Fill in the pupil's absences by their pattern (a TSI case's child by the case); returns the pattern used."""
    if case is not None:
        pattern = Pattern.TSI
        tsi_child(absences, case)
    else:
        PATTERNS[pattern](absences)
    if pattern is not Pattern.USUAL:
        usual(absences)  # everyone falls ill now and then
    return pattern


def write_attendance(structure: Structure, rng: random.Random, *, today: date) -> Counter[str]:
    """Write every school pupil's absences from the start of the term up to yesterday; count rows and patterns."""
    calendar = Calendar.of(school_days(today))
    days = calendar.days
    pupils = _pupils(structure)
    timetables = _timetables(structure, rng)
    patterns = _patterns(pupils, structure, rng)
    cases = _cases(structure, days)
    writer = _RowWriter(structure.municipality.pk, days, rng)
    lessons_of: dict[tuple[int, ...], list[int]] = {}
    counts: Counter[str] = Counter()
    with _bulk_insert_cache():
        for pupil, drawn in zip(pupils, patterns, strict=True):
            shapes = timetables.get(pupil.group_id, timetables[None])
            if shapes not in lessons_of:
                lessons_of[shapes] = [len(DAY_SHAPES[shapes[day.weekday()]]) for day in days]
            first = bisect_left(days, pupil.start_date)
            absences = Absences(random.Random(rng.getrandbits(64)), calendar, lessons_of[shapes], first)
            pattern = _absences_of(drawn, cases.get(pupil.child_id), absences)
            counts[f"absence_pattern_{pattern}"] += 1
            counts["absent_pupils"] += bool(absences.marks)
            writer.add(pupil, absences, shapes)
        writer.flush()
    counts["absences"] = writer.written
    counts["school_days"] = len(days)
    return counts
