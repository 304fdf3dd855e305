"""The outcome link: a TSI case's child's attendance before, during and after the intervention, from the absence
imported from the school's own system. Registered with casework as an attendance source."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.policy import Basis, basis_among, visible_to
from kring.access.roles import Category, Origin
from kring.casework.tsi.outcome_sources import AttendancePeriod, ImportedAttendance
from kring.directory.models import User
from kring.schooldata.indicators import absence_by_day
from kring.schooldata.models import AbsenceRecord, AbsenceSettings
from kring.schooldata.school_calendar import is_school_day

BEFORE_WEEKS = 8


def _school_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1) if is_school_day(start + timedelta(n))]


def _period(label: str, start: date, end: date, absent: dict[date, int], day_minutes: int) -> AttendancePeriod:
    days = _school_days(start, end)
    if not days:
        return AttendancePeriod(label, start, end, 0, None)
    missed = sum(min(absent.get(day, 0), day_minutes) for day in days)
    return AttendancePeriod(label, start, end, len(days), round(100 - 100 * missed / (len(days) * day_minutes), 1))


def _months(start: date, end: date, absent: dict[date, int], day_minutes: int) -> list[AttendancePeriod]:
    months, first = [], start.replace(day=1)
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        period = _period(
            f"{first:%Y-%m}", max(first, start), min(following - timedelta(days=1), end), absent, day_minutes
        )
        if period.school_days:
            months.append(period)
        first = following
    return months


def case_attendance(user: User, case: Any, bases: list[Basis]) -> ImportedAttendance | None:
    """The attendance around the case, or None without a basis for the school's attendance records (for a TSI
    team: a consent that covers the school's attendance) or without any imported absence data."""
    basis = basis_among(bases, Origin.SCHOOL, Category.ATTENDANCE)
    if basis is None:
        return None
    today = timezone.localdate()
    case_start = timezone.localdate(case.requested_at)
    case_end = timezone.localdate(case.closed_at) if case.closed_at else None
    first = case_start - timedelta(weeks=BEFORE_WEEKS)
    records = visible_to(user, AbsenceRecord.objects.filter(child_id=case.child_id, day__gte=first, day__lte=today))
    absent: dict[date, int] = defaultdict(int)
    for day, minutes in absence_by_day(records).values_list("day", "total"):
        absent[day] = minutes or 0
    if not absent:
        return None
    settings = AbsenceSettings.objects.filter(municipality_id=case.municipality_id).first()
    day_minutes = settings.school_day_minutes if settings else AbsenceSettings().school_day_minutes
    during_end = case_end or today
    periods = [
        _period(_("Before"), first, case_start - timedelta(days=1), absent, day_minutes),
        _period(_("During"), case_start, during_end, absent, day_minutes),
    ]
    if case_end is not None and case_end < today:
        periods.append(_period(_("After"), case_end + timedelta(days=1), today, absent, day_minutes))
    return ImportedAttendance(basis, periods, _months(first, today, absent, day_minutes), case_start, case_end)
