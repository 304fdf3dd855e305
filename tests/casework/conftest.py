"""The TSI world: a joint team (like Uddevalla's Magneten) owned by education and social services, its member, and
a case for Alva from Ekskolan at each stage the tests need."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kring.casework.models import YOUNG_PERSON_AGE, ChildAgreement, ConsentMethod, TsiCase, YoungPersonAnswer
from kring.casework.tsi import actions
from kring.directory.models import Unit, User
from kring.people.models import Custody, Guardian
from tests.conftest import World

TODAY = timezone.localdate()


@pytest.fixture
def requested_case(world: World, tsi_team: Unit, principal: User) -> TsiCase:
    return actions.request_tsi(
        by=principal,
        child=world.child,
        team=tsi_team,
        reason="Alva är ofta borta från skolan och verkar ledsen.",
        tried="Samtal med mentor och kurator.",
    )


@pytest.fixture
def accepted_case(requested_case: TsiCase, tsi_member: User) -> TsiCase:
    return actions.assess_request(
        by=tsi_member, case=requested_case, decision=actions.Decision.ACCEPT, note="Passar TSI."
    )


def _young_person(guardians: list[Guardian]) -> str:
    """From 15 (on some dates the suite runs on, the world's child is 15) the young person consents too."""
    custody = Custody.objects.filter(guardian__in=guardians).select_related("child").first()
    if custody is None or actions.age_on(custody.child, TODAY) < YOUNG_PERSON_AGE:
        return ""
    return YoungPersonAnswer.GIVES


def consent_input(guardians: list[Guardian], **overrides: object) -> actions.ConsentInput:
    values: dict[str, object] = {
        "young_person": _young_person(guardians),
        "guardians": guardians,
        "parties": ["school", "student_health", "social_services"],
        "categories": ["plan", "meeting", "needs", "story"],
        "method": ConsentMethod.WRITTEN,
        "given_on": TODAY,
        "valid_until": TODAY + dt.timedelta(days=365),
        "child_agreement": ChildAgreement.AGREES,
        "share_with": ["school"],
        "share_categories": ["plan", "meeting", "needs", "story"],
    }
    values.update(overrides)
    return actions.ConsentInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def consented_case(accepted_case: TsiCase, tsi_member: User, guardians: list[Guardian]) -> TsiCase:
    actions.record_consent(by=tsi_member, case=accepted_case, given=consent_input(guardians))
    accepted_case.refresh_from_db()
    return accepted_case
