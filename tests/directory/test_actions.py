"""Each action of the organisation admin writes exactly one audit event, in the same transaction as its rows: when
the audit write fails, nothing is saved. Actions refuse anyone but a manager of the same municipality."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from kring.access.models import AuditAction, AuditEvent
from kring.directory import actions
from kring.directory.actions import OrganisationDetails, StaffDetails, UnitDetails
from kring.directory.models import ContactPerson, Membership, Organisation, Unit, UnitKind, User
from tests.conftest import World
from tests.directory.conftest import Elsewhere
from tests.factories import ContactPersonFactory, MembershipFactory, UserFactory


@dataclass
class Setting:
    world: World
    by: User
    person: User
    contact: ContactPerson
    membership: Membership


@dataclass(frozen=True)
class Case:
    act: Callable[[Setting], Any]
    saved: Callable[[Setting], bool]
    target_type: str


def _request() -> Any:
    return RequestFactory().get("/organisation/staff/new/")


def _unit(world: World, name: str) -> UnitDetails:
    return UnitDetails(organisation=world.school.organisation, name=name, kind=UnitKind.SCHOOL, grades=["1"])


def _staff(email: str) -> StaffDetails:
    return StaffDetails(first_name="Nils", last_name="Nyman", email=email)


def _reloaded(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _deactivated(person: User) -> bool:
    """Deactivate without the action (the setting for a reactivation)."""
    return bool(User.objects.filter(pk=person.pk).update(is_active=False))


CASES: dict[str, Case] = {
    "create_organisation": Case(
        lambda s: actions.create_organisation(by=s.by, details=OrganisationDetails("Kulturförvaltningen", "other")),
        lambda s: Organisation.objects.filter(name="Kulturförvaltningen").exists(),
        "organisation",
    ),
    "update_organisation": Case(
        lambda s: actions.update_organisation(
            by=s.by, organisation=s.world.school.organisation, details=OrganisationDetails("Omdöpt", "education")
        ),
        lambda s: Organisation.objects.filter(name="Omdöpt").exists(),
        "organisation",
    ),
    "create_unit": Case(
        lambda s: actions.create_unit(by=s.by, details=_unit(s.world, "Lärkskolan")),
        lambda s: Unit.objects.filter(name="Lärkskolan").exists(),
        "unit",
    ),
    "update_unit": Case(
        lambda s: actions.update_unit(by=s.by, unit=s.world.other_school, details=_unit(s.world, "Omdöpta skolan")),
        lambda s: Unit.objects.filter(name="Omdöpta skolan").exists(),
        "unit",
    ),
    "create_staff_user": Case(
        lambda s: actions.create_staff_user(by=s.by, details=_staff("nils.nyman@kommun.example"), request=_request()),
        lambda s: User.objects.filter(email="nils.nyman@kommun.example").exists() or bool(mail.outbox),
        "user",
    ),
    "update_staff_user": Case(
        lambda s: actions.update_staff_user(by=s.by, person=s.person, details=_staff(s.person.email)),
        lambda s: _reloaded(s.person).first_name == "Nils",
        "user",
    ),
    "deactivate_staff_user": Case(
        lambda s: actions.deactivate_staff_user(by=s.by, person=s.person),
        lambda s: not _reloaded(s.person).is_active or not ContactPerson.objects.filter(pk=s.contact.pk).exists(),
        "user",
    ),
    "reactivate_staff_user": Case(
        lambda s: _deactivated(s.person) and actions.reactivate_staff_user(by=s.by, person=s.person),
        lambda s: _reloaded(s.person).is_active,
        "user",
    ),
    "resend_invitation": Case(
        lambda s: actions.resend_invitation(by=s.by, person=s.person, request=_request()),
        lambda s: bool(mail.outbox),
        "user",
    ),
    "add_membership": Case(
        lambda s: actions.add_membership(by=s.by, person=s.person, unit=s.world.school, role="mentor"),
        lambda s: s.person.memberships.filter(role="mentor").exists(),
        "membership",
    ),
    "end_membership": Case(
        lambda s: actions.end_membership(by=s.by, membership=s.membership),
        lambda s: not _reloaded(s.membership).active,
        "membership",
    ),
    "add_contact_person": Case(
        lambda s: actions.add_contact_person(by=s.by, school=s.world.school, person=s.person, position=2),
        lambda s: ContactPerson.objects.filter(school=s.world.school, user=s.person).exists(),
        "contact_person",
    ),
    "remove_contact_person": Case(
        lambda s: actions.remove_contact_person(by=s.by, contact=s.contact),
        lambda s: not ContactPerson.objects.filter(pk=s.contact.pk).exists(),
        "contact_person",
    ),
}


@pytest.fixture
def setting(world: World, administrator: User) -> Setting:
    person = UserFactory(municipality=world.municipality, first_name="Sara", email="sara@kommun.example")
    person.set_unusable_password()
    person.save()
    membership = MembershipFactory(user=person, unit=world.social_services, role="social_worker")
    contact = ContactPersonFactory(school=world.other_school, user=person, position=1)
    return Setting(world, administrator, person, contact, membership)


def _writes() -> int:
    return AuditEvent.objects.filter(action=AuditAction.WRITE).count()


@pytest.mark.parametrize("name", CASES)
def test_action_writes_exactly_one_audit_event(
    setting: Setting, name: str, django_capture_on_commit_callbacks: Any
) -> None:
    case = CASES[name]
    before = _writes()

    with django_capture_on_commit_callbacks(execute=True):
        case.act(setting)

    assert _writes() == before + 1
    event = AuditEvent.objects.filter(action=AuditAction.WRITE).latest("sequence")
    assert event.actor_id == setting.by.pk
    assert event.municipality_id == setting.world.municipality.pk
    assert event.target_type == case.target_type
    assert event.target_id
    assert event.details


@pytest.mark.parametrize("name", CASES)
def test_action_saves_nothing_when_the_audit_write_fails(
    setting: Setting, name: str, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    case = CASES[name]

    def failing_record_event(**kwargs: Any) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(actions, "record_event", failing_record_event)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        case.act(setting)

    assert not case.saved(setting)
    assert mail.outbox == []


def test_update_records_only_what_changed(world: World, administrator: User) -> None:
    unit = world.other_school
    details = UnitDetails(
        organisation=unit.organisation,
        name=unit.name,
        kind=unit.kind,
        school_forms=unit.school_forms,
        grades=unit.grades,
        school_unit_code="12345678",
    )

    actions.update_unit(by=administrator, unit=unit, details=details)

    event = AuditEvent.objects.filter(action=AuditAction.WRITE).latest("sequence")
    assert event.details == {"changed": {"school_unit_code": ["", "12345678"]}}


def test_deactivation_removes_the_persons_contact_assignments(
    world: World, administrator: User, social_worker: User
) -> None:
    actions.deactivate_staff_user(by=administrator, person=social_worker)

    social_worker.refresh_from_db()
    assert not social_worker.is_active
    assert not ContactPerson.objects.filter(user=social_worker).exists()
    event = AuditEvent.objects.filter(action=AuditAction.WRITE).latest("sequence")
    assert event.details["removed_contact_for"] == [world.school.pk]


def test_adding_an_ended_membership_again_asks_for_it_again(setting: Setting, coordinator: User) -> None:
    actions.end_membership(by=setting.by, membership=setting.membership)

    again = actions.add_membership(
        by=setting.by, person=setting.person, unit=setting.membership.unit, role=setting.membership.role
    )

    assert again.pk == setting.membership.pk
    assert _reloaded(setting.membership).awaiting_approval and not _reloaded(setting.membership).active
    actions.approve_membership(by=coordinator, membership=again)
    assert _reloaded(setting.membership).active


def test_actions_refuse_staff_without_the_permission(world: World, teacher: User, staff_member: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_organisation(by=teacher, details=OrganisationDetails("Ny", "other"))
    with pytest.raises(PermissionDenied):
        actions.deactivate_staff_user(by=teacher, person=staff_member)
    assert _reloaded(staff_member).is_active


def test_actions_refuse_objects_of_another_municipality(
    world: World, administrator: User, elsewhere: Elsewhere
) -> None:
    with pytest.raises(PermissionDenied):
        actions.deactivate_staff_user(by=administrator, person=elsewhere.person)
    with pytest.raises(PermissionDenied):
        actions.add_membership(by=administrator, person=elsewhere.person, unit=world.school, role="teacher")
    with pytest.raises(PermissionDenied):
        actions.remove_contact_person(by=administrator, contact=elsewhere.contact)
    with pytest.raises(PermissionDenied):
        actions.create_unit(
            by=administrator, details=UnitDetails(organisation=elsewhere.organisation, name="Ny", kind=UnitKind.SCHOOL)
        )
    assert _reloaded(elsewhere.person).is_active
    assert ContactPerson.objects.filter(pk=elsewhere.contact.pk).exists()
