"""Nobody can grant themselves access: a role given in Kring needs a second person, never oneself; every change
is audited and shown in log review as a change of access (issue 12, 1.7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kring.access.auth import activate_totp
from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import role_grants, visible_to
from kring.casework.models import Concern
from kring.casework.reports import actions as report_actions
from kring.directory import actions
from kring.directory.models import Membership, User
from kring.people.models import Child
from tests.conftest import TOTP_SECRET, World, _staff, login
from tests.factories import MembershipFactory, UserFactory


def _fresh(user: User) -> User:
    """The same person as a new request sees them (no memoised role grants)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def sock_puppet(world: World) -> User:
    """A second account a coordinator controls (her own private address), with no role yet."""
    user = UserFactory(municipality=world.municipality, email="samordnare.privat@kommun.example")
    activate_totp(user, TOTP_SECRET)
    return user


def test_role_grant_waits_for_a_second_person(
    world: World, administrator: User, coordinator: User, staff_member: User
) -> None:
    asked = actions.add_membership(by=administrator, person=staff_member, unit=world.school, role="kurator")

    assert asked.awaiting_approval and not asked.active
    assert role_grants(_fresh(staff_member)) == [] or all(
        g.role != "kurator" for g in role_grants(_fresh(staff_member))
    )
    assert not visible_to(_fresh(staff_member), Child.objects.filter(pk=world.child.pk)).exists()

    with pytest.raises(PermissionDenied):
        actions.approve_membership(by=administrator, membership=asked)
    actions.approve_membership(by=coordinator, membership=asked)

    asked.refresh_from_db()
    assert asked.active and asked.approved_by == coordinator and asked.requested_by == administrator
    assert visible_to(_fresh(staff_member), Child.objects.filter(pk=world.child.pk)).exists()


def test_role_grant_never_oneself_coordinator_who_tries_to_grant_herself_a_role(
    client: Client, world: World, coordinator: User, sock_puppet: User, teacher: User
) -> None:
    report_actions.record_concern(
        by=teacher,
        child=world.child,
        concern=report_actions.ConcernInput("wellbeing", "Alva gråter.", world.child.birth_date, "Jag", ""),
    )
    login(client, coordinator)

    own = client.post(f"/organisation/staff/{coordinator.pk}/roles/", {"unit": world.school.pk, "role": "kurator"})
    assert own.status_code == 200
    assert not coordinator.memberships.filter(role="kurator").exists()

    # her second account: asked for, but she cannot approve it herself, in the page nor in the action
    client.post(f"/organisation/staff/{sock_puppet.pk}/roles/", {"unit": world.school.pk, "role": "kurator"})
    asked = sock_puppet.memberships.get(role="kurator")
    page = client.post(f"/organisation/staff/{sock_puppet.pk}/roles/{asked.pk}/approve/")
    assert page.status_code == 302
    asked.refresh_from_db()
    assert asked.awaiting_approval and not asked.active
    with pytest.raises(PermissionDenied):
        actions.approve_membership(by=coordinator, membership=asked)
    with pytest.raises(PermissionDenied):
        actions.approve_membership(by=sock_puppet, membership=asked)

    puppet = _fresh(sock_puppet)
    assert not visible_to(puppet, Child.objects.all()).exists()
    assert not visible_to(puppet, Concern.objects.all()).exists()
    assert not AuditEvent.objects.filter(
        actor_id__in=[coordinator.pk, sock_puppet.pk], action=AuditAction.READ, child_id=world.child.pk
    ).exists()


def test_role_grant_by_a_unit_manager_of_the_unit_takes_effect_at_once(world: World, staff_member: User) -> None:
    manager = _staff(world.municipality, world.social_services, "unit_manager", "chef@kommun.example")
    MembershipFactory(user=manager, unit=world.social_services, role="administrator")

    given = actions.add_membership(by=manager, person=staff_member, unit=world.social_services, role="social_worker")
    elsewhere = actions.add_membership(by=manager, person=staff_member, unit=world.school, role="mentor")

    assert given.active and not given.awaiting_approval and given.approved_by == manager
    assert elsewhere.awaiting_approval and not elsewhere.active


def test_role_grant_declined_or_withdrawn_never_takes_effect(
    client: Client, world: World, administrator: User, coordinator: User, staff_member: User
) -> None:
    asked = actions.add_membership(by=administrator, person=staff_member, unit=world.school, role="mentor")
    login(client, coordinator)
    client.post(f"/organisation/staff/{staff_member.pk}/roles/{asked.pk}/decline/")

    asked.refresh_from_db()
    assert not asked.active and not asked.awaiting_approval
    with pytest.raises(ValidationError):
        actions.approve_membership(by=coordinator, membership=asked)
    assert not Membership.objects.filter(user=staff_member, active=True, role="mentor").exists()


def test_role_grant_every_change_is_an_access_change_in_log_review(
    client: Client, world: World, administrator: User, coordinator: User, staff_member: User
) -> None:
    login(client, administrator)
    client.post(f"/organisation/staff/{staff_member.pk}/roles/", {"unit": world.school.pk, "role": "mentor"})
    overview = client.get("/organisation/", headers={"accept-language": "en"}).content.decode()
    assert "1 role awaits approval" in overview and "Anna Lind" in overview
    login(client, coordinator)
    asked = staff_member.memberships.get(role="mentor")
    client.post(f"/organisation/staff/{staff_member.pk}/roles/{asked.pk}/approve/")

    events = AuditEvent.objects.filter(action=AuditAction.WRITE, target_type="membership").order_by("sequence")
    assert [(e.actor_id, e.details.get("requested"), e.details.get("approved")) for e in events] == [
        (administrator.pk, True, None),
        (coordinator.pk, None, True),
    ]
    # each organisation reviews its own staff: the administrator (education) their request, a unit manager of
    # social services the coordinator's approval
    social_reviewer = _staff(world.municipality, world.social_services, "unit_manager", "chef@kommun.example")
    for reviewer, actor in ((administrator, administrator), (social_reviewer, coordinator)):
        login(client, reviewer)
        body = client.get("/audit/?access_changes=on", headers={"accept-language": "en"}).content.decode()
        assert body.count("Role in a unit (access)") == 1 and actor.email in body
