"""Staff of the demo municipality: users with memberships for every role, two social services contact persons
per school and preschool, and one demo login per role (fixed e-mail, a password and TOTP)."""

from __future__ import annotations

import base64
import math
import random
from collections import Counter
from dataclasses import dataclass

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib.auth.hashers import make_password

from kring.access.auth import activate_totp
from kring.access.roles import Role
from kring.demo import names
from kring.demo.structure import BATCH_SIZE, School, Structure
from kring.directory.models import ContactPerson, Membership, Unit, User

DEMO_PASSWORD = "kring-demo-2026"

# One demo login per role: the e-mail's local part (at demokommun.example) and the role.
DEMO_ACCOUNTS: tuple[tuple[str, Role], ...] = (
    ("larare", Role.TEACHER),
    ("mentor", Role.MENTOR),
    ("rektor", Role.PRINCIPAL),
    ("kurator", Role.KURATOR),
    ("skolskoterska", Role.SCHOOL_NURSE),
    ("specialpedagog", Role.SPECIAL_EDUCATOR),
    ("psykolog", Role.PSYCHOLOGIST),
    ("socialsekreterare", Role.SOCIAL_WORKER),
    ("enhetschef", Role.UNIT_MANAGER),
    ("tsi", Role.TSI_TEAM_MEMBER),
    ("polis", Role.POLICE_OFFICER),
    ("samordnare", Role.COORDINATOR),
    ("admin", Role.ADMINISTRATOR),
    ("arkivarie", Role.ARCHIVIST),
    ("dataskydd", Role.PRIVACY_OFFICER),
)
_STUDENT_HEALTH = (Role.KURATOR, Role.SCHOOL_NURSE, Role.SPECIAL_EDUCATOR, Role.PSYCHOLOGIST)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    role_label: str
    password: str
    totp_secret: str
    otpauth_uri: str


def totp_secret(rng: random.Random) -> str:
    """A 32-character base32 TOTP secret (160 bits, as authenticator apps expect)."""
    return base64.b32encode(rng.randbytes(20)).decode()


def _demo_units(structure: Structure, role: Role) -> list[tuple[Unit, Role]]:
    school = structure.demo_school
    team = structure.health_teams[school.plan.area]
    social = structure.social_units[school.plan.area]
    by_role: dict[Role, list[tuple[Unit, Role]]] = {
        Role.TEACHER: [(school.unit, Role.TEACHER)],
        Role.MENTOR: [(school.unit, Role.TEACHER), (school.unit, Role.MENTOR)],
        Role.PRINCIPAL: [(school.unit, Role.PRINCIPAL)],
        Role.SOCIAL_WORKER: [(social, Role.SOCIAL_WORKER)],
        Role.UNIT_MANAGER: [(social, Role.UNIT_MANAGER)],
        Role.TSI_TEAM_MEMBER: [(structure.joint_teams[0], Role.TSI_TEAM_MEMBER)],
        Role.POLICE_OFFICER: [(structure.police_unit, Role.POLICE_OFFICER)],
        Role.COORDINATOR: [(structure.safety_unit, Role.COORDINATOR)],
        # the administrator of the education administration: reviews the log of the schools' staff
        Role.ADMINISTRATOR: [(structure.education_office, Role.ADMINISTRATOR)],
        # the municipality's archivist, with records management (informationsförvaltning) in the executive office, and
        # its data protection coordinator there, who answers requests for register extracts (GDPR art. 15–16)
        Role.ARCHIVIST: [(structure.it_unit, Role.ARCHIVIST)],
        Role.PRIVACY_OFFICER: [(structure.it_unit, Role.PRIVACY_OFFICER)],
    }
    by_role.update({health: [(school.unit, health), (team, health)] for health in _STUDENT_HEALTH})
    return by_role[role]


class StaffWriter:
    """Collects unsaved users, memberships and contact persons; `write` inserts them in bulk."""

    def __init__(self, structure: Structure, rng: random.Random) -> None:
        self.structure = structure
        self.rng = rng
        self.users: list[User] = []
        self.memberships: list[Membership] = []
        self.contacts: list[ContactPerson] = []
        self.emails: set[str] = set()
        self.social_workers: dict[int, list[User]] = {}
        self.demo_users: dict[Role, User] = {}

    # People and memberships

    def _email(self, first_name: str, last_name: str, domain: str) -> str:
        local = names.email_local_part(first_name, last_name)
        email, number = f"{local}@{domain}", 1
        while email in self.emails:
            number += 1
            email = f"{local}{number}@{domain}"
        return email

    def person(self, domain: str = names.EMAIL_DOMAIN, email: str | None = None) -> User:
        lists = names.names_for(names.LANGUAGES.pick(self.rng))
        first_name = (lists.female if self.rng.random() < 0.6 else lists.male).pick(self.rng)
        last_name = lists.last.pick(self.rng)
        user = User(
            municipality=self.structure.municipality,
            email=email or self._email(first_name, last_name, domain),
            first_name=first_name,
            last_name=last_name,
            phone=self.rng.choice(names.FICTIONAL_MOBILE_NUMBERS),
            password=make_password(None),
        )
        self.emails.add(user.email)
        self.users.append(user)
        return user

    def member(self, user: User, unit: Unit, *roles: Role) -> User:
        self.memberships.extend(Membership(user=user, unit=unit, role=role) for role in roles)
        return user

    def staff(self, unit: Unit, role: Role, count: int, domain: str = names.EMAIL_DOMAIN) -> list[User]:
        return [self.member(self.person(domain), unit, role) for _ in range(count)]

    # The municipality's staff, unit by unit

    def demo_logins(self, password_hash: str) -> None:
        for local, role in DEMO_ACCOUNTS:
            user = self.person(email=f"{local}@{names.EMAIL_DOMAIN}")
            user.password = password_hash
            for unit, unit_role in _demo_units(self.structure, role):
                self.member(user, unit, unit_role)
            self.demo_users[role] = user

    def school_staff(self, school: School) -> None:
        pupils, classes = school.plan.pupils, len(school.plan.groups)
        self.staff(school.unit, Role.PRINCIPAL, 1 + (pupils > 450))
        if not school.plan.is_school:
            self.staff(school.unit, Role.TEACHER, math.ceil(pupils / 6))
            return
        for _ in range(classes):
            self.member(self.person(), school.unit, Role.TEACHER, Role.MENTOR)
        self.staff(school.unit, Role.TEACHER, max(0, math.ceil(pupils / 12) - classes))

    def student_health(self, area: int, schools: list[School]) -> None:
        """Kurator, school nurse and special educator at each school; psychologists and the preschools' special
        educators shared in the area; all of them also members of the area's student health team."""
        team = self.structure.health_teams[area]
        self.staff(team, Role.UNIT_MANAGER, 1)
        compulsory = [school for school in schools if school.plan.is_school]
        preschools = [school for school in schools if not school.plan.is_school]
        for school in compulsory:
            pupils = school.plan.pupils
            for role, per in ((Role.KURATOR, 400), (Role.SCHOOL_NURSE, 450), (Role.SPECIAL_EDUCATOR, 300)):
                for user in self.staff(school.unit, role, math.ceil(pupils / per)):
                    self.member(user, team, role)
        self._shared(team, Role.PSYCHOLOGIST, compulsory, per_person=3)
        self._shared(team, Role.SPECIAL_EDUCATOR, preschools, per_person=4)

    def _shared(self, team: Unit, role: Role, schools: list[School], per_person: int) -> None:
        if not schools:
            return
        people = self.staff(team, role, math.ceil(len(schools) / per_person))
        for index, school in enumerate(schools):
            self.member(people[index % len(people)], school.unit, role)

    def social_services(self, children: int) -> None:
        structure = self.structure
        total = max(4 * len(structure.social_units), math.ceil(children / 250))
        per_area = max(2, math.ceil(total * 0.7 / len(structure.social_units)))
        for area, unit in enumerate(structure.social_units):
            self.social_workers[area] = self.staff(unit, Role.SOCIAL_WORKER, per_area)
            self.staff(unit, Role.UNIT_MANAGER, 1)
        for unit in (structure.intake_unit, structure.outpatient_unit):
            self.staff(unit, Role.SOCIAL_WORKER, max(2, math.ceil(total * 0.15)))
            self.staff(unit, Role.UNIT_MANAGER, 1)

    def contact_persons(self) -> None:
        """Two social workers of the school's area per school and preschool (Falköping: position 1 and 2)."""
        demo = self.structure.demo_school
        turns: Counter[int] = Counter()
        for school in self.structure.schools:
            workers = self.social_workers[school.plan.area]
            turn = turns[school.plan.area]
            turns[school.plan.area] += 1
            pair = [workers[turn % len(workers)], workers[(turn + 1) % len(workers)]]
            if school is demo:
                pair = [self.demo_users[Role.SOCIAL_WORKER], pair[0]]
            self.contacts.extend(
                ContactPerson(school=school.unit, user=user, position=position)
                for position, user in enumerate(pair, start=1)
            )

    def other_units(self, police_officers: int) -> None:
        structure = self.structure
        for team in structure.joint_teams:
            self.staff(team, Role.TSI_TEAM_MEMBER, 4)
            self.staff(team, Role.UNIT_MANAGER, 1)
        self.staff(structure.police_unit, Role.POLICE_OFFICER, police_officers, names.POLICE_EMAIL_DOMAIN)
        bup, youth_clinic = structure.region_units
        self.staff(bup, Role.PSYCHOLOGIST, 2, names.REGION_EMAIL_DOMAIN)
        self.staff(youth_clinic, Role.KURATOR, 1, names.REGION_EMAIL_DOMAIN)
        self.staff(structure.safety_unit, Role.COORDINATOR, max(1, len(structure.social_units) // 2))
        self.staff(structure.it_unit, Role.ADMINISTRATOR, max(1, len(structure.social_units) // 4))

    # Writing

    def write(self) -> None:
        User.objects.bulk_create(self.users, batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(self.memberships, batch_size=BATCH_SIZE)
        ContactPerson.objects.bulk_create(self.contacts, batch_size=BATCH_SIZE)

    def activate_demo_logins(self, secrets_rng: random.Random) -> list[DemoLogin]:
        adapter = get_mfa_adapter()
        logins = []
        for role, user in self.demo_users.items():
            secret = totp_secret(secrets_rng)
            activate_totp(user, secret)
            uri = adapter.build_totp_url(user, secret)
            logins.append(DemoLogin(user.email, role.value, str(role.label), DEMO_PASSWORD, secret, uri))
        return logins

    def counts(self) -> Counter[str]:
        roles = Counter(f"role_{membership.role}" for membership in self.memberships)
        return roles + Counter(staff=len(self.users), memberships=len(self.memberships), contacts=len(self.contacts))


def write_staff(
    structure: Structure, rng: random.Random, secrets_rng: random.Random, *, police_officers: int
) -> tuple[list[DemoLogin], Counter[str]]:
    """Every member of staff, their memberships and the schools' contact persons; the demo logins get TOTP."""
    writer = StaffWriter(structure, rng)
    writer.demo_logins(make_password(DEMO_PASSWORD))
    areas: dict[int, list[School]] = {}
    for school in structure.schools:
        writer.school_staff(school)
        areas.setdefault(school.plan.area, []).append(school)
    for area, schools in sorted(areas.items()):
        writer.student_health(area, schools)
    children = sum(school.plan.pupils for school in structure.schools)
    writer.social_services(children)
    writer.contact_persons()
    writer.other_units(police_officers)
    writer.write()
    return writer.activate_demo_logins(secrets_rng), writer.counts()
