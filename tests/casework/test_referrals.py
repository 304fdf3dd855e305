"""Referral out of a TSI case (to a social services investigation, to health care for a SIP): the receiving unit
records its receipt; nothing moves, and the receiver learns nothing of the child from the referral itself."""

from __future__ import annotations

import pytest
from django.test import Client

from kring.casework.handovers import actions
from kring.casework.models import HandoverStatus, TsiCase
from kring.casework.tsi.handover import offer_case, refer_case
from kring.casework.workflow import WorkflowError
from kring.directory.models import OrganisationKind, Unit, User
from tests.casework.test_start_page import start_page, worklist
from tests.conftest import World, _staff, login
from tests.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def bup_worker(world: World) -> User:
    region = OrganisationFactory(municipality=world.municipality, name="Region Test", kind=OrganisationKind.HEALTH_CARE)
    bup = UnitFactory(organisation=region, name="BUP Test", kind="other", school_forms=[], grades=[])
    return _staff(world.municipality, bup, "coordinator", "bup@region.example")


def test_a_referral_to_social_services_is_received_and_nothing_moves(
    client: Client, world: World, accepted_case: TsiCase, tsi_member: User, social_worker: User
) -> None:
    referral = refer_case(
        by=tsi_member, case=accepted_case, to_unit=world.social_services, purpose="investigation",
        reason="Oro för våld i hemmet framkom i samtal; teamet anmäler och ber om utredning.",
    )  # fmt: skip
    work = worklist(start_page(client, social_worker))
    assert "Record the receipt of a referral from Magneten" in work
    login(client, social_worker)
    page = client.get(f"/handovers/{referral.pk}/", **EN).content.decode()
    assert "Referral of TSI case" in page and "To a social services investigation" in page and "Testsson" not in page
    assert client.post(f"/handovers/{referral.pk}/accept/").status_code == 302
    referral.refresh_from_db()
    accepted_case.refresh_from_db()
    assert referral.status == HandoverStatus.ACCEPTED
    assert accepted_case.team.name == "Magneten" and accepted_case.lead == tsi_member
    assert client.get(f"/cases/{accepted_case.pk}/").status_code == 404
    login(client, tsi_member)
    assert (
        f"Your referral of TSI case {accepted_case.pk} was received"
        in client.get("/notifications/", **EN).content.decode()
    )
    case_page = client.get(f"/cases/{accepted_case.pk}/", **EN).content.decode()
    assert "Referrals out of the case" in case_page and "Received" in case_page


def test_a_sip_referral_goes_to_health_care_only(
    client: Client, world: World, accepted_case: TsiCase, tsi_member: User, bup_worker: User
) -> None:
    bup = bup_worker.memberships.get().unit
    with pytest.raises(WorkflowError):
        refer_case(by=tsi_member, case=accepted_case, to_unit=world.social_services, purpose="sip", reason="SIP.")
    with pytest.raises(WorkflowError):
        refer_case(by=tsi_member, case=accepted_case, to_unit=bup, purpose="investigation", reason="Utredning.")
    referral = refer_case(by=tsi_member, case=accepted_case, to_unit=bup, purpose="sip", reason="SIP behövs.")
    actions.accept(by=bup_worker, handover=referral)
    referral.refresh_from_db()
    assert referral.status == HandoverStatus.ACCEPTED


def test_a_referral_does_not_block_a_handover_and_others_see_nothing(
    client: Client, world: World, accepted_case: TsiCase, tsi_member: User, tsi_team: Unit, teacher: User
) -> None:
    colleague = _staff(world.municipality, tsi_team, "tsi_team_member", "kollega.tsi@kommun.example")
    referral = refer_case(
        by=tsi_member, case=accepted_case, to_unit=world.social_services, purpose="investigation", reason="Anmälan."
    )
    offer_case(by=tsi_member, case=accepted_case, to_user=colleague, reason="Semester.")
    login(client, teacher)
    assert client.get(f"/handovers/{referral.pk}/").status_code == 404


def test_the_referral_form_keeps_what_was_typed(
    client: Client, world: World, accepted_case: TsiCase, tsi_member: User
) -> None:
    login(client, tsi_member)
    response = client.post(
        f"/cases/{accepted_case.pk}/referral/",
        {"purpose": "sip", "to_unit": world.social_services.pk, "reason": "Behöver SIP med BUP."},
        **EN,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Refer to a social services unit" in body and "Behöver SIP med BUP." in body
