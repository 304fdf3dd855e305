"""Consent given by the family themselves: the team proposes the scope, each guardian with custody (and from 15 the
young person) answers with e-ID on their own page, and the consent is recorded when the last one has answered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kring.access.policy import visible_to
from kring.casework.models import (
    CaseStage,
    ConsentMethod,
    ConsentRequest,
    ConsentRequestStatus,
    Story,
    TsiCase,
)
from kring.casework.tsi import actions
from kring.casework.tsi.basis import active_consent
from kring.casework.workflow import WorkflowError
from kring.people.models import Child, Guardian
from tests.family.conftest import TODAY, log_in_as

pytestmark = pytest.mark.django_db


def _aged(child: Child, years: int) -> None:
    child.birth_date = dt.date(TODAY.year - years, 1, 1)  # that age on every day of this year
    child.save()


def _propose(client: Client, case: TsiCase) -> None:
    response = client.post(
        reverse("casework_consent_request", args=[case.pk]),
        {
            "parties": ["school", "student_health"], "categories": ["plan", "meeting", "story"],
            "share_with": ["school"], "share_categories": ["plan"],
            "valid_until": (TODAY + dt.timedelta(days=300)).isoformat(), "child_agreement": "agrees",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]


def _answer(case: TsiCase, guardian: Guardian, answer: str) -> Client:
    client = Client()
    log_in_as(client, guardian.identity_index, name=guardian.full_name)
    client.post(reverse("family:language"), {"language": "en"})
    page = client.get(reverse("family:case", args=[case.pk]))
    assert reverse("family:consent_answer", args=[case.pk]) in page.content.decode()
    form = client.get(reverse("family:consent_answer", args=[case.pk]))
    assert form.status_code == 200 and "the school" in form.content.decode()
    assert client.post(reverse("family:consent_answer", args=[case.pk]), {"answer": answer}).status_code == 302
    return client


def test_every_guardian_gives_consent_with_e_id(
    client: Client,
    accepted_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,
    principal,
    world,  # type: ignore[no-untyped-def]
) -> None:
    _aged(world.child, 10)  # under 15: the guardians answer alone (the young person's own answer is tested below)
    client.force_login(tsi_member)
    _propose(client, accepted_case)
    page = client.get(reverse("casework_case", args=[accepted_case.pk])).content.decode()
    assert "not answered yet" in page or "inte svarat" in page
    _answer(accepted_case, guardians[0], "gives")
    assert active_consent(accepted_case) is None  # the other guardian has not answered
    second = _answer(accepted_case, guardians[1], "gives")
    consent = active_consent(accepted_case)
    assert consent is not None and consent.method == ConsentMethod.DIGITAL
    assert {g.guardian_id for g in consent.givers.all()} == {g.pk for g in guardians}
    accepted_case.refresh_from_db()
    assert accepted_case.stage == CaseStage.ACTIVE
    assert ConsentRequest.objects.get().status == ConsentRequestStatus.ANSWERED
    assert "You have given consent" in second.get(reverse("family:case", args=[accepted_case.pk])).content.decode()
    actions.record_story(
        by=tsi_member, case=accepted_case, teller="school", told_by="Mentor", told_on=TODAY, text="Skolans berättelse"
    )
    assert visible_to(principal, Story.objects.all()).count() == 0  # the school shares; it does not read the team's


def test_one_no_means_no_consent(
    client: Client,
    accepted_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,
    world,  # type: ignore[no-untyped-def]
) -> None:
    _aged(world.child, 10)
    client.force_login(tsi_member)
    _propose(client, accepted_case)
    _answer(accepted_case, guardians[0], "gives")
    _answer(accepted_case, guardians[1], "refuses")
    consent = accepted_case.consents.get()
    assert consent.guardians_disagree and active_consent(accepted_case) is None


def test_a_guardian_answers_once_and_only_for_their_own_child(
    client: Client,
    accepted_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,
    world,  # type: ignore[no-untyped-def]
) -> None:
    from tests.factories import CustodyFactory

    client.force_login(tsi_member)
    _propose(client, accepted_case)
    family = _answer(accepted_case, guardians[0], "gives")
    again = family.post(reverse("family:consent_answer", args=[accepted_case.pk]), {"answer": "refuses"})
    assert again.status_code == 302  # the page is gone once answered; nothing changes
    assert ConsentRequest.objects.get().answers.count() == 1
    stranger = CustodyFactory(child=world.protected_child).guardian
    other = Client()
    log_in_as(other, stranger.identity_index)
    assert other.get(reverse("family:consent_answer", args=[accepted_case.pk])).status_code == 404
    with pytest.raises(WorkflowError):
        actions.answer_consent_request(
            by=tsi_member, proposal=ConsentRequest.objects.get(), answer="gives", guardian=stranger
        )


def test_a_young_person_of_15_answers_too(
    client: Client,
    accepted_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,
    world,  # type: ignore[no-untyped-def]
) -> None:
    child = world.child
    _aged(child, 16)
    client.force_login(tsi_member)
    _propose(client, accepted_case)
    for guardian in guardians:
        _answer(accepted_case, guardian, "gives")
    assert active_consent(accepted_case) is None  # waiting for the young person
    young = Client()
    log_in_as(young, child.identity_index, name="Alva Testsson")
    assert young.post(reverse("family:consent_answer", args=[accepted_case.pk]), {"answer": "gives"}).status_code == 302
    consent = active_consent(accepted_case)
    assert consent is not None and consent.young_person_answer == "gives"
