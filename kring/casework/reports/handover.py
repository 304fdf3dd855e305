"""Handing a report of concern over: its handling officer (or the unit manager of the receiving unit) offers it to
a colleague of the unit, or transfers it to another social services unit. It moves only when the receiver accepts
(`kring.casework.handovers`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kring.access.policy import basis_for, can, units_where
from kring.access.roles import SOCIAL_SERVICES_ROLES, Permission, Role
from kring.casework.handovers.actions import audit_handover, check_receiver, create_offer
from kring.casework.models import Handover, ReportFeedback, ReportOfConcern
from kring.casework.reports.actions import handler_candidates
from kring.casework.reports.basis import received_q
from kring.casework.workflow import WorkflowError
from kring.directory.models import Unit, UnitKind, User


def may_hand_over_report(user: User, report: ReportOfConcern) -> bool:
    """The handling officer, or the unit manager of the receiving unit, until the feedback is given."""
    if not can(user, Permission.REPORT_RECEIVE) or ReportFeedback.objects.filter(report=report).exists():
        return False
    return report.handler_id == user.pk or report.receiving_unit_id in units_where(user, {Role.UNIT_MANAGER})


def offer_report(
    *, by: User, report: ReportOfConcern, reason: str, to_user: User | None = None, to_unit: Unit | None = None
) -> Handover:
    """Offer the report to a colleague of the receiving unit, or transfer it to another social services unit."""
    basis = basis_for(by, report)
    receiving = ReportOfConcern.objects.filter(received_q(by), pk=report.pk).exists()
    if basis is None or not receiving or not may_hand_over_report(by, report):
        raise PermissionDenied
    unit = to_unit or report.receiving_unit
    if unit.kind != UnitKind.SOCIAL_SERVICES_UNIT or unit.municipality_id != report.municipality_id:
        raise WorkflowError(_("Choose a social services unit of the municipality."), code="to_unit")
    if unit.pk == report.receiving_unit_id and to_user is None:
        raise WorkflowError(_("Choose a colleague, or another unit."), code="to_user")
    if to_user is not None and not handler_candidates(unit.pk).filter(pk=to_user.pk).exists():
        raise WorkflowError(_("Choose a colleague of the receiving unit."), code="to_user")
    check_receiver(to_user, unit, SOCIAL_SERVICES_ROLES, by)
    with transaction.atomic():
        handover = create_offer(by, report.receiving_unit_id, unit, to_user, reason, report=report)
        audit_handover(by, handover, "offered", basis, report.child_id)
    return handover
