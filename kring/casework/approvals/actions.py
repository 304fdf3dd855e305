"""A manager's approval of a step (what both halves of casework share; the steps themselves ask for it:
`kring.casework.tsi.actions` for a plan and a closure, `kring.casework.reports.actions` for a decision not to open
an investigation).

The municipality chooses which steps need approval (`ApprovalSettings`, none by default). A step that needs it is
recorded as a pending approval instead of taking effect; the unit manager of the team or of the receiving unit
approves it (then the step takes effect, through the handler its half registered) or returns it with a comment
(then nothing happens, and the one who asked may try again). Nobody approves their own request. Every step is
audited with the child and the basis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import basis_for, can, units_where
from kring.access.roles import Permission, Role
from kring.casework.models import Approval, ApprovalSettings, ApprovalStatus
from kring.casework.workflow import WorkflowError
from kring.directory.models import Membership, NotificationKind, Unit, User
from kring.directory.notifications import notify

ApprovedStep = Callable[[Approval, User], None]
_on_approved: dict[str, ApprovedStep] = {}


def register_approved_step(kind: str, step: ApprovedStep) -> None:
    """What happens when an approval of this kind is given (the half of casework that owns the step says)."""
    _on_approved[kind] = step


def settings_for(municipality_id: int) -> ApprovalSettings:
    found = ApprovalSettings.objects.filter(municipality_id=municipality_id).first()
    return found or ApprovalSettings(municipality_id=municipality_id)


def needs_approval(municipality_id: int, kind: str) -> bool:
    return settings_for(municipality_id).requires(kind)


def _subject(approval: Approval) -> Any:
    return approval.case if approval.case_id else approval.report


def _audit(by: User, approval: Approval, step: str, **details: Any) -> None:
    subject = _subject(approval)
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type="approval",
        target_id=approval.pk,
        child_id=subject.child_id,
        basis=basis_for(by, subject),
        details={"step": step, "kind": approval.kind, "case": approval.case_id, "report": approval.report_id,
                 **details},
    )  # fmt: skip


def request_approval(*, by: User, kind: str, unit: Unit, payload: dict[str, Any], **subject: Any) -> Approval:
    """Record the step as waiting for the unit manager's approval (within the caller's transaction)."""
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                municipality_id=unit.municipality_id, kind=kind, unit=unit, payload=payload, requested_by=by,
                requested_at=timezone.now(), **subject,
            )  # fmt: skip
    except IntegrityError as error:
        raise WorkflowError(_("This step already waits for approval."), code="pending") from error
    _audit(by, approval, "requested")
    managers = Membership.objects.filter(unit=unit, role=Role.UNIT_MANAGER, active=True).values("user_id")
    _notify(approval, list(User.objects.filter(pk__in=managers).exclude(pk=by.pk)), NotificationKind.APPROVAL)
    return approval


def _notify(approval: Approval, users: list[User], kind: str, **params: Any) -> None:
    subject = "tsi_case" if approval.case_id else "report"
    url = reverse("approval_detail", args=[approval.pk])
    notify(users=users, kind=kind, url=url, subject=subject, number=approval.case_id or approval.report_id, **params)


def may_decide(user: User, approval: Approval) -> bool:
    """A unit manager of the approving unit, never the one who asked."""
    return approval.unit_id in units_where(user, {Role.UNIT_MANAGER}) and approval.requested_by_id != user.pk


def _pending(by: User, approval: Approval) -> Approval:
    if not may_decide(by, approval):
        raise PermissionDenied
    current = (
        Approval.objects.select_for_update(of=("self",)).select_related("case", "report", "plan").get(pk=approval.pk)
    )
    if not current.is_pending:
        raise WorkflowError(_("The approval has already been decided."), code="decided")
    return current


def approve(*, by: User, approval: Approval) -> Approval:
    """The step takes effect now."""
    with transaction.atomic():
        current = _pending(by, approval)
        current.status, current.decided_by, current.decided_at = ApprovalStatus.APPROVED, by, timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        _on_approved[current.kind](current, by)
        _audit(by, current, "approved")
        _notify(current, [current.requested_by], NotificationKind.APPROVAL_ANSWER, answer="approved")
    return current


def return_approval(*, by: User, approval: Approval, comment: str) -> Approval:
    """The step does not take effect; the comment says what to change."""
    if not comment.strip():
        raise WorkflowError(_("Say what should change."), code="comment")
    with transaction.atomic():
        current = _pending(by, approval)
        current.status, current.decided_by, current.decided_at = ApprovalStatus.RETURNED, by, timezone.now()
        current.comment = comment.strip()
        current.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        if current.plan is not None:
            type(current.plan).objects.filter(pk=current.plan.pk).update(approval=ApprovalStatus.RETURNED)
        _audit(by, current, "returned")
        _notify(current, [current.requested_by], NotificationKind.APPROVAL_ANSWER, answer="returned")
    return current


def save_settings(*, by: User, tsi_plan: bool, tsi_closure: bool, report_not_opened: bool) -> ApprovalSettings:
    """The municipality's choice of the steps that need approval (those who manage the organisation)."""
    if not can(by, Permission.DIRECTORY_MANAGE) or by.municipality_id is None:
        raise PermissionDenied
    with transaction.atomic():
        found, _created = ApprovalSettings.objects.update_or_create(
            municipality_id=by.municipality_id,
            defaults={"tsi_plan": tsi_plan, "tsi_closure": tsi_closure, "report_not_opened": report_not_opened},
        )
        record_event(
            actor=by, action=AuditAction.WRITE, target_type="approval_settings", target_id=found.pk,
            details={"tsi_plan": tsi_plan, "tsi_closure": tsi_closure, "report_not_opened": report_not_opened},
        )  # fmt: skip
    return found
