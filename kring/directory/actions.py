"""Writes of the organisation admin: organisations, units, staff, memberships and schools' contact persons.

Every action is keyword-only, takes the acting user as `by=`, runs in one transaction and writes exactly one audit
event in it, so a failing audit write leaves nothing saved. Forms validate the input first; the actions only
guard the tenant (the acting manager's own municipality).
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission, Role, fits_the_holder
from kring.directory.invitations import send_invitation_mail
from kring.directory.models import ContactPerson, Membership, Organisation, Unit, User


@dataclasses.dataclass(frozen=True)
class OrganisationDetails:
    name: str
    kind: str


@dataclasses.dataclass(frozen=True)
class UnitDetails:
    organisation: Organisation
    name: str
    kind: str
    co_organisation: Organisation | None = None
    school_forms: list[str] = dataclasses.field(default_factory=list)
    grades: list[str] = dataclasses.field(default_factory=list)
    school_unit_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclasses.dataclass(frozen=True)
class StaffDetails:
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    sso_identifier: str = ""  # the EPPN or HSA-id a single sign-on matches on (ADR 0015)


def _ensure_manager(by: User, *municipality_ids: int | None) -> int:
    """Only a directory manager, and only in their own municipality (defence in depth behind the views).
    Returns that municipality's id."""
    own = by.municipality_id
    if own is None or not can(by, Permission.DIRECTORY_MANAGE) or any(mid != own for mid in municipality_ids):
        raise PermissionDenied
    return own


def _audit(by: User, target_type: str, target_id: int, details: dict[str, Any]) -> None:
    record_event(actor=by, action=AuditAction.WRITE, target_type=target_type, target_id=target_id, details=details)


def _value(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _apply(instance: models.Model, details: Any) -> dict[str, list[Any]]:
    """Set the details on the instance and return what changed, as {field: [old, new]} (ids for relations)."""
    changes: dict[str, list[Any]] = {}
    for item in dataclasses.fields(details):
        model_field: Any = instance._meta.get_field(item.name)
        old = getattr(instance, model_field.attname)
        new = getattr(details, item.name)
        if old != _value(new):
            changes[item.name] = [old, _value(new)]
            setattr(instance, item.name, new)
    return changes


def _as_dict(details: Any) -> dict[str, Any]:
    return {item.name: _value(getattr(details, item.name)) for item in dataclasses.fields(details)}


# --- Organisations ---


@transaction.atomic
def create_organisation(*, by: User, details: OrganisationDetails) -> Organisation:
    municipality_id = _ensure_manager(by)
    organisation = Organisation.objects.create(municipality_id=municipality_id, **_as_dict(details))
    _audit(by, "organisation", organisation.pk, {"created": _as_dict(details)})
    return organisation


@transaction.atomic
def update_organisation(*, by: User, organisation: Organisation, details: OrganisationDetails) -> Organisation:
    _ensure_manager(by, organisation.municipality_id)
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes = _apply(current, details)
    current.save()
    _audit(by, "organisation", current.pk, {"changed": changes})
    return current


# --- Units ---


@transaction.atomic
def create_unit(*, by: User, details: UnitDetails) -> Unit:
    owners = [details.organisation, details.co_organisation] if details.co_organisation else [details.organisation]
    municipality_id = _ensure_manager(by, *(owner.municipality_id for owner in owners))
    unit = Unit(municipality_id=municipality_id)
    _apply(unit, details)
    unit.save()
    _audit(by, "unit", unit.pk, {"created": _as_dict(details)})
    return unit


@transaction.atomic
def update_unit(*, by: User, unit: Unit, details: UnitDetails) -> Unit:
    owners = [details.organisation, details.co_organisation] if details.co_organisation else [details.organisation]
    _ensure_manager(by, unit.municipality_id, *(owner.municipality_id for owner in owners))
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    changes = _apply(current, details)
    current.save()
    _audit(by, "unit", current.pk, {"changed": changes})
    return current


# --- Staff ---


@transaction.atomic
def create_staff_user(*, by: User, details: StaffDetails, request: HttpRequest) -> User:
    """A new staff user of the manager's municipality, without a password: once the transaction commits they
    are mailed a link (allauth's password reset key) to choose one, and must then set up two-factor login.
    `request` gives the host the link points to."""
    municipality_id = _ensure_manager(by)
    person = User(municipality_id=municipality_id)
    _apply(person, details)
    person.set_unusable_password()
    person.save()
    _audit(by, "user", person.pk, {"created": _as_dict(details), "invitation": "sent"})
    transaction.on_commit(partial(send_invitation_mail, request, person))
    return person


@transaction.atomic
def resend_invitation(*, by: User, person: User, request: HttpRequest) -> None:
    """Mail a new invitation link to a person who has not yet chosen a password (never to a system user)."""
    _ensure_manager(by, person.municipality_id)
    if person.is_system:
        raise PermissionDenied
    _audit(by, "user", person.pk, {"invitation": "sent"})
    transaction.on_commit(partial(send_invitation_mail, request, person))


@transaction.atomic
def update_staff_user(*, by: User, person: User, details: StaffDetails) -> User:
    _ensure_manager(by, person.municipality_id)
    current = User.objects.select_for_update().get(pk=person.pk)
    if current.is_system and details.email != current.email:  # a system user's address reaches no one, on purpose
        raise PermissionDenied
    changes = _apply(current, details)
    current.save()
    _audit(by, "user", current.pk, {"changed": changes})
    return current


@transaction.atomic
def deactivate_staff_user(*, by: User, person: User) -> None:
    """The person can no longer log in; their roles are kept (for reactivation) but they stop being anyone's
    contact person, so the schools see at once that they lack one."""
    _ensure_manager(by, person.municipality_id)
    contacts = ContactPerson.objects.filter(user_id=person.pk)
    schools = sorted(contacts.values_list("school_id", flat=True))
    contacts.delete()
    User.objects.filter(pk=person.pk).update(is_active=False)
    _audit(by, "user", person.pk, {"changed": {"is_active": [True, False]}, "removed_contact_for": schools})


@transaction.atomic
def reactivate_staff_user(*, by: User, person: User) -> None:
    _ensure_manager(by, person.municipality_id)
    User.objects.filter(pk=person.pk).update(is_active=True)
    _audit(by, "user", person.pk, {"changed": {"is_active": [False, True]}})


# --- Memberships (a person's roles in units) ---


def _approves_alone(by: User, unit: Unit) -> bool:
    """A unit manager of the unit is themselves the second person for a role in their own unit."""
    return Membership.objects.filter(user=by, unit=unit, role=Role.UNIT_MANAGER, active=True).exists()


@transaction.atomic
def add_membership(*, by: User, person: User, unit: Unit, role: str) -> Membership:
    """Ask for a role for the person in a unit (an ended membership of the same role is asked for again).

    Nobody gives themselves a role, and nobody gives one alone: the role waits, inactive, until another manager
    approves it, unless the one who asks is a unit manager of that unit."""
    _ensure_manager(by, person.municipality_id, unit.municipality_id)
    if person.pk == by.pk:
        raise PermissionDenied
    if not fits_the_holder(role, system_user=person.is_system):
        raise ValidationError(_("This role cannot be given to this account."), code="role_does_not_fit")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=person, unit=unit, role=role, defaults={"active": False}
    )
    now = timezone.now()
    alone = _approves_alone(by, unit)
    membership.requested_by, membership.requested_at = by, now
    membership.active, membership.awaiting_approval = alone, not alone
    membership.approved_by, membership.approved_at = (by, now) if alone else (None, None)
    membership.save()
    details = {"user": person.pk, "unit": unit.pk, "role": role, "created": created, "active": alone}
    _audit(by, "membership", membership.pk, {**details, "requested": True, "awaiting_approval": not alone})
    return membership


def _awaiting(by: User, membership: Membership) -> Membership:
    _ensure_manager(by, membership.unit.municipality_id)
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if not current.awaiting_approval:
        raise ValidationError(_("This role is not waiting for approval."), code="not_awaiting")
    if by.pk == current.user_id:
        raise PermissionDenied
    return current


@transaction.atomic
def approve_membership(*, by: User, membership: Membership) -> Membership:
    """The second person approves a role another manager asked for; it takes effect at once."""
    current = _awaiting(by, membership)
    if by.pk == current.requested_by_id:
        raise PermissionDenied
    current.active, current.awaiting_approval = True, False
    current.approved_by, current.approved_at = by, timezone.now()
    current.save(update_fields=["active", "awaiting_approval", "approved_by", "approved_at"])
    details = {"user": current.user_id, "unit": current.unit_id, "role": current.role, "approved": True}
    _audit(by, "membership", current.pk, {**details, "requested_by": current.requested_by_id, "active": True})
    return current


@transaction.atomic
def decline_membership(*, by: User, membership: Membership) -> None:
    """Another manager declines a role waiting for approval, or the one who asked withdraws it."""
    current = _awaiting(by, membership)
    current.awaiting_approval = False
    current.save(update_fields=["awaiting_approval"])
    details = {"user": current.user_id, "unit": current.unit_id, "role": current.role, "declined": True}
    _audit(by, "membership", current.pk, {**details, "requested_by": current.requested_by_id, "active": False})


@transaction.atomic
def end_membership(*, by: User, membership: Membership) -> None:
    _ensure_manager(by, membership.unit.municipality_id)
    Membership.objects.filter(pk=membership.pk).update(active=False, awaiting_approval=False)
    details = {"user": membership.user_id, "unit": membership.unit_id, "role": membership.role, "active": False}
    _audit(by, "membership", membership.pk, details)


# --- Contact persons of schools and preschools (Falköping: two per school) ---


@transaction.atomic
def add_contact_person(*, by: User, school: Unit, person: User, position: int) -> ContactPerson:
    _ensure_manager(by, school.municipality_id, person.municipality_id)
    contact = ContactPerson.objects.create(school=school, user=person, position=position)
    _audit(by, "contact_person", contact.pk, {"school": school.pk, "user": person.pk, "position": position})
    return contact


@transaction.atomic
def remove_contact_person(*, by: User, contact: ContactPerson) -> None:
    _ensure_manager(by, contact.school.municipality_id)
    details = {"school": contact.school_id, "user": contact.user_id, "position": contact.position, "removed": True}
    ContactPerson.objects.filter(pk=contact.pk).delete()
    _audit(by, "contact_person", contact.pk, details)
