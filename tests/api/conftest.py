"""The API's world: integrations of Testkommun (the e-service for the public, social services' case system, the
social services unit's reporting, a principal's statistics) and one of Annanstad, each with a token; a closed TSI
case of Alva with an agreed plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from kring.api.actions import revoke_api_token
from kring.api.models import ApiToken
from kring.api.tokens import hash_secret, new_secret, prefix_of
from kring.casework.models import TsiCase
from kring.casework.tsi import actions
from kring.directory.models import Unit, UnitKind, User
from tests.casework.conftest import accepted_case, consented_case, requested_case  # noqa: F401 (fixtures)
from tests.conftest import World
from tests.factories import MembershipFactory, UnitFactory, UserFactory

TODAY = timezone.localdate()


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str

    @property
    def user(self) -> User:
        return self.token.system_user

    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}


def issue(unit: Unit, role: str, name: str, *, expires_in: dt.timedelta = dt.timedelta(days=30)) -> Issued:
    """A token of an integration with one active role in the unit (as if its role had been approved)."""
    user = UserFactory(municipality=unit.municipality, email=f"api-{slugify(name)}@integration.invalid")
    user.is_system = True
    user.set_unusable_password()
    user.save()
    MembershipFactory(user=user, unit=unit, role=role)
    secret = new_secret()
    token = ApiToken.objects.create(
        municipality=unit.municipality,
        name=name,
        system_user=user,
        prefix=prefix_of(secret),
        secret_hash=hash_secret(secret),
        created_at=timezone.now(),
        created_by=user,
        expires_at=timezone.now() + expires_in,
    )
    return Issued(token, secret)


@pytest.fixture
def contact_centre(world: World) -> Unit:
    return UnitFactory(
        organisation=world.social_services.organisation, name="Kontaktcenter", kind=UnitKind.OTHER,
        school_forms=[], grades=[],
    )  # fmt: skip


@pytest.fixture
def e_service(contact_centre: Unit) -> Issued:
    return issue(contact_centre, "e_service", "E-tjänst orosanmälan")


@pytest.fixture
def case_system(tsi_team: Unit) -> Issued:
    return issue(tsi_team, "tsi_team_member", "Verksamhetssystem")


@pytest.fixture
def social_services_token(world: World) -> Issued:
    return issue(world.social_services, "social_worker", "Socialtjänstens statistik")


@pytest.fixture
def principal_token(world: World) -> Issued:
    return issue(world.school, "principal", "Rektorns statistik")


@pytest.fixture
def outsider_token(world: World) -> Issued:
    """Social services of Annanstad."""
    school = world.other_municipality_child.placements.get().unit
    social = UnitFactory(
        organisation=school.organisation, name="Annanstads socialtjänst", kind=UnitKind.SOCIAL_SERVICES_UNIT,
        school_forms=[], grades=[],
    )  # fmt: skip
    return issue(social, "social_worker", "Annanstads system")


@pytest.fixture
def expired_token(tsi_team: Unit) -> Issued:
    issued = issue(tsi_team, "tsi_team_member", "Utgånget system")
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    return issued


@pytest.fixture
def revoked_token(tsi_team: Unit, administrator: User) -> Issued:
    issued = issue(tsi_team, "tsi_team_member", "Återkallat system")
    revoke_api_token(by=administrator, token=issued.token)
    return issued


@pytest.fixture
def closed_case(consented_case: TsiCase, tsi_member: User) -> TsiCase:  # noqa: F811
    actions.agree_plan(
        by=tsi_member,
        case=consented_case,
        plan=actions.PlanInput(
            agreed_on=TODAY - dt.timedelta(days=20),
            goals=[{"text": "Alva kommer till skolan varje dag", "child_words": "Jag vill orka"}],
            actions=[{"text": "Mentorn möter Alva", "responsible": "Mentor Eva", "due": TODAY.isoformat()}],
            next_follow_up=TODAY + dt.timedelta(days=10),
            overall_responsible="Maria i TSI-teamet",
        ),
    )
    closed = actions.close_case(by=tsi_member, case=consented_case, reason="goals_reached", note="Målen nådda.")
    assert isinstance(closed, TsiCase) and closed.closed_at is not None
    return closed


def call(client: Client, method: str, path: str, issued: Issued | None = None, **kwargs: object) -> object:
    headers = issued.headers() if issued else {}
    return getattr(client, method)(path, **headers, **kwargs)
