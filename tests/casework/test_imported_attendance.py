"""The outcome link: a TSI case shows the child's attendance from the school's own records before, during and
after the intervention, to those whose basis covers the school's attendance (for the team: the consent)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.test import Client
from django.utils import timezone

from kring.casework.models import TsiCase
from kring.casework.tsi import actions
from kring.casework.tsi.charts import IMPORTED_STYLE
from kring.directory.models import User
from kring.people.models import Guardian
from kring.schooldata.models import AbsenceKind, AbsenceRecord
from kring.schooldata.outcomes import BEFORE_WEEKS, _period, is_school_day
from tests.casework.conftest import consent_input
from tests.conftest import World, login


def _absent_every_monday_before(case: TsiCase, world: World) -> int:
    """A full day away every Monday in the weeks before the case; returns how many."""
    start = timezone.localdate(case.requested_at)
    mondays = [
        start - dt.timedelta(days=offset)
        for offset in range(1, BEFORE_WEEKS * 7)
        if (start - dt.timedelta(days=offset)).weekday() == 0 and is_school_day(start - dt.timedelta(days=offset))
    ]
    AbsenceRecord.objects.bulk_create(
        AbsenceRecord(
            municipality=world.municipality, child=world.child, unit=world.school, day=day, minutes=300,
            kind=AbsenceKind.INVALID, source_id=f"abs-{day}",
        )
        for day in mondays
    )  # fmt: skip
    return len(mondays)


def _consent_with_attendance(case: TsiCase, member: User, guardians: list[Guardian]) -> None:
    actions.record_consent(
        by=member, case=case, given=consent_input(guardians, categories=["plan", "meeting", "outcome", "attendance"])
    )


def test_case_page_shows_attendance_before_and_during_with_a_consent_covering_it(
    client: Client, world: World, accepted_case: TsiCase, tsi_member: User, guardians: list[Guardian]
) -> None:
    _consent_with_attendance(accepted_case, tsi_member, guardians)
    _absent_every_monday_before(accepted_case, world)
    login(client, tsi_member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read the English labels

    page = client.get(f"/cases/{accepted_case.pk}/").content.decode()
    chart = client.get(f"/cases/{accepted_case.pk}/outcomes.svg").content.decode()

    assert "Attendance from the school" in page and "Before" in page and "During" in page
    assert IMPORTED_STYLE.color in chart and "style=" not in chart


def test_case_page_hides_the_school_records_without_a_consent_covering_attendance(
    client: Client, world: World, accepted_case: TsiCase, tsi_member: User, guardians: list[Guardian]
) -> None:
    actions.record_consent(
        by=tsi_member, case=accepted_case, given=consent_input(guardians, categories=["plan", "outcome"])
    )
    _absent_every_monday_before(accepted_case, world)
    login(client, tsi_member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/cases/{accepted_case.pk}/").content.decode()
    chart = client.get(f"/cases/{accepted_case.pk}/outcomes.svg").content.decode()

    assert "Attendance from the school" not in page
    assert IMPORTED_STYLE.color not in chart


def test_period_attendance_counts_school_days_only() -> None:
    monday = dt.date(2026, 11, 2)
    absent = {monday: 300, monday + dt.timedelta(days=1): 150}

    week = _period("w", monday, monday + dt.timedelta(days=6), absent, 300)

    assert week.school_days == 5
    assert week.attendance_percent == 70.0  # 1.5 days missed of 5


def test_school_days_leave_out_weekends_summer_and_christmas() -> None:
    assert is_school_day(dt.date(2026, 11, 2))
    assert not is_school_day(dt.date(2026, 11, 1))  # a Sunday
    assert not is_school_day(dt.date(2026, 7, 1))
    assert not is_school_day(dt.date(2026, 12, 28))
