"""The demo is meaningful on any day of the year: seeded in term time, at a weekend, in the autumn break, on
Christmas Eve, on New Year's Day, on the first days of a term, in the summer holiday and on 29 February, its
absence lies on school days before today, the demo principal finds pupils on the early-warning page, and in a
holiday the page says the figures are those of the term that just ended; an agreement is due for review soon."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kring.access.roles import Role
from kring.collaboration.agreements.today import agreement_work
from kring.demo.actions import seed_demo
from kring.directory.models import Membership, User
from kring.directory.today import Priority
from kring.schooldata.models import AbsenceIndicator, AbsenceLevel, AbsenceRecord
from kring.schooldata.school_calendar import in_term, is_school_day, last_term_day
from tests.conftest import login

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAYS = {
    "term time": dt.datetime(2026, 11, 18, 10, tzinfo=STOCKHOLM),
    "a Sunday night": dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC),
    "the autumn break": dt.datetime(2026, 10, 28, 12, tzinfo=STOCKHOLM),
    "Christmas Eve": dt.datetime(2026, 12, 24, 15, tzinfo=STOCKHOLM),
    "New Year's Day": dt.datetime(2027, 1, 1, 12, tzinfo=STOCKHOLM),
    "the spring term's second day": dt.datetime(2027, 1, 8, 9, tzinfo=STOCKHOLM),
    "29 February": dt.datetime(2028, 2, 29, 10, tzinfo=STOCKHOLM),
    "the summer holiday": dt.datetime(2027, 7, 14, 12, tzinfo=STOCKHOLM),
    "the autumn term's second day": dt.datetime(2026, 8, 18, 8, tzinfo=STOCKHOLM),
}


@pytest.mark.parametrize("moment", DAYS.values(), ids=DAYS.keys())
def test_demo_is_meaningful_on_any_day(db: None, client: Client, moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        today = timezone.localdate()
        demo = seed_demo(size="tiny", seed=11)
        principal = User.objects.get(email=demo.login_for(Role.PRINCIPAL).email)
        school = Membership.objects.get(user=principal, role=Role.PRINCIPAL).unit
        days = set(AbsenceRecord.objects.filter(municipality=demo.municipality).values_list("day", flat=True))
        flagged = AbsenceIndicator.objects.filter(unit=school, level__gte=AbsenceLevel.SIGNAL)

        body = login(client, principal).get(f"/absence/{school.pk}/", headers={"accept-language": "en"})
        coordinator = User.objects.get(email=demo.login_for(Role.COORDINATOR).email)
        reviews = agreement_work(coordinator, today)[0]

    assert demo.counts["absences"] > 0 and demo.counts["absence_indicators"] > 0
    assert all(is_school_day(day) and day < today for day in days)
    assert flagged.count() >= 3
    assert set(AbsenceIndicator.objects.values_list("computed_on", flat=True)) == {today}
    page = body.content.decode()
    assert body.status_code == 200
    assert all(str(indicator.child) in page for indicator in flagged.select_related("child"))
    holiday_note = f"a school holiday: measured up to the last day of the term, {last_term_day(today).isoformat()}"
    assert (holiday_note in page) == (not in_term(today))
    assert reviews.count == 1 and reviews.items[0].priority == Priority.SOON  # an agreement due within the month
