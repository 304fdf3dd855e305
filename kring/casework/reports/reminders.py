"""Reminders of the clocks of reports of concern, e-mailed to the receiving unit before the deadlines pass.

Run with the TSI reminders by `kring send-reminders`. A report is reminded when its protection assessment is due
today (or overdue) and not made, or its decision or feedback is due within `NOTICE_DAYS` days (or overdue) and not
done. The e-mail names no child: the report's number, its deadlines and a link. It goes to the members of the
receiving unit with a social services role, is audited as the system in the same transaction as its mark
(`ReportAssessment.reminded_at`), and is sent once for each window: a deadline whose window opened after the last
reminder brings a new one (the decision two weeks after the protection assessment), running again does not.

When periods skip weekends (`KRING_DEADLINE_SKIP_WEEKENDS`), the notice is counted in working days, so a decision
moved to a Monday is reminded on the Thursday before, not over the weekend.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.roles import SOCIAL_SERVICES_ROLES
from kring.casework.models import ReportAssessment
from kring.casework.reports import deadlines
from kring.casework.workflow import SYSTEM_ACTOR
from kring.directory.models import Membership

NOTICE_DAYS = 2
# Two working days back can span a weekend: the widest window, for the database's first cut.
_WIDEST_NOTICE = timedelta(days=NOTICE_DAYS + 2)


@dataclass(frozen=True)
class PendingDeadline:
    step: str
    due: date
    remind_from: date


def remind_from(due: date) -> date:
    """The first day a deadline is reminded: `NOTICE_DAYS` before it (working days when weekends are skipped)."""
    if not getattr(settings, "KRING_DEADLINE_SKIP_WEEKENDS", False):
        return due - timedelta(days=NOTICE_DAYS)
    day, left = due, NOTICE_DAYS
    while left:
        day -= timedelta(days=1)
        if day.weekday() < deadlines.SATURDAY:
            left -= 1
    return day


def pending_deadlines(assessment: ReportAssessment, *, has_feedback: bool, today: date) -> list[PendingDeadline]:
    """The deadlines of the report that are in their reminder window (or past) and not done."""
    found = []
    report = assessment.report
    if assessment.protection_assessed_at is None and report.protection_due <= today:
        found.append(PendingDeadline("protection", report.protection_due, report.protection_due))
    if assessment.decided_at is None and remind_from(report.decision_due) <= today:
        found.append(PendingDeadline("decision", report.decision_due, remind_from(report.decision_due)))
    if not has_feedback and remind_from(report.feedback_due) <= today:
        found.append(PendingDeadline("feedback", report.feedback_due, remind_from(report.feedback_due)))
    return found


def _is_new(assessment: ReportAssessment, pending: list[PendingDeadline]) -> bool:
    """Is a deadline in a window the last reminder did not cover?"""
    if not pending:
        return False
    if assessment.reminded_at is None:
        return True
    last = timezone.localdate(assessment.reminded_at)
    return any(item.remind_from > last for item in pending)


def _candidates(today: date) -> list[ReportAssessment]:
    horizon = today + _WIDEST_NOTICE
    return list(
        ReportAssessment.objects.filter(
            Q(protection_assessed_at__isnull=True, report__protection_due__lte=today)
            | Q(decided_at__isnull=True, report__decision_due__lte=horizon)
            | Q(report__feedback__isnull=True, report__feedback_due__lte=horizon)
        )
        .select_related("report__receiving_unit", "report__feedback")
        .order_by("report__protection_due", "pk")
    )


def _recipients(unit_ids: set[int]) -> dict[int, list[str]]:
    members = Membership.objects.filter(
        unit_id__in=sorted(unit_ids), role__in=SOCIAL_SERVICES_ROLES, active=True, user__is_active=True
    ).values_list("unit_id", "user__email")
    found: dict[int, set[str]] = defaultdict(set)
    for unit_id, email in members:
        found[unit_id].add(email)
    return {unit_id: sorted(emails) for unit_id, emails in found.items()}


def send_report_reminders(now: datetime | None = None) -> int:
    """E-mail the due reminders of reports of concern that have not been sent; returns how many reports."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = []
    for assessment in _candidates(today):
        has_feedback = getattr(assessment.report, "feedback", None) is not None
        pending = pending_deadlines(assessment, has_feedback=has_feedback, today=today)
        if _is_new(assessment, pending):
            due.append((assessment, pending))
    recipients = _recipients({assessment.report.receiving_unit_id for assessment, _pending in due})
    with translation.override(settings.LANGUAGE_CODE):
        for assessment, pending in due:
            _remind(assessment, pending, recipients.get(assessment.report.receiving_unit_id, []), now)
    return len(due)


def _step_label(step: str) -> str:
    labels = {
        "protection": _("Protection assessment"),
        "decision": _("Initial assessment (decision)"),
        "feedback": _("Feedback to the reporter"),
    }
    return labels[step]


def _message(assessment: ReportAssessment, pending: list[PendingDeadline], today: date) -> tuple[str, str]:
    report = assessment.report
    subject = _("Kring: deadlines of report of concern %(report)s") % {"report": report.pk}
    lines = [
        _("Report of concern %(report)s, received by %(unit)s, has deadlines that are near or have passed:")
        % {"report": report.pk, "unit": report.receiving_unit.name},
        "",
    ]
    for item in pending:
        clock = deadlines.clock(item.due, done=False, today=today)
        lines.append(f"- {_step_label(item.step)}: {item.due.isoformat()} ({clock.label})")
    link = f"{settings.KRING_BASE_URL}{reverse('report_detail', args=[report.pk])}"
    return subject, "\n".join([*lines, "", link, ""])


def _remind(assessment: ReportAssessment, pending: list[PendingDeadline], emails: list[str], now: datetime) -> None:
    report = assessment.report
    subject, body = _message(assessment, pending, timezone.localdate(now))
    with transaction.atomic():
        ReportAssessment.objects.filter(pk=assessment.pk).update(reminded_at=now)
        record_event(
            actor=None,
            actor_label=SYSTEM_ACTOR,
            municipality_id=report.municipality_id,
            action=AuditAction.WRITE,
            target_type="report_reminder",
            target_id=assessment.pk,
            child_id=report.child_id,
            details={"report": report.pk, "deadlines": [item.step for item in pending], "recipients": len(emails)},
        )
        if emails:  # once the audit event is committed
            transaction.on_commit(partial(send_mail, subject, body, None, emails))
