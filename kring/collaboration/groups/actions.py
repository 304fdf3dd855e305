"""Writes of the register of collaboration groups: keyword-only, `by=`, atomic, each with its audit event. Only a
coordinator of the municipality keeps the register; everything it names is of the same municipality."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can, municipality_of
from kring.access.roles import Permission
from kring.casework.workflow import WorkflowError
from kring.collaboration.models import CollaborationGroup, GroupMember, Issue
from kring.directory.models import Organisation, Unit, User


@dataclass(frozen=True)
class MemberInput:
    organisation: Organisation
    role: str
    user: User | None = None
    name: str = ""
    title: str = ""


@dataclass(frozen=True)
class GroupInput:
    name: str
    level: str
    mandate: str
    owner: Organisation
    organisations: list[Organisation]
    issues: list[str]
    status: str
    age_from: int = 0
    age_to: int = 20
    schools: list[Unit] = field(default_factory=list)
    area: str = ""
    mandate_decided_by: str = ""
    mandate_decided_on: date | None = None
    meeting_rhythm: str = ""
    decision_power: str = ""
    review_on: date | None = None
    members: list[MemberInput] = field(default_factory=list)


def _check_same_municipality(by: User, given: GroupInput) -> None:
    municipality_id = by.municipality_id
    organisations = [given.owner, *given.organisations, *(member.organisation for member in given.members)]
    users = [member.user for member in given.members if member.user is not None]
    if any(o.municipality_id != municipality_id for o in organisations):
        raise PermissionDenied
    if any(unit.municipality_id != municipality_id for unit in given.schools):
        raise PermissionDenied
    if any(user.municipality_id != municipality_id for user in users):
        raise PermissionDenied


def save_group(*, given: GroupInput, by: User, group: CollaborationGroup | None = None) -> CollaborationGroup:
    """Add a group to the register, or change one (its members are replaced by those given)."""
    if not can(by, Permission.COLLABORATION_MANAGE):
        raise PermissionDenied
    if group is not None and group.municipality_id != by.municipality_id:
        raise PermissionDenied
    _check_same_municipality(by, given)
    if not given.issues or any(issue not in Issue.values for issue in given.issues):
        raise WorkflowError(_("Choose what the group works on."), code="issues")
    if given.age_from > given.age_to:
        raise WorkflowError(_("The ages are in the wrong order."), code="ages")
    values = {
        "name": given.name.strip(),
        "level": given.level,
        "mandate": given.mandate.strip(),
        "mandate_decided_by": given.mandate_decided_by.strip(),
        "mandate_decided_on": given.mandate_decided_on,
        "owner": given.owner,
        "age_from": given.age_from,
        "age_to": given.age_to,
        "area": given.area.strip(),
        "issues": [issue for issue in Issue.values if issue in given.issues],
        "meeting_rhythm": given.meeting_rhythm.strip(),
        "decision_power": given.decision_power.strip(),
        "review_on": given.review_on,
        "status": given.status,
        "changed_by": by,
        "changed_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            if group is None:
                group = CollaborationGroup.objects.create(municipality_id=municipality_of(by), **values)
            else:
                for name, value in values.items():
                    setattr(group, name, value)
                group.save()
            own = {"municipality_id": group.municipality_id}
            group.organisations.set({given.owner, *given.organisations}, through_defaults=own)
            group.schools.set(given.schools, through_defaults=own)
            _replace_members(group, given.members)
            record_event(
                actor=by,
                action=AuditAction.WRITE,
                target_type="collaboration_group",
                target_id=group.pk,
                details={"name": group.name, "status": group.status, "members": len(given.members)},
            )
    except IntegrityError as error:
        raise WorkflowError(_("There is already a group with this name."), code="name") from error
    return group


def _replace_members(group: CollaborationGroup, members: list[MemberInput]) -> None:
    group.members.all().delete()
    seen: set[int] = set()
    rows = []
    for member in members:
        if member.user is not None:
            if member.user.pk in seen:
                continue
            seen.add(member.user.pk)
        rows.append(
            GroupMember(
                municipality_id=group.municipality_id,
                group=group,
                user=member.user,
                name="" if member.user else member.name.strip(),
                organisation=member.organisation,
                title=member.title.strip(),
                role=member.role,
            )
        )
    GroupMember.objects.bulk_create(rows)
