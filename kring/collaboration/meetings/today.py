"""The start page's actions from group meetings: each person's own open actions, due within a week or past."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kring.collaboration.meetings.queries import open_actions_of
from kring.directory.today import WorkGroup, WorkItem, count_and_first, due_priority, due_text

SOON_DAYS = 7


def meeting_work(user: Any, today: date) -> list[WorkGroup]:
    rows = open_actions_of(user).filter(due_on__lte=today + timedelta(days=SOON_DAYS))
    count, first = count_and_first(rows, "due_on", "pk")
    items = [
        WorkItem(
            priority=due_priority(action.due_on, today),
            what=action.text,
            subject=action.meeting.group.name,
            when=due_text(action.due_on, today),
            url=reverse("collaboration_meeting", args=[action.meeting_id]),
            order=action.due_on,
        )
        for action in first
    ]
    return [WorkGroup("meeting_actions", _("Actions from group meetings"), count, items)]
