"""Absence indicators: each pupil's absence at their school, measured against the municipality's thresholds.

Skollagen 7 kap 19 a § asks the principal to see that repeated or long absence is investigated promptly. The
thresholds are local policy (`AbsenceSettings`, with common defaults): absence over a rolling window is a *signal*,
and so is unexcused absence on several days in a month; absence over the term and a run of consecutive school days
absent are *high*.

The rules:

* School days are the weekdays Monday to Friday. Kring has no school calendar yet, so a holiday on a weekday counts
  as a school day without absence; records on a Saturday or Sunday are ignored.
* A percentage is the absent minutes over the school days' scheduled minutes (`school_day_minutes` a day), rounded
  to one decimal and capped at 100; the thresholds are compared with the rounded figure that the pages show.
* The rolling window is the last `window_days` days, today included; the trend compares it with the window of the
  same length before it. Neither reaches back before the term began (`term_start`): the break is no school time.
* In a holiday (Christmas, summer) the figures are measured up to the last day of the term that just ended
  (`last_term_day`), so that they say what the term ended with, not absence diluted by weeks without school.
* A day's absence is the minutes of lessons missed (valid and invalid) or the absence notified in advance (reported,
  granted leave), whichever is more: a school system sends both for the same day, and they are not added up.
* A day counts as absent when at least 75 % of its scheduled minutes were missed. A run of such days continues over
  a weekend; a school day with less absence ends it. The current run is the one that reaches the last school day
  (today, or the Friday before at a weekend).
* Unexcused absence (only `AbsenceKind.INVALID`) is counted in days, over the last 30 days.

For speed (a whole municipality of 100,000 pupils in seconds): the database sums the absence of each pupil, school
and day over the term in one grouped query, streamed in order; one pass in Python adds the days up and finds the
runs; the rows are written with one prepared INSERT run over batches (the ORM's per-field preparation of a bulk
create costs more than all the rest), and the old rows of the same scope are deleted first, in one transaction.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from kring.directory.models import UnitKind
from kring.people.models import Placement
from kring.schooldata.models import (
    LESSON_KINDS,
    NOTIFIED_KINDS,
    AbsenceIndicator,
    AbsenceKind,
    AbsenceLevel,
    AbsenceRecord,
    AbsenceSettings,
)
from kring.schooldata.school_calendar import last_term_day, term_start

BATCH_SIZE = 5000
FULL_DAY_SHARE = 0.75
UNEXCUSED_DAYS_SPAN = 30

# The thresholds a pupil passed, in the order they are listed.
REASON_TERM = "term"
REASON_STREAK = "streak"
REASON_WINDOW = "window"
REASON_UNEXCUSED = "unexcused"

# The columns written, in order (see `_Tally.row`).
_FIELDS = (
    "municipality",
    "child",
    "unit",
    "computed_on",
    "window_percent",
    "window_unexcused_percent",
    "previous_window_percent",
    "term_percent",
    "term_unexcused_percent",
    "unexcused_month",
    "longest_streak",
    "current_streak",
    "level",
    "reasons",
)


def school_days(first: date, last: date) -> int:
    """The number of weekdays (Monday–Friday) from `first` to `last`, both included."""
    if last < first:
        return 0
    weeks, rest = divmod((last - first).days + 1, 7)
    start = first.weekday()
    return weeks * 5 + sum(1 for offset in range(rest) if (start + offset) % 7 < 5)


def _last_school_day(day: date) -> date:
    """The day itself on a weekday, else the Friday before."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _percent(minutes: int, scheduled: int) -> float:
    if scheduled <= 0:
        return 0.0
    return round(min(100.0, minutes * 100 / scheduled), 1)


def classify(
    settings: AbsenceSettings, *, term_percent: float, longest_streak: int, window_percent: float, unexcused_days: int
) -> tuple[int, list[str]]:
    """The level and the thresholds passed, for a pupil's figures under the municipality's settings."""
    reasons = [
        reason
        for reason, passed in (
            (REASON_TERM, term_percent >= settings.term_percent),
            (REASON_STREAK, longest_streak >= settings.consecutive_days),
            (REASON_WINDOW, window_percent >= settings.window_percent),
            (REASON_UNEXCUSED, unexcused_days >= settings.unexcused_per_month),
        )
        if passed
    ]
    if REASON_TERM in reasons or REASON_STREAK in reasons:
        return AbsenceLevel.HIGH, reasons
    return (AbsenceLevel.SIGNAL if reasons else AbsenceLevel.NONE), reasons


@dataclass(frozen=True)
class _Day:
    """What one calendar day is to the computation (computed once per distinct day, not per row)."""

    ordinal: int
    school_day: bool
    previous_school_day: int  # the ordinal of the school day before it (a Monday's is the Friday)
    in_term: bool
    in_window: bool
    in_previous: bool
    in_month: bool


@dataclass(frozen=True)
class _Frame:
    """The periods of one computation, their scheduled minutes, and the thresholds."""

    today: date  # the last day measured: the day computed on, or in a holiday the last day of the term
    computed_on: date
    term: date
    window: date
    previous: date
    previous_end: date
    month: date
    settings: AbsenceSettings

    @classmethod
    def build(cls, computed_on: date, settings: AbsenceSettings) -> _Frame:
        today = last_term_day(computed_on)
        start = term_start(today)
        span = timedelta(days=settings.window_days)
        window = max(today - span + timedelta(days=1), start)
        previous_end = today - span
        month = today - timedelta(days=UNEXCUSED_DAYS_SPAN - 1)
        previous = max(previous_end - span + timedelta(days=1), start)
        return cls(today, computed_on, start, window, previous, previous_end, month, settings)

    @property
    def first_day(self) -> date:
        """The first day whose absence is read: the term's, or 30 days back if that is earlier."""
        return min(self.term, self.month)

    @cached_property
    def window_minutes(self) -> int:
        return school_days(self.window, self.today) * self.settings.school_day_minutes

    @cached_property
    def previous_minutes(self) -> int:
        return school_days(self.previous, self.previous_end) * self.settings.school_day_minutes

    @cached_property
    def term_minutes(self) -> int:
        return school_days(self.term, self.today) * self.settings.school_day_minutes

    @cached_property
    def last_school_day(self) -> int:
        return _last_school_day(self.today).toordinal()

    @property
    def full_day(self) -> int:
        return max(1, round(self.settings.school_day_minutes * FULL_DAY_SHARE))

    def day(self, value: date) -> _Day:
        return _Day(
            ordinal=value.toordinal(),
            school_day=value.weekday() < 5,
            previous_school_day=(value - timedelta(days={0: 3, 6: 2}.get(value.weekday(), 1))).toordinal(),
            in_term=value >= self.term,
            in_window=value >= self.window,
            in_previous=self.previous <= value <= self.previous_end,
            in_month=value >= self.month,
        )


class _Tally:
    """One pupil's absence at one school, added up day by day (the days come in order)."""

    __slots__ = ("longest", "month_days", "previous", "run", "run_end", "term", "term_u", "window", "window_u")

    def __init__(self) -> None:
        self.window = self.window_u = self.previous = self.term = self.term_u = 0
        self.month_days = self.run = self.longest = 0
        self.run_end = -1

    def add(self, day: _Day, minutes: int, unexcused: int, full_day: int) -> None:
        if not day.school_day:
            return
        if unexcused and day.in_month:
            self.month_days += 1
        if not day.in_term:
            return
        self.term += minutes
        self.term_u += unexcused
        if day.in_window:
            self.window += minutes
            self.window_u += unexcused
        elif day.in_previous:
            self.previous += minutes
        if minutes >= full_day:
            self.run = self.run + 1 if day.previous_school_day == self.run_end else 1
            self.run_end = day.ordinal
            self.longest = max(self.longest, self.run)

    def figures(self, frame: _Frame) -> tuple[Any, ...]:
        """The indicator's figures, level and reasons, in the order of `_FIELDS` after child and school."""
        term_percent = _percent(self.term, frame.term_minutes)
        window_percent = _percent(self.window, frame.window_minutes)
        level, reasons = classify(
            frame.settings,
            term_percent=term_percent,
            longest_streak=self.longest,
            window_percent=window_percent,
            unexcused_days=self.month_days,
        )
        return (
            window_percent,
            _percent(self.window_u, frame.window_minutes),
            _percent(self.previous, frame.previous_minutes),
            term_percent,
            _percent(self.term_u, frame.term_minutes),
            self.month_days,
            self.longest,
            self.run if self.run_end == frame.last_school_day else 0,
            int(level),
            tuple(reasons),
        )


def _pupils(municipality_id: int, unit_ids: list[int] | None, today: date) -> dict[int, set[int]]:
    """The children placed at each school (not a preschool) of the municipality today."""
    placements = Placement.objects.current(today).filter(
        unit__municipality_id=municipality_id, unit__kind=UnitKind.SCHOOL
    )
    if unit_ids is not None:
        placements = placements.filter(unit_id__in=unit_ids)
    pupils: dict[int, set[int]] = defaultdict(set)
    for child_id, unit_id in placements.values_list("child_id", "unit_id"):
        pupils[unit_id].add(child_id)
    return pupils


def absence_by_day(records: QuerySet[AbsenceRecord], *by: str) -> QuerySet[Any, dict[str, Any]]:
    """The records summed by day (and `by`): `total`, the day's absent minutes, and `unexcused`. A day's absence is
    the lessons missed or the absence notified, whichever is more: a school system that sends both marks a reported
    day's lessons as valid absence too, so they are never added up."""
    return records.values(*by, "day").annotate(
        total=Greatest(
            Coalesce(Sum("minutes", filter=Q(kind__in=list(LESSON_KINDS))), 0),
            Coalesce(Sum("minutes", filter=Q(kind__in=list(NOTIFIED_KINDS))), 0),
        ),
        unexcused=Sum("minutes", filter=Q(kind=AbsenceKind.INVALID)),
    )


def _absent_days(unit_id: int, first: date, today: date) -> Iterator[tuple[Any, ...]]:
    """(child, day, absent minutes, unexcused minutes) at one school, summed by the database, in order of child and
    day, streamed (a server-side cursor on PostgreSQL). One school at a time: each sort stays small and in memory.
    Read through a plain cursor, so that each distinct day is converted once, not once a row."""
    grouped = (
        absence_by_day(AbsenceRecord.objects.filter(unit_id=unit_id, day__gte=first, day__lte=today), "child_id")
        .order_by("child_id", "day")
        .values_list("child_id", "day", "total", "unexcused")
    )
    sql, params = grouped.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH_SIZE):
            yield from rows


def _school_figures(
    frame: _Frame, children: set[int], rows: Iterator[tuple[Any, ...]], days: dict[Any, _Day]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(child, figures) for every pupil of one school, in one pass over the school's days of absence."""
    full_day = frame.full_day
    left = set(children)
    current: int | None = None
    tally = _Tally()
    for child_id, value, total, unexcused in rows:
        if child_id != current:
            if current in left:
                left.discard(current)
                yield current, tally.figures(frame)
            current, tally = child_id, _Tally()
        day = days.get(value)
        if day is None:
            day = days[value] = frame.day(date.fromisoformat(value) if isinstance(value, str) else value)
        tally.add(day, total, unexcused or 0, full_day)
    if current in left:
        left.discard(current)
        yield current, tally.figures(frame)
    nothing = _Tally().figures(frame)
    for child_id in sorted(left):  # no absence this term
        yield child_id, nothing


def _rows(frame: _Frame, municipality_id: int, pupils: dict[int, set[int]]) -> Iterator[tuple[Any, ...]]:
    """The rows to write, school by school, with the computation day and reasons prepared for the database."""
    computed_on = connection.ops.adapt_datefield_value(frame.computed_on)
    reasons_field = AbsenceIndicator._meta.get_field("reasons")
    prepared: dict[tuple[str, ...], Any] = {}
    days: dict[Any, _Day] = {}
    for unit_id in sorted(pupils):
        absence = _absent_days(unit_id, frame.first_day, frame.today)
        for child_id, figures in _school_figures(frame, pupils[unit_id], absence, days):
            reasons = figures[-1]
            if reasons not in prepared:
                prepared[reasons] = reasons_field.get_db_prep_save(list(reasons), connection)  # type: ignore[union-attr]
            yield (municipality_id, child_id, unit_id, computed_on, *figures[:-1], prepared[reasons])


def _insert(rows: Iterator[tuple[Any, ...]]) -> int:
    """Write the rows: with COPY on PostgreSQL, else with one prepared INSERT over batches of parameters."""
    meta = AbsenceIndicator._meta
    column_of = {field.name: str(field.column) for field in meta.concrete_fields}
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in _FIELDS)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_FIELDS))})"  # noqa: S608
    written = 0
    with connection.cursor() as cursor:
        # A batch is computed (reading absence from the open cursor) before it is written: no reading during a COPY.
        while batch := list(itertools.islice(rows, BATCH_SIZE)):
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(insert, batch)
            written += len(batch)
    return written


def recompute_indicators(municipality_id: int, *, unit_ids: list[int] | None = None, today: date | None = None) -> int:
    """Replace the absence indicators of the municipality's pupils (or only those of the given schools) with new
    ones computed for `today`; a pupil without absence gets a row of zeros. Returns the number of rows written."""
    today = today or timezone.localdate()
    AbsenceSettings.objects.get_or_create(municipality_id=municipality_id)
    with transaction.atomic():
        # The settings row is the municipality's lock: two recomputes (an import, a change of thresholds) take turns.
        settings = AbsenceSettings.objects.select_for_update().get(municipality_id=municipality_id)
        frame = _Frame.build(today, settings)
        pupils = _pupils(municipality_id, unit_ids, today)
        stale = AbsenceIndicator.objects.filter(municipality_id=municipality_id)
        if unit_ids is not None:
            stale = stale.filter(unit_id__in=unit_ids)
        stale.delete()
        return _insert(_rows(frame, municipality_id, pupils))
