"""Reading approvals: a party model of the policy (the one who asked, and the team or unit whose step it is: its
members see their approvals, its unit managers decide them). The approval page names the case or report by its
number; the case or report page itself is where the step's content is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_read
from kring.access.policy import units_where, visible_to
from kring.access.roles import CASE_TEAM_ROLES, SOCIAL_SERVICES_ROLES, Role
from kring.casework.approvals.actions import may_decide
from kring.casework.models import Approval, ApprovalKind, ApprovalStatus, ClosureReason, Decision
from kring.directory.models import User
from kring.directory.today import Priority, WorkGroup, WorkItem, count_and_first, since_text

RETURNED_DAYS = 14


def approval_parties(user: Any) -> Q:
    """Registered with the policy as the approvals' parties."""
    return Q(requested_by_id=user.pk) | Q(unit_id__in=units_where(user, CASE_TEAM_ROLES | SOCIAL_SERVICES_ROLES))


def awaits_approval(result: Any) -> bool:
    """Did a step end as a request for approval (rather than taking effect)?"""
    return isinstance(result, Approval) or getattr(result, "approval", "") == ApprovalStatus.PENDING


def subject_of(approval: Approval) -> str:
    if approval.case_id:
        return _("TSI case %(number)s") % {"number": approval.case_id}
    return _("Report of concern %(number)s") % {"number": approval.report_id}


def subject_url(approval: Approval) -> str:
    if approval.case_id:
        return reverse("casework_case", args=[approval.case_id])
    return reverse("report_detail", args=[approval.report_id])


def what_of(approval: Approval) -> str:
    """The step in words: which plan version, which closure reason, which decision."""
    payload = approval.payload
    if approval.kind == ApprovalKind.TSI_PLAN:
        return _("The joint plan, version %(number)s") % {"number": payload.get("version", "?")}
    if approval.kind == ApprovalKind.TSI_CLOSURE:
        reason = dict(ClosureReason.choices).get(payload.get("reason", ""), "")
        return _("Closing the case: %(reason)s") % {"reason": reason}
    return _("Initial assessment: %(decision)s") % {"decision": dict(Decision.choices).get(Decision.NOT_OPENED)}


def get_approval_for_user(user: User, pk: int) -> Approval:
    approval = (
        visible_to(user, Approval.objects.filter(pk=pk)).select_related("requested_by", "decided_by", "unit").first()
    )
    if approval is None:
        raise Http404
    return approval


@dataclass(frozen=True)
class ApprovalView:
    approval: Approval
    subject: str
    subject_url: str
    what: str
    can_decide: bool


def approval_view_for_user(user: User, pk: int) -> ApprovalView:
    approval = get_approval_for_user(user, pk)
    record_read(user, "approval", approval.pk, case=approval.case_id, report=approval.report_id)
    return ApprovalView(
        approval=approval,
        subject=subject_of(approval),
        subject_url=subject_url(approval),
        what=what_of(approval),
        can_decide=approval.is_pending and may_decide(user, approval),
    )


def approvals_of(user: User, **subject: Any) -> list[Approval]:
    """The approvals of one case or report the user is a party to, newest first (its history)."""
    return list(visible_to(user, Approval.objects.filter(**subject)).select_related("requested_by", "decided_by"))


# --- the start page ------------------------------------------------------------------------------------------------


def _to_decide(user: User) -> QuerySet[Approval]:
    managed = units_where(user, {Role.UNIT_MANAGER})
    pending = Approval.objects.filter(status=ApprovalStatus.PENDING, unit_id__in=managed)
    return visible_to(user, pending).exclude(requested_by_id=user.pk)


def approval_work(user: Any, today: date) -> list[WorkGroup]:
    """Approvals waiting for the unit manager; for the one who asked, those returned with a comment lately."""
    groups: list[WorkGroup] = []
    if units_where(user, {Role.UNIT_MANAGER}):
        waiting = _to_decide(user)
        count, rows = count_and_first(waiting, "requested_at", "pk")
        items = [_item(a, Priority.TODAY, str(_("Approve: %(what)s") % {"what": what_of(a)}), today) for a in rows]
        groups.append(WorkGroup("approvals_to_decide", str(_("Approvals waiting for you")), count, items))
    since = timezone.now() - timedelta(days=RETURNED_DAYS)
    returned = visible_to(
        user, Approval.objects.filter(requested_by_id=user.pk, status=ApprovalStatus.RETURNED, decided_at__gte=since)
    )
    count, rows = count_and_first(returned, "-decided_at", "-pk")
    items = [_item(a, Priority.TO_DO, str(_("Returned: %(what)s") % {"what": what_of(a)}), today) for a in rows]
    groups.append(WorkGroup("approvals_returned", str(_("Steps returned to you with a comment")), count, items))
    return groups


def _item(approval: Approval, priority: Priority, what: str, today: date) -> WorkItem:
    return WorkItem(
        priority=priority,
        what=what,
        subject=subject_of(approval),
        when=since_text(timezone.localdate(approval.requested_at), today),
        url=reverse("approval_detail", args=[approval.pk]),
        order=timezone.localdate(approval.requested_at),
    )
