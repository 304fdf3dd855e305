"""Reminders of TSI meetings and follow-ups: in the app (the start page and the work list) and by e-mail.

Run by `kring send-reminders` (from cron or the task worker). The e-mail names no child: it says that a case has
a meeting or a follow-up and links to it, so nothing secret travels by e-mail. Each reminder is audited, acting as
the system (no personal actor), in the same transaction as its "sent" mark, so a reminder is sent once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.roles import CASE_TEAM_ROLES
from kring.casework.models import OPEN_STAGES, FollowUp, Meeting, TsiCase
from kring.casework.workflow import SYSTEM_ACTOR
from kring.directory.models import Membership

MEETING_NOTICE = timedelta(hours=24)


@dataclass(frozen=True)
class ReminderRun:
    meetings: int
    follow_ups: int


def _recipients(case: TsiCase) -> list[str]:
    """The case lead, or else every active member of the team."""
    if case.lead is not None and case.lead.is_active:
        return [case.lead.email]
    members = Membership.objects.filter(
        unit_id=case.team_id, role__in=CASE_TEAM_ROLES, active=True, user__is_active=True
    )
    return sorted(set(members.values_list("user__email", flat=True)))


def _send(case: TsiCase, subject: str, body: str) -> int:
    """Mail the reminder once the transaction, with its audit event, has committed; the number of recipients."""
    link = f"{settings.KRING_BASE_URL}{reverse('casework_case', args=[case.pk])}"
    recipients = _recipients(case)
    if recipients:
        transaction.on_commit(partial(send_mail, subject, f"{body}\n\n{link}\n", None, recipients))
    return len(recipients)


def _audit(case: TsiCase, target: object, kind: str, sent_to: int) -> None:
    record_event(
        actor=None,
        actor_label=SYSTEM_ACTOR,
        municipality_id=case.municipality_id,
        action=AuditAction.WRITE,
        target_type=f"tsi_reminder_{kind}",
        target_id=getattr(target, "pk", ""),
        child_id=case.child_id,
        details={"case": case.pk, "recipients": sent_to},
    )


def send_reminders(*, now: datetime | None = None) -> ReminderRun:
    """E-mail the reminders that are due and not yet sent; idempotent."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        case__stage__in=OPEN_STAGES, held=False, reminder_sent_at__isnull=True, starts_at__gte=now,
        starts_at__lte=now + MEETING_NOTICE,
    ).select_related("case__lead")  # fmt: skip
    follow_ups = FollowUp.objects.filter(
        case__stage__in=OPEN_STAGES, done_on__isnull=True, reminder_sent_at__isnull=True,
        due_on__lte=timezone.localdate(now),
    ).select_related("case__lead")  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        sent_meetings = sum(_remind_meeting(meeting, now) for meeting in meetings)
        sent_follow_ups = sum(_remind_follow_up(follow_up, now) for follow_up in follow_ups)
    return ReminderRun(sent_meetings, sent_follow_ups)


def _remind_meeting(meeting: Meeting, now: datetime) -> int:
    case = meeting.case
    when = timezone.localtime(meeting.starts_at)
    with transaction.atomic():
        sent = _send(
            case,
            _("Kring: meeting in TSI case %(case)s") % {"case": case.pk},
            _("%(kind)s in TSI case %(case)s on %(when)s at %(place)s.")
            % {
                "kind": meeting.get_kind_display(),
                "case": case.pk,
                "when": f"{when:%Y-%m-%d %H:%M}",
                "place": meeting.place,
            },
        )
        Meeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=now)
        _audit(case, meeting, "meeting", sent)
    return 1


def _remind_follow_up(follow_up: FollowUp, now: datetime) -> int:
    case = follow_up.case
    with transaction.atomic():
        sent = _send(
            case,
            _("Kring: follow-up due in TSI case %(case)s") % {"case": case.pk},
            _("The follow-up of TSI case %(case)s was due on %(date)s.")
            % {"case": case.pk, "date": follow_up.due_on.isoformat()},
        )
        FollowUp.objects.filter(pk=follow_up.pk).update(reminder_sent_at=now)
        _audit(case, follow_up, "follow_up", sent)
    return 1
