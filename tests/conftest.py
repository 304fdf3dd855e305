"""Personas, defined once (after healthchecks' alice/bob/charlie), and the audit-trigger guard.

The world: municipality Testkommun with an education administration (Ekskolan, where the child Alva is placed,
and Björkskolan), social services, a police area; and a second municipality, Annanstad.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import time_machine
from django.db import DatabaseError
from django.test import Client, TestCase

from kring.access.audit import drop_triggers, install_triggers
from kring.access.auth import activate_totp
from kring.access.logs import RedactPersonalData
from kring.directory.models import Municipality, OrganisationKind, Unit, UnitKind, User
from kring.people.models import Child, Group, GroupRole, GroupStaff, Guardian, Placement
from tests import sqlite_template
from tests.factories import (
    ChildFactory,
    ContactPersonFactory,
    CustodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PlacementFactory,
    UnitFactory,
    UserFactory,
)

# The suite never reads the wall clock: it runs at this instant (a Wednesday morning in the autumn term), and the
# clock ticks on from there. `KRING_TEST_NOW` (an ISO 8601 time with an offset) runs it at another: CI runs it in
# the summer holiday, on Christmas Eve, on 29 February and at 23:30 UTC (a Sunday night, Monday in Stockholm).
DEFAULT_TEST_NOW = "2026-11-18T09:30:00+01:00"
TEST_NOW_VARIABLE = "KRING_TEST_NOW"

T = TypeVar("T")

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "lösenord-för-test-1"


sqlite_template.install()  # the in-memory SQLite test database copied from one migrated before


def suite_start() -> dt.datetime:
    value = os.environ.get(TEST_NOW_VARIABLE) or DEFAULT_TEST_NOW
    now = dt.datetime.fromisoformat(value)
    if now.tzinfo is None:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={value!r} needs an offset, e.g. {DEFAULT_TEST_NOW}")
    return now


# Started when this file is imported, before pytest imports any other conftest or test module (their module-level
# dates, such as TODAY, read this clock too), and stopped when pytest is done.
_CLOCK = time_machine.travel(suite_start(), tick=True)
_CLOCK.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    _CLOCK.stop()


def pytest_report_header(config: pytest.Config) -> str:
    return f"kring: the clock starts at {suite_start().isoformat()} (set {TEST_NOW_VARIABLE} to change it)"


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> Any:
    """Keep the append-only triggers in place; a flushing (transactional) test drops them just before its
    flush, which Django does with DELETE on SQLite, and the next test puts them back."""
    names = request.fixturenames
    transactional = "transactional_db" in names or "live_server" in names
    if not transactional and "db" not in names:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    install_triggers()
    yield
    if transactional:
        drop_triggers()


class _LogTee:
    """The settings' log handler's stream, keeping a copy of every line the suite logs."""

    lines: list[str] = []

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.lines.append(text)
        return int(self.stream.write(text) or 0)

    def flush(self) -> None:
        self.stream.flush()


def _personal_values() -> set[str]:
    values: set[str] = set()
    for model in (Child, Guardian):
        for first, last, number in model.objects.values_list("first_name", "last_name", "identity_number"):
            values.add(f"{first} {last}")
            if len(number) == 12:
                values |= {number, number[2:], f"{number[2:8]}-{number[8:]}"}
    return values | {email for email in User.objects.values_list("email", flat=True) if email}


@pytest.fixture(autouse=True)
def _logs_hold_no_personal_data(request: pytest.FixtureRequest) -> Any:
    """Every line any test logs (through the settings' handler) is checked for the names, identity numbers and
    e-mail addresses of the test's database: cheap, as most tests log nothing (docs/adr/0018)."""
    names = request.fixturenames
    if "db" not in names and "transactional_db" not in names:
        yield
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    for handler in {h for name in ("", "django", "django.server") for h in logging.getLogger(name).handlers}:
        settings_handler = any(isinstance(f, RedactPersonalData) for f in handler.filters)
        if settings_handler and isinstance(handler, logging.StreamHandler) and not isinstance(handler.stream, _LogTee):
            handler.setStream(_LogTee(handler.stream))  # type: ignore[arg-type]
    start = len(_LogTee.lines)
    yield
    logged = "".join(_LogTee.lines[start:])
    if not logged:
        return
    try:
        leaked = sorted(value for value in _personal_values() if value in logged)
    except DatabaseError:  # a test that left its database unusable: nothing to compare with
        return
    assert not leaked, f"the log holds personal data: {leaked}"


@dataclass
class World:
    municipality: Municipality
    school: Unit
    other_school: Unit
    social_services: Unit
    police_unit: Unit
    child: Child
    protected_child: Child
    other_municipality_child: Child


def _staff(municipality: Municipality, unit: Unit, role: str, email: str) -> User:
    user = UserFactory(municipality=municipality, email=email)
    MembershipFactory(user=user, unit=unit, role=role)
    activate_totp(user, TOTP_SECRET)
    return user


@pytest.fixture
def world(db: None) -> World:
    municipality = MunicipalityFactory(name="Testkommun", code="9001")
    education = OrganisationFactory(municipality=municipality, name="Utbildningsförvaltningen")
    social = OrganisationFactory(
        municipality=municipality, name="Socialförvaltningen", kind=OrganisationKind.SOCIAL_SERVICES
    )
    police = OrganisationFactory(municipality=municipality, name="Lokalpolisområde Test", kind=OrganisationKind.POLICE)
    school = UnitFactory(organisation=education, name="Ekskolan")
    other_school = UnitFactory(organisation=education, name="Björkskolan")
    social_unit = UnitFactory(
        organisation=social,
        name="Barn och unga",
        kind=UnitKind.SOCIAL_SERVICES_UNIT,
        school_forms=[],
        grades=[],
    )
    police_unit = UnitFactory(
        organisation=police, name="Kommunpolis Test", kind=UnitKind.POLICE_UNIT, school_forms=[], grades=[]
    )
    child = ChildFactory(municipality=municipality, first_name="Alva", last_name="Testsson")
    PlacementFactory(child=child, unit=school)
    CustodyFactory(child=child)
    protected = ChildFactory(
        municipality=municipality, first_name="Sigge", last_name="Skyddad", protected_identity=True
    )
    PlacementFactory(child=protected, unit=school)
    elsewhere = MunicipalityFactory(name="Annanstad", code="9002")
    other_child = ChildFactory(municipality=elsewhere, first_name="Alva", last_name="Annansson")
    other_education = OrganisationFactory(municipality=elsewhere, name="Annanstads skolor")
    PlacementFactory(child=other_child, unit=UnitFactory(organisation=other_education, name="Annanskolan"))
    return World(municipality, school, other_school, social_unit, police_unit, child, protected, other_child)


@pytest.fixture
def teacher(world: World) -> User:
    return _staff(world.municipality, world.school, "teacher", "larare@kommun.example")


@pytest.fixture
def other_teacher(world: World) -> User:
    return _staff(world.municipality, world.other_school, "teacher", "annan.larare@kommun.example")


@pytest.fixture
def principal(world: World) -> User:
    return _staff(world.municipality, world.school, "principal", "rektor@kommun.example")


@pytest.fixture
def kurator(world: World) -> User:
    return _staff(world.municipality, world.school, "kurator", "kurator@kommun.example")


@pytest.fixture
def social_worker(world: World) -> User:
    user = _staff(world.municipality, world.social_services, "social_worker", "socialsekreterare@kommun.example")
    ContactPersonFactory(school=world.school, user=user, position=1)
    return user


@pytest.fixture
def police_officer(world: World) -> User:
    return _staff(world.municipality, world.police_unit, "police_officer", "polis@polisen.example")


@pytest.fixture
def administrator(world: World) -> User:
    return _staff(world.municipality, world.school, "administrator", "admin@kommun.example")


@pytest.fixture
def outsider(world: World) -> User:
    """A principal in another municipality."""
    school = world.other_municipality_child.placements.get().unit
    return _staff(school.municipality, school, "principal", "rektor@annanstad.example")


@pytest.fixture
def tsi_team(world: World) -> Unit:
    education = world.school.organisation
    social = OrganisationFactory(
        municipality=world.municipality, name="Socialtjänsten TSI", kind=OrganisationKind.SOCIAL_SERVICES
    )
    return UnitFactory(
        organisation=education,
        co_organisation=social,
        name="Magneten",
        kind=UnitKind.JOINT_TEAM,
        school_forms=[],
        grades=[],
    )


@pytest.fixture
def tsi_member(world: World, tsi_team: Unit) -> User:
    return _staff(world.municipality, tsi_team, "tsi_team_member", "tsi@kommun.example")


@pytest.fixture
def other_team_member(world: World) -> User:
    other_team = UnitFactory(
        organisation=world.school.organisation, name="Annat team", kind=UnitKind.JOINT_TEAM, school_forms=[]
    )
    return _staff(world.municipality, other_team, "tsi_team_member", "annat.team@kommun.example")


@pytest.fixture
def guardians(world: World) -> list[Guardian]:
    """Alva has two guardians with joint custody (the world gives her one; add the second)."""
    CustodyFactory(child=world.child)
    return list(Guardian.objects.filter(custodies__child=world.child).order_by("last_name", "first_name"))


# A class at Ekskolan (5A) with Alva Testsson, Sigge Skyddad (protected identity) and, when asked for, Nils Klassson;
# its mentor Maja Mentorsson (the trygg-bas inventory and the class review).


@pytest.fixture
def group(world: World) -> Group:
    group = Group.objects.create(
        municipality_id=world.school.municipality_id, unit=world.school, name="5A", school_year="2026/2027"
    )
    Placement.objects.filter(unit=world.school).update(group=group)
    return group


@pytest.fixture
def classmate(world: World, group: Group) -> Child:
    child = ChildFactory(municipality=world.municipality, first_name="Nils", last_name="Klassson")
    PlacementFactory(child=child, unit=world.school, group=group)
    return child


@pytest.fixture
def mentor(world: World, group: Group) -> User:
    user = _staff(world.municipality, world.school, "mentor", "mentor@kommun.example")
    user.first_name, user.last_name = "Maja", "Mentorsson"
    user.save(update_fields=["first_name", "last_name"])
    GroupStaff.objects.create(
        municipality_id=group.municipality_id,
        group=group,
        user=user,
        role=GroupRole.MENTOR,
        start_date=dt.date(2020, 8, 15),
    )
    return user


@pytest.fixture
def coordinator(world: World) -> User:
    office = UnitFactory(
        organisation=world.social_services.organisation, name="Trygghetsenheten", kind=UnitKind.OTHER,
        school_forms=[], grades=[],
    )  # fmt: skip
    return _staff(world.municipality, office, "coordinator", "samordnare@kommun.example")


def committed(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `function` and then run what it left for after its commit (mail is sent only once the audit event is
    committed), as if its transaction had committed: the test's own transaction never does."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(*args, **kwargs)


def login(client: Client, user: User) -> Client:
    """Log a persona in (they all have TOTP, so the MFA middleware lets them through)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
