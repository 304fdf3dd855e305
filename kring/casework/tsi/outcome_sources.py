"""Outcome data from other apps: school attendance imported from the school's own system, drawn beside the team's
own outcome measures. casework cannot import the apps below it, so they register a source here (see
`kring.schooldata.outcomes`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kring.access.policy import Basis
from kring.directory.models import User


@dataclass(frozen=True)
class AttendancePeriod:
    """Attendance over a span of school days: before, during and after the intervention, or one month."""

    label: str
    start: date
    end: date
    school_days: int
    attendance_percent: float | None  # None: no school days in the span


@dataclass(frozen=True)
class ImportedAttendance:
    basis: Basis
    periods: list[AttendancePeriod]  # before, during, after
    months: list[AttendancePeriod]  # month by month, for the chart
    case_start: date
    case_end: date | None


AttendanceSource = Callable[[Any, Any, list[Basis]], ImportedAttendance | None]
_sources: list[AttendanceSource] = []


def register_attendance_source(source: AttendanceSource) -> None:
    if source not in _sources:
        _sources.append(source)


def imported_attendance(user: User, case: Any, bases: list[Basis]) -> ImportedAttendance | None:
    """The child's imported attendance around the case, if a source has it and the user has a basis for it."""
    for source in _sources:
        found = source(user, case, bases)
        if found is not None:
            return found
    return None
