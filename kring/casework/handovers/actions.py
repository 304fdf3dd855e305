"""Handing a TSI case or a report of concern over, with the receiver's acceptance: what both have in common (the
offers themselves are made in `kring.casework.tsi.handover` and `kring.casework.reports.handover`).

* A case: the case lead (or a unit manager of the team) offers it to a colleague of the team, or transfers it to
  another joint team. On acceptance the receiver becomes the case lead and, for a transfer, the case moves to the
  receiving team: its members get the case team's basis then, not before, and the sending team loses it.
* A report: its handling officer (or the unit manager of the receiving unit) offers it to a colleague of the unit,
  or transfers it to another social services unit. On acceptance the receiver handles it and, for a transfer, the
  report moves to the receiving unit, with the receiver's basis.

Until the receiver accepts, nothing moves: the sender remains responsible. The receiver may decline with a reason;
the sender may revoke the offer. Each step is audited; the receiver's decline is audited without a child, whom
they have no basis to know.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, basis_for, units_where
from kring.access.roles import CASE_TEAM_ROLES, SOCIAL_SERVICES_ROLES, Role
from kring.casework.models import OPEN_STAGES, Handover, HandoverStatus, ReportOfConcern, TsiCase
from kring.casework.workflow import WorkflowError
from kring.directory.models import Membership, NotificationKind, Unit, User
from kring.directory.notifications import notify


def audit_handover(
    by: User, handover: Handover, step: str, basis: Basis | None, child_id: int | None, **details: Any
) -> None:
    record_event(
        actor=by,
        action=AuditAction.WRITE,
        target_type="handover",
        target_id=handover.pk,
        child_id=child_id,
        basis=basis,
        details={
            "step": step,
            "case": handover.case_id,
            "report": handover.report_id,
            "to_user": handover.to_user_id,
            "to_unit": handover.to_unit_id,
            **details,
        },
    )


def _members(unit: Unit, roles: frozenset[str]) -> Any:
    return Membership.objects.filter(unit=unit, role__in=roles, active=True, user__is_active=True)


def receiver_roles(handover: Handover) -> frozenset[str]:
    """Who in the receiving unit may accept: the team roles for a case, the social services roles for a report;
    anyone of the unit records the receipt of a referral."""
    if handover.is_referral:
        return frozenset(Role.values)
    return CASE_TEAM_ROLES if handover.case_id else SOCIAL_SERVICES_ROLES


def is_receiver(user: User, handover: Handover) -> bool:
    """The named colleague, or (when no one is named) anyone of the receiving unit in a receiving role."""
    if handover.to_user_id is not None:
        return handover.to_user_id == user.pk
    return handover.to_unit_id in units_where(user, receiver_roles(handover))


def check_receiver(to_user: User | None, to_unit: Unit, roles: frozenset[str], by: User) -> None:
    if to_user is not None and (to_user.pk == by.pk or not _members(to_unit, roles).filter(user=to_user).exists()):
        raise WorkflowError(_("Choose a colleague of the receiving unit."), code="to_user")


def create_offer(
    by: User, from_unit_id: int, to_unit: Unit, to_user: User | None, reason: str, **subject: Any
) -> Handover:
    if not reason.strip():
        raise WorkflowError(_("Say why the case is handed over."), code="reason")
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                municipality_id=to_unit.municipality_id, from_user=by, from_unit_id=from_unit_id, to_user=to_user,
                to_unit=to_unit, reason=reason.strip(), offered_at=timezone.now(), **subject,
            )  # fmt: skip
    except IntegrityError as error:
        raise WorkflowError(_("A handover is already waiting for an answer."), code="open") from error
    receivers = [to_user] if to_user is not None else _unit_members(to_unit, receiver_roles(handover))
    others = [person for person in receivers if person.pk != by.pk]
    _notify(handover, others, NotificationKind.HANDOVER, referral=handover.is_referral)
    return handover


def _unit_members(unit: Unit, roles: frozenset[str]) -> list[User]:
    return list(User.objects.filter(pk__in=_members(unit, roles).values("user_id")))


def _notify(handover: Handover, users: list[User], kind: str, **params: Any) -> None:
    subject = "tsi_case" if handover.case_id else "report"
    url = reverse("handover_detail", args=[handover.pk])
    notify(users=users, kind=kind, url=url, subject=subject, number=handover.case_id or handover.report_id, **params)


# --- answering ----------------------------------------------------------------------------------------------------


def _open(handover_pk: int) -> Handover:
    """The handover, locked, if it still waits for an answer."""
    handover = Handover.objects.select_for_update(of=("self",)).select_related("case", "report").get(pk=handover_pk)
    if not handover.is_open:
        raise WorkflowError(_("The handover has already been answered."), code="answered")
    return handover


def _close(handover: Handover, by: User, status: str, reason: str = "") -> None:
    handover.status, handover.answered_at, handover.answered_by = status, timezone.now(), by
    handover.answer_reason = reason.strip()
    handover.save(update_fields=["status", "answered_at", "answered_by", "answer_reason"])


def accept(*, by: User, handover: Handover) -> Handover:
    """The receiver takes the case or the report: it moves now, and with it the bases. For a referral the receiver
    records its receipt, and nothing moves."""
    if not is_receiver(by, handover):
        raise PermissionDenied
    with transaction.atomic():
        current = _open(handover.pk)
        if current.is_referral:
            _close(current, by, HandoverStatus.ACCEPTED)
            audit_handover(by, current, "received", None, None, purpose=current.purpose)
            _notify(current, [current.from_user], NotificationKind.HANDOVER_ANSWER, answer="received")
            return current
        subject = _move(current, by)
        _close(current, by, HandoverStatus.ACCEPTED)
        audit_handover(by, current, "accepted", basis_for(by, subject), subject.child_id, transfer=current.is_transfer)
        _notify(current, [current.from_user], NotificationKind.HANDOVER_ANSWER, answer="accepted")
    return current


def _move(current: Handover, by: User) -> Any:
    """The case to the receiver (and their team), or the report to the receiver (and their unit)."""
    if current.case is not None:
        if current.case.stage not in OPEN_STAGES:
            raise WorkflowError(_("The case is closed."), code="closed")
        TsiCase.objects.filter(pk=current.case.pk).update(team=current.to_unit_id, lead=by)
        return TsiCase.objects.get(pk=current.case.pk)
    assert current.report is not None
    ReportOfConcern.objects.filter(pk=current.report.pk).update(
        receiving_unit=current.to_unit_id, handler=by, assigned_at=timezone.now()
    )
    return ReportOfConcern.objects.get(pk=current.report.pk)


def decline(*, by: User, handover: Handover, reason: str) -> Handover:
    """The receiver does not take it, and says why; the sender remains responsible."""
    if not is_receiver(by, handover):
        raise PermissionDenied
    if not reason.strip():
        raise WorkflowError(_("Say why you decline."), code="reason")
    with transaction.atomic():
        current = _open(handover.pk)
        _close(current, by, HandoverStatus.DECLINED, reason)
        _notify(current, [current.from_user], NotificationKind.HANDOVER_ANSWER, answer="declined")
        audit_handover(by, current, "declined", None, None)
    return current


def revoke(*, by: User, handover: Handover) -> Handover:
    """The sender takes the offer back before it is answered."""
    if handover.from_user_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        current = _open(handover.pk)
        _close(current, by, HandoverStatus.REVOKED)
        subject: Any = current.case or current.report
        audit_handover(by, current, "revoked", basis_for(by, subject), subject.child_id)
    return current
