from __future__ import annotations

from datetime import date

import pytest

from kring.collaboration.agreements.actions import AgreementInput, CommitmentInput, SignatoryInput, save_agreement
from kring.collaboration.groups.actions import GroupInput, MemberInput, save_group
from kring.collaboration.models import AgreementVersion, CollaborationGroup, GroupLevel, GroupStatus, Issue, MemberRole
from kring.directory.models import Organisation, User
from tests.conftest import World


def organisations(world: World) -> tuple[Organisation, Organisation, Organisation]:
    school = world.school.organisation
    social = world.social_services.organisation
    police = world.police_unit.organisation
    return school, social, police


def add_group(
    world: World,
    by: User,
    name: str,
    *,
    issues: list[str],
    ages: tuple[int, int] = (0, 20),
    members: list[User] | None = None,
    level: str = GroupLevel.OPERATIONAL,
    status: str = GroupStatus.ACTIVE,
    schools: list | None = None,  # type: ignore[type-arg]
) -> CollaborationGroup:
    school, social, police = organisations(world)
    given = GroupInput(
        name=name,
        level=level,
        mandate=f"Mandat för {name}.",
        owner=social,
        organisations=[school, police],
        issues=issues,
        status=status,
        age_from=ages[0],
        age_to=ages[1],
        schools=schools or [],
        members=[MemberInput(organisation=social, role=MemberRole.MEMBER, user=member) for member in (members or [])],
    )
    return save_group(given=given, by=by)


@pytest.fixture
def every_issue_covered(world: World, coordinator: User) -> list[CollaborationGroup]:
    """One operational group serving every issue for every age: no gap."""
    return [add_group(world, coordinator, "Barn och unga i samverkan", issues=list(Issue.values))]


def add_agreement(world: World, by: User, title: str = "Överenskommelse mot våld", **changes) -> AgreementVersion:  # type: ignore[no-untyped-def]
    school, social, police = organisations(world)
    values = {
        "title": title,
        "responsible": by,
        "parties": [school, social, police],
        "purpose": "Att förebygga våld bland unga.",
        "needs": "Fler unga utsätts för våld i centrum.",
        "valid_from": date(2026, 1, 1),
        "review_on": date(2027, 6, 30),
        "commitments": [
            CommitmentInput(school, "Utbilda all personal i MVP."),
            CommitmentInput(police, "Delta i skolans trygghetsvandringar."),
        ],
        "signatories": [SignatoryInput("Fiktiva Förvaltningschef", "Förvaltningschef", social, date(2025, 12, 15))],
    }
    values.update(changes)
    return save_agreement(given=AgreementInput(**values), by=by)
