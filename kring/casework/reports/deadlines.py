"""The clocks of a report of concern, in one place so that a change in the law is a change here (or in settings).

* Protection assessment (skyddsbedömning, SoL 11 kap 1 a §): at once, in practice the same day — weekends and
  holidays included (the social services' on-call service, socialjouren, covers them).
* Initial assessment (förhandsbedömning, SoL 11 kap 1 a §): decide within `KRING_INITIAL_ASSESSMENT_DAYS` (14) days
  of the report's arrival; an extension for exceptional reasons is a recorded decision with its reason.
* Feedback to the reporter (SoL 14 kap 1 b §): the recast law proposes a time limit; `KRING_FEEDBACK_DAYS`
  (default 14) days of the report's arrival *(confirm what was enacted)*.
* Investigation (utredning, SoL 11 kap 2 §): finished within four months of its opening.

Every clock starts on the day the report came in (its filing in Kring is its arrival at social services), not on
the day someone registered its receipt; the statistics of compliance count from the same starts.

A period of days that ends on a Saturday or Sunday ends on the next Monday when `KRING_DEADLINE_SKIP_WEEKENDS` is
on (the rule of lag 1930:173 for periods counted in days; off by default, because social services count calendar
days *(confirm)*). Public holidays are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SATURDAY = 5


def add_days(start: date, days: int) -> date:
    due = start + timedelta(days=days)
    if getattr(settings, "KRING_DEADLINE_SKIP_WEEKENDS", False):
        while due.weekday() >= SATURDAY:
            due += timedelta(days=1)
    return due


def protection_due(received: date) -> date:
    return received


def decision_due(received: date) -> date:
    return add_days(received, settings.KRING_INITIAL_ASSESSMENT_DAYS)


def feedback_due(received: date) -> date:
    return add_days(received, settings.KRING_FEEDBACK_DAYS)


INVESTIGATION_MONTHS = 4


def investigation_due(opened: date) -> date:
    """Four months after the opening, on the same day of the month (the month's last day when it has none)."""
    month_index = opened.month - 1 + INVESTIGATION_MONTHS
    year, month = opened.year + month_index // 12, month_index % 12 + 1
    for day in range(opened.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, min(opened.day, 28))


@dataclass(frozen=True)
class Clock:
    """How a deadline stands today: done, days left, due today, or overdue by some days."""

    due: date
    done: bool
    days_left: int

    @property
    def overdue(self) -> bool:
        return not self.done and self.days_left < 0

    @property
    def label(self) -> str:
        if self.done:
            return _("done")
        if self.days_left == 0:
            return _("due today")
        if self.days_left > 0:
            return ngettext("%(days)s day left", "%(days)s days left", self.days_left) % {"days": self.days_left}
        late = -self.days_left
        return ngettext("%(days)s day overdue", "%(days)s days overdue", late) % {"days": late}


def clock(due: date, *, done: bool, today: date | None = None) -> Clock:
    return Clock(due=due, done=done, days_left=(due - (today or timezone.localdate())).days)
