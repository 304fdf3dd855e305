"""Reminders of the actions decided at group meetings, sent by `kring send-reminders`: to the owner, once, from
`NOTICE_DAYS` before the date (or at once when it is nearer or past), in the app and by e-mail. The reminder names the
group and the date, never the action's text (typed in a meeting, it might say more than an e-mail should). Audited
as the system in the same transaction as its mark (`MeetingAction.reminded_on`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.casework.workflow import SYSTEM_ACTOR
from kring.collaboration.models import MeetingAction
from kring.directory.models import NotificationKind
from kring.directory.notifications import notify

NOTICE_DAYS = 2


def send_action_reminders(today: date) -> int:
    due = MeetingAction.objects.filter(
        done_at__isnull=True, reminded_on__isnull=True, due_on__lte=today + timedelta(days=NOTICE_DAYS)
    ).select_related("meeting__group", "owner")
    sent = 0
    for action in due:
        group = action.meeting.group
        with transaction.atomic():
            notify(
                users=[action.owner], kind=NotificationKind.ACTION,
                url=reverse("collaboration_meeting", args=[action.meeting_id]), subject="meeting_action",
                group=group.name, due=action.due_on.isoformat(),
            )  # fmt: skip
            MeetingAction.objects.filter(pk=action.pk).update(reminded_on=today)
            record_event(
                actor=None, actor_label=SYSTEM_ACTOR, municipality_id=group.municipality_id, action=AuditAction.WRITE,
                target_type="meeting_action", target_id=action.pk, details={"reminded": action.due_on.isoformat()},
            )  # fmt: skip
        sent += 1
    return sent
