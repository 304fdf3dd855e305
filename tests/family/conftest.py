"""The family's world: Alva's TSI case with consent, a plan, a network meeting, the stories (one the child told in
confidence), and a way to be logged in as a family member without the e-ID round trip (test_eid_login does that)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kring.access.auth import FAMILY_SESSION_KEY
from kring.casework.models import MeetingKind, Teller, TsiCase
from kring.casework.tsi import actions
from kring.directory.models import User
from kring.family.models import FamilyAccount
from kring.people.identity import make_identity_number
from kring.people.models import Child
from tests.casework.conftest import accepted_case, consent_input, consented_case, requested_case  # noqa: F401

TODAY = timezone.localdate()
SECRET_STORY = "Jag är rädd när pappa dricker, säg inget hemma."
OPEN_STORY = "Vi vill att Alva ska trivas i skolan igen."


def log_in_as(client: Client, identity_index: str, *, name: str = "Förälder Test") -> FamilyAccount:
    """A family member's session as kring.family.eid makes it (the account, its user, the session mark)."""
    account = FamilyAccount.objects.filter(identity_index=identity_index).first()
    if account is None:
        first, last = name.split(" ", 1)
        user = User.objects.create_user(
            f"{identity_index[:16]}@family.kring.invalid", None, first_name=first, last_name=last
        )
        account = FamilyAccount.objects.create(user=user, identity_index=identity_index, created_at=timezone.now())
    client.force_login(account.user)
    session = client.session
    session[FAMILY_SESSION_KEY] = account.pk
    session.save()
    return account


@pytest.fixture
def family_case(consented_case: TsiCase, tsi_member: User) -> TsiCase:  # noqa: F811
    """Alva's case with a plan, a network meeting, an open story and one secret towards the guardians."""
    actions.record_story(
        by=tsi_member, case=consented_case, teller=Teller.GUARDIANS, told_by="Föräldrarna", told_on=TODAY,
        text=OPEN_STORY,
    )  # fmt: skip
    actions.record_story(
        by=tsi_member, case=consented_case, teller=Teller.CHILD, told_by="Alva", told_on=TODAY, text=SECRET_STORY,
        secret_from_guardians=True,
    )  # fmt: skip
    actions.book_meeting(
        by=tsi_member,
        case=consented_case,
        kind=MeetingKind.NETWORK,
        starts_at=timezone.now() + dt.timedelta(days=5),
        place="Biblioteket, Storgatan 1",
        neutral_arena=True,
        participants=[actions.ParticipantInput("Alva", "child"), actions.ParticipantInput("Mentor Ek", "school_staff")],
    )
    actions.agree_plan(
        by=tsi_member,
        case=consented_case,
        plan=actions.PlanInput(
            agreed_on=TODAY,
            goals=[{"text": "Alva går till skolan varje dag", "child_words": "Jag vill orka gå till skolan"}],
            actions=[{"text": "Mentor möter Alva vid entrén", "responsible": "Mentor", "due": TODAY.isoformat()}],
            next_follow_up=TODAY + dt.timedelta(days=42),
            overall_responsible="TSI-teamet",
        ),
    )
    consented_case.refresh_from_db()
    return consented_case


def young_person(municipality: object, *, age: int, first_name: str = "Kim") -> Child:
    """A child of the given age today, with a number in the test series."""
    born = dt.date(TODAY.year - age, 1, 1)  # turned `age` on the first of January: that age all year
    return Child.objects.create(
        municipality=municipality,
        identity_number=make_identity_number(born, 990),
        first_name=first_name,
        last_name="Ungsson",
        birth_date=born,
    )
