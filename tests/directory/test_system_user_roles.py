"""An integration's system user holds only what an integration may (never the directory, the log, the records or
register extracts), a person never an integration's role, and a system user has no single sign-on identifier: checked
where a role is given, not only in the forms that offer them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kring.directory import actions
from kring.directory.forms import StaffForm
from kring.directory.models import Membership, User
from tests.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def system_user(world: World) -> User:
    return UserFactory(municipality=world.municipality, email="system@kommun.example", is_system=True)


@pytest.mark.parametrize("role", ["administrator", "privacy_officer", "archivist", "coordinator"])
def test_a_system_user_is_never_given_a_role_an_integration_may_not_hold(
    world: World, administrator: User, system_user: User, role: str
) -> None:
    with pytest.raises(ValidationError):
        actions.add_membership(by=administrator, person=system_user, unit=world.school, role=role)
    assert not Membership.objects.filter(user=system_user).exists()


def test_a_person_is_never_given_the_e_services_role(world: World, administrator: User, teacher: User) -> None:
    with pytest.raises(ValidationError):
        actions.add_membership(by=administrator, person=teacher, unit=world.school, role="e_service")
    assert not Membership.objects.filter(user=teacher, role="e_service").exists()


def test_a_system_user_gets_no_single_sign_on_identifier(world: World, system_user: User) -> None:
    data = {"first_name": "E", "last_name": "Tjänst", "email": system_user.email, "phone": "", "sso_identifier": "x@y"}
    form = StaffForm(data, instance=system_user)
    assert not form.is_valid() and "sso_identifier" in form.errors
