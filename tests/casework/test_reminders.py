"""Reminders of meetings and follow-ups: e-mailed once, naming no child, audited as the system."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.casework.models import MeetingKind, TsiCase
from kring.casework.tsi import actions
from kring.casework.tsi.reminders import send_reminders
from tests.casework.conftest import TODAY
from tests.conftest import committed

pytestmark = pytest.mark.django_db


def test_meeting_tomorrow_and_overdue_follow_up_are_reminded_once(consented_case: TsiCase, tsi_member) -> None:  # type: ignore[no-untyped-def]
    actions.book_meeting(
        by=tsi_member, case=consented_case, kind=MeetingKind.NETWORK,
        starts_at=timezone.now() + dt.timedelta(hours=20), place="Biblioteket", neutral_arena=True,
    )  # fmt: skip
    actions.book_meeting(
        by=tsi_member, case=consented_case, kind=MeetingKind.FOLLOW_UP,
        starts_at=timezone.now() + dt.timedelta(days=5), place="Skolan", neutral_arena=False,
    )  # fmt: skip
    consented_case.follow_ups.create(
        municipality_id=consented_case.municipality_id, due_on=TODAY - dt.timedelta(days=1)
    )

    first = committed(send_reminders)
    second = committed(send_reminders)

    assert (first.meetings, first.follow_ups) == (1, 1)
    assert (second.meetings, second.follow_ups) == (0, 0)
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {tsi_member.email}
    for message in mail.outbox:
        assert "Testsson" not in message.body and "Alva" not in message.subject + message.body
        assert f"/cases/{consented_case.pk}/" in message.body
    events = AuditEvent.objects.filter(target_type__startswith="tsi_reminder_")
    assert events.count() == 2
    assert all(e.actor_label == "Kring (system)" and e.child_id == consented_case.child_id for e in events)


def test_closed_cases_get_no_reminders(consented_case: TsiCase, tsi_member) -> None:  # type: ignore[no-untyped-def]
    consented_case.follow_ups.create(municipality_id=consented_case.municipality_id, due_on=TODAY)
    actions.close_case(by=tsi_member, case=consented_case, reason="goals_reached")
    assert committed(send_reminders).follow_ups == 0


def test_send_reminders_command_runs_and_enqueues(consented_case: TsiCase, capsys: pytest.CaptureFixture[str]) -> None:
    consented_case.follow_ups.create(municipality_id=consented_case.municipality_id, due_on=TODAY)
    committed(call_command, "send_reminders")
    assert "1 follow-ups" in capsys.readouterr().out
    call_command("send_reminders", "--enqueue")
    assert "Enqueued" in capsys.readouterr().out


def test_reminder_mail_waits_until_the_audit_event_is_committed(consented_case: TsiCase) -> None:
    consented_case.follow_ups.create(municipality_id=consented_case.municipality_id, due_on=TODAY)

    with TestCase.captureOnCommitCallbacks(execute=False) as after_commit:
        send_reminders()
        sent_before_commit = len(mail.outbox)
        audited_before_commit = AuditEvent.objects.filter(target_type="tsi_reminder_follow_up").count()
    for callback in after_commit:
        callback()

    assert (sent_before_commit, audited_before_commit) == (0, 1)
    assert len(after_commit) == 1 and len(mail.outbox) == 1
