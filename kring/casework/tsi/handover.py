"""Handing a TSI case over: the case lead (or a unit manager of the team) offers it to a colleague of the team, or
transfers it to another joint team. It moves only when the receiver accepts (`kring.casework.handovers`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kring.access.policy import basis_for, can, units_where
from kring.access.roles import CASE_TEAM_ROLES, Permission, Role
from kring.casework.handovers.actions import audit_handover, check_receiver, create_offer
from kring.casework.models import OPEN_STAGES, Handover, HandoverKind, ReferralPurpose, TsiCase
from kring.casework.workflow import WorkflowError
from kring.directory.models import OrganisationKind, Unit, UnitKind, User


def may_hand_over_case(user: User, case: TsiCase) -> bool:
    """The case lead, or a unit manager of the team, of an open case."""
    if not can(user, Permission.CASE_WORK) or case.stage not in OPEN_STAGES:
        return False
    return case.lead_id == user.pk or case.team_id in units_where(user, {Role.UNIT_MANAGER})


def offer_case(
    *, by: User, case: TsiCase, reason: str, to_user: User | None = None, to_unit: Unit | None = None
) -> Handover:
    """Offer the case to a colleague of the team (`to_user`), or transfer it to another joint team (`to_unit`,
    to a named member of it or to whoever of the team takes it)."""
    basis = basis_for(by, case)
    if basis is None or case.team_id not in units_where(by, CASE_TEAM_ROLES) or not may_hand_over_case(by, case):
        raise PermissionDenied
    unit = to_unit or case.team
    if unit.kind != UnitKind.JOINT_TEAM or unit.municipality_id != case.municipality_id:
        raise WorkflowError(_("Choose a joint TSI team of the municipality."), code="to_unit")
    if unit.pk == case.team_id and to_user is None:
        raise WorkflowError(_("Choose a colleague, or another team."), code="to_user")
    check_receiver(to_user, unit, CASE_TEAM_ROLES, by)
    with transaction.atomic():
        handover = create_offer(by, case.team_id, unit, to_user, reason, case=case)
        audit_handover(by, handover, "offered", basis, case.child_id)
    return handover


def refer_case(*, by: User, case: TsiCase, to_unit: Unit, purpose: str, reason: str) -> Handover:
    """Refer the child on from the case: to a social services investigation, or to health care for a SIP. The case
    stays with the team; the receiving unit records its receipt."""
    basis = basis_for(by, case)
    if basis is None or case.team_id not in units_where(by, CASE_TEAM_ROLES) or not can(by, Permission.CASE_WORK):
        raise PermissionDenied
    if case.stage not in OPEN_STAGES:
        raise WorkflowError(_("The case is closed."), code="closed")
    health_care = to_unit.organisation.kind == OrganisationKind.HEALTH_CARE
    expected: dict[str, bool] = {
        ReferralPurpose.INVESTIGATION: to_unit.kind == UnitKind.SOCIAL_SERVICES_UNIT,
        ReferralPurpose.SIP: health_care,
    }
    if not expected.get(purpose, False) or to_unit.municipality_id != case.municipality_id:
        raise WorkflowError(
            _("Refer to a social services unit for an investigation, or to health care for a SIP."), code="to_unit"
        )
    with transaction.atomic():
        referral = create_offer(
            by, case.team_id, to_unit, None, reason, case=case, kind=HandoverKind.REFERRAL, purpose=purpose
        )
        audit_handover(by, referral, "referred", basis, case.child_id, purpose=purpose)
    return referral
