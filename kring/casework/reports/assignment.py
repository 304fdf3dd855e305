"""Who handles a report of concern in the receiving unit (handläggare).

By default the school's contact person who works in the receiving unit (Falköping: the contact persons primarily
do the investigations for their schools); a report from a school without one, or a report the police filed about
a child in no school, waits unassigned for the unit manager. The unit manager of the receiving unit reassigns it
to any social worker or unit manager of the unit. Every assignment is audited with the receiver's basis.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.policy import units_where
from kring.access.roles import Role
from kring.casework.models import ReportOfConcern
from kring.casework.reports.actions import _audit, _receiver_basis, handler_candidates
from kring.casework.workflow import WorkflowError
from kring.directory.models import NotificationKind, User
from kring.directory.notifications import notify


def may_assign(user: User, report: ReportOfConcern) -> bool:
    """The unit manager of the receiving unit assigns and reassigns its reports."""
    return report.receiving_unit_id in units_where(user, {Role.UNIT_MANAGER})


def assign_report(*, by: User, report: ReportOfConcern, handler: User) -> ReportOfConcern:
    """Give the report to a social worker of the receiving unit (the unit manager only)."""
    basis = _receiver_basis(by, report)
    if not may_assign(by, report):
        raise PermissionDenied
    if not handler_candidates(report.receiving_unit_id).filter(pk=handler.pk).exists():
        raise WorkflowError(_("Choose a social worker of the receiving unit."), code="handler")
    previous = report.handler_id
    with transaction.atomic():
        report.handler, report.assigned_at = handler, timezone.now()
        report.save(update_fields=["handler", "assigned_at"])
        _audit(by, report, report.child_id, basis, step="assigned", handler=handler.pk, previous=previous)
        notify(
            users=[handler] if handler.pk != by.pk else [], kind=NotificationKind.ASSIGNMENT,
            url=reverse("report_detail", args=[report.pk]), subject="report", number=report.pk,
        )  # fmt: skip
    return report
