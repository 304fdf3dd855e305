"""Reminders of the deadlines of reports of concern: sent once per window, naming no child, to the receiving unit,
audited as the system; weekends with `KRING_DEADLINE_SKIP_WEEKENDS` on and off (time-machine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.casework.models import ReportOfConcern
from kring.casework.reports import actions, deadlines
from kring.casework.reports.reminders import remind_from, send_report_reminders
from kring.directory.models import UnitKind, User
from tests.conftest import World, _staff, committed, login
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

REPORT = actions.ReportInput(
    what_happened="Alva berättar om bråk hemma.",
    when_and_where="I skolan, till mentor",
    guardians_informed=True,
    urgency="normal",
)
SATURDAY = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


@contextmanager
def on(day: dt.date, hour: int = 9) -> Iterator[None]:
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def unit_manager(world: World) -> User:
    return _staff(world.municipality, world.social_services, "unit_manager", "enhetschef@kommun.example")


@pytest.fixture
def other_social_worker(world: World) -> User:
    unit = UnitFactory(
        organisation=world.social_services.organisation, name="Vuxenenheten", kind=UnitKind.SOCIAL_SERVICES_UNIT
    )
    return _staff(world.municipality, unit, "social_worker", "vuxen@kommun.example")


@pytest.fixture
def report(world: World, principal: User, social_worker: User) -> ReportOfConcern:
    return actions.file_report(by=principal, child=world.child, report=REPORT)


def filed_on(report: ReportOfConcern, day: dt.date) -> None:
    """As if the report had come in on that day: its clocks start then."""
    ReportOfConcern.objects.filter(pk=report.pk).update(
        filed_at=timezone.make_aware(dt.datetime.combine(day, dt.time(8))),
        protection_due=deadlines.protection_due(day),
        decision_due=deadlines.decision_due(day),
        feedback_due=deadlines.feedback_due(day),
    )
    report.refresh_from_db()


def received_on_saturday(report: ReportOfConcern, social_worker: User) -> None:
    """Came in, was received (by the on-call service) and protection-assessed on Saturday 2026-11-21."""
    filed_on(report, SATURDAY.date())
    with time_machine.travel(SATURDAY, tick=False):
        actions.receive_report(by=social_worker, report=report)
        actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="ok")


def test_a_protection_assessment_due_today_is_reminded_once_to_the_receiving_unit(
    report: ReportOfConcern, social_worker: User, unit_manager: User, other_social_worker: User, principal: User
) -> None:
    actions.receive_report(by=social_worker, report=report)

    first = committed(send_report_reminders)
    second = committed(send_report_reminders)

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([social_worker.email, unit_manager.email])
    assert f"/reports/{report.pk}/" in message.body and str(report.pk) in message.subject
    assert "Alva" not in message.subject + message.body and "Testsson" not in message.body
    event = AuditEvent.objects.get(target_type="report_reminder")
    assert event.actor_id is None and event.actor_label == "Kring (system)"
    assert event.child_id == report.child_id
    assert event.details == {"report": report.pk, "deadlines": ["protection"], "recipients": 2}


def test_nothing_is_reminded_before_receipt_or_once_every_step_is_done(
    report: ReportOfConcern, social_worker: User
) -> None:
    assert committed(send_report_reminders) == 0
    actions.receive_report(by=social_worker, report=report)
    actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    actions.record_decision(by=social_worker, report=report, decision="not_opened", note="")
    actions.give_feedback(by=social_worker, report=report, kind="not_opened")
    assert committed(send_report_reminders) == 0
    assert mail.outbox == []


def test_the_decision_window_brings_a_new_reminder_after_the_protection_one(
    report: ReportOfConcern, social_worker: User
) -> None:
    filed_on(report, dt.date(2026, 11, 2))
    with on(dt.date(2026, 11, 2)):  # a Monday
        actions.receive_report(by=social_worker, report=report)
        assert committed(send_report_reminders) == 1  # the protection assessment is due today
        actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    with on(dt.date(2026, 11, 13)):  # decision and feedback due Monday 16th: three days left
        assert committed(send_report_reminders) == 0
    with on(dt.date(2026, 11, 14)):
        assert committed(send_report_reminders) == 1
    with on(dt.date(2026, 11, 15)):
        assert committed(send_report_reminders) == 0
    with on(dt.date(2026, 11, 20)):  # overdue now, but already reminded for this window
        assert committed(send_report_reminders) == 0
    assert len(mail.outbox) == 2
    assert "2026-11-16" in mail.outbox[1].body


@override_settings(KRING_DEADLINE_SKIP_WEEKENDS=True)
def test_a_deadline_moved_from_the_weekend_to_monday_is_reminded_on_the_working_days_before(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    received_on_saturday(report, social_worker)  # 14 days later is Saturday 5 December → Monday 7 December
    assert report.decision_due == dt.date(2026, 12, 7)
    assert remind_from(dt.date(2026, 12, 7)) == dt.date(2026, 12, 3)

    with on(dt.date(2026, 12, 2)):
        assert committed(send_report_reminders) == 0
    with on(dt.date(2026, 12, 3)):  # Thursday
        assert committed(send_report_reminders) == 1
    with on(dt.date(2026, 12, 4)):  # Friday: not again
        assert committed(send_report_reminders) == 0
    assert "2026-12-07" in mail.outbox[0].body
    with on(dt.date(2026, 12, 7)):  # Monday: due today, not overdue
        login(client, social_worker)
        body = client.get("/reports/inbox/", headers={"accept-language": "en"}).content.decode()
    assert "due today" in body and "row--flagged" not in body


@override_settings(KRING_DEADLINE_SKIP_WEEKENDS=False)
def test_without_skipping_weekends_the_deadline_stays_on_saturday_and_is_overdue_on_monday(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    received_on_saturday(report, social_worker)
    assert report.decision_due == dt.date(2026, 12, 5)

    with on(dt.date(2026, 12, 2)):
        assert committed(send_report_reminders) == 0
    with on(dt.date(2026, 12, 3)):  # Thursday: two days before Saturday
        assert committed(send_report_reminders) == 1
    with on(dt.date(2026, 12, 4)):  # Friday: not again
        assert committed(send_report_reminders) == 0
    assert "2026-12-05" in mail.outbox[0].body
    with on(dt.date(2026, 12, 7)):
        login(client, social_worker)
        body = client.get("/reports/inbox/", headers={"accept-language": "en"}).content.decode()
    assert "row--flagged" in body and "2 days overdue" in body


def test_send_reminders_command_sends_the_report_reminders_too(
    report: ReportOfConcern, social_worker: User, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.receive_report(by=social_worker, report=report)
    committed(call_command, "send_reminders")
    assert "1 reports of concern" in capsys.readouterr().out
    committed(call_command, "send_reminders")
    assert "0 reports of concern" in capsys.readouterr().out
    assert len(mail.outbox) == 1
