"""The organisation admin's personas: the administrator (tests/conftest.py) and a coordinator; and objects of
another municipality (Annanstad) that they must never reach."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kring.access.auth import activate_totp
from kring.directory.models import ContactPerson, Membership, Organisation, OrganisationKind, Unit, UnitKind, User
from tests.conftest import TOTP_SECRET, World
from tests.factories import ContactPersonFactory, MembershipFactory, OrganisationFactory, UnitFactory, UserFactory

MANAGERS = ["administrator", "coordinator"]
REFUSED = ["teacher", "principal", "social_worker", "police_officer", "outsider"]


@dataclass
class Elsewhere:
    organisation: Organisation
    school: Unit
    person: User
    membership: Membership
    contact: ContactPerson


@pytest.fixture
def coordinator(world: World) -> User:
    user = UserFactory(municipality=world.municipality, email="samordnare@kommun.example")
    MembershipFactory(user=user, unit=world.social_services, role="coordinator")
    activate_totp(user, TOTP_SECRET)
    return user


@pytest.fixture
def manager(request: pytest.FixtureRequest, world: World) -> User:
    """Parametrise with indirect=True over MANAGERS."""
    user: User = request.getfixturevalue(getattr(request, "param", "administrator"))
    return user


@pytest.fixture
def refused(request: pytest.FixtureRequest, world: World) -> User:
    """Parametrise with indirect=True over REFUSED."""
    user: User = request.getfixturevalue(request.param)
    return user


@pytest.fixture
def staff_member(world: World) -> User:
    """A teacher at Björkskolan with no special rights, for the admin to change."""
    user = UserFactory(
        municipality=world.municipality, email="anna.lind@kommun.example", first_name="Anna", last_name="Lind"
    )
    MembershipFactory(user=user, unit=world.other_school, role="teacher")
    return user


@pytest.fixture
def elsewhere(world: World) -> Elsewhere:
    school = world.other_municipality_child.placements.get().unit
    social = OrganisationFactory(
        municipality=school.municipality, name="Annanstads socialtjänst", kind=OrganisationKind.SOCIAL_SERVICES
    )
    social_unit = UnitFactory(organisation=social, name="Annanstads barn och unga", kind=UnitKind.SOCIAL_SERVICES_UNIT)
    person = UserFactory(municipality=school.municipality, email="socialsekreterare@annanstad.example")
    membership = MembershipFactory(user=person, unit=social_unit, role="social_worker")
    contact = ContactPersonFactory(school=school, user=person, position=1)
    return Elsewhere(school.organisation, school, person, membership, contact)
