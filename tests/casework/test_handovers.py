"""Handing a TSI case or a report over: it moves only when the receiver accepts, and the bases with it; the
receiver may decline with a reason, the sender may revoke; the pending handover shows on both start pages; only
the parties see it, and the receiver does not learn who the child is before accepting."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kring.access.models import AuditEvent
from kring.casework.handovers import actions
from kring.casework.models import Handover, HandoverStatus, ReportOfConcern, TsiCase
from kring.casework.reports import actions as report_actions
from kring.casework.reports.handover import offer_report
from kring.casework.tsi.handover import offer_case
from kring.casework.workflow import WorkflowError
from kring.directory.models import Unit, UnitKind, User
from tests.casework.test_start_page import report_input, start_page, worklist
from tests.conftest import World, _staff, login
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def colleague(world: World, tsi_team: Unit) -> User:
    return _staff(world.municipality, tsi_team, "tsi_team_member", "kollega.tsi@kommun.example")


@pytest.fixture
def other_team(other_team_member: User) -> Unit:
    return other_team_member.memberships.get().unit


def events(step: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type="handover", details__step=step))


def test_a_case_is_declined_offered_again_and_accepted_by_a_colleague(
    client: Client, accepted_case: TsiCase, tsi_member: User, colleague: User
) -> None:
    assert accepted_case.lead == tsi_member
    offer = offer_case(by=tsi_member, case=accepted_case, to_user=colleague, reason="Jag går på semester.")
    work = worklist(start_page(client, colleague))
    assert "Accept or decline a handover from Magneten" in work
    assert f"TSI case {accepted_case.pk}" in work
    assert "Waiting for" in worklist(start_page(client, tsi_member))

    login(client, colleague)
    response = client.post(f"/handovers/{offer.pk}/decline/", {"reason": ""}, **EN)
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(f"/handovers/{offer.pk}/decline/", {"reason": "Full caseload."})
    offer.refresh_from_db()
    assert offer.status == HandoverStatus.DECLINED and offer.answer_reason == "Full caseload."
    accepted_case.refresh_from_db()
    assert accepted_case.lead == tsi_member

    again = offer_case(by=tsi_member, case=accepted_case, to_user=colleague, reason="Nu har du plats.")
    assert client.post(f"/handovers/{again.pk}/accept/").status_code == 302
    accepted_case.refresh_from_db()
    assert accepted_case.lead == colleague and accepted_case.team.name == "Magneten"
    assert [len(events(step)) for step in ("offered", "declined", "accepted")] == [2, 1, 1]
    assert events("declined")[0].child_id is None  # the receiver's answer reads nothing of the child


def test_a_transfer_to_another_team_moves_the_bases_only_at_acceptance(
    client: Client, accepted_case: TsiCase, tsi_member: User, other_team_member: User, other_team: Unit
) -> None:
    offer = offer_case(by=tsi_member, case=accepted_case, to_unit=other_team, reason="Familjen har flyttat.")
    login(client, other_team_member)
    assert client.get(f"/cases/{accepted_case.pk}/").status_code == 404
    page = client.get(f"/handovers/{offer.pk}/", **EN).content.decode()
    assert f"TSI case {accepted_case.pk}" in page and "Familjen har flyttat." in page
    assert "Testsson" not in page
    login(client, tsi_member)
    assert client.get(f"/cases/{accepted_case.pk}/").status_code == 200

    actions.accept(by=other_team_member, handover=offer)
    accepted_case.refresh_from_db()
    assert accepted_case.team == other_team and accepted_case.lead == other_team_member
    login(client, other_team_member)
    assert client.get(f"/cases/{accepted_case.pk}/").status_code == 200
    login(client, tsi_member)
    assert client.get(f"/cases/{accepted_case.pk}/").status_code == 404
    accepted = events("accepted")[0]
    assert accepted.child_id == accepted_case.child_id and accepted.basis_kind


def test_the_sender_revokes_and_then_nobody_can_accept(
    client: Client, accepted_case: TsiCase, tsi_member: User, colleague: User
) -> None:
    offer = offer_case(by=tsi_member, case=accepted_case, to_user=colleague, reason="Byte.")
    login(client, tsi_member)
    assert client.post(f"/handovers/{offer.pk}/revoke/").status_code == 302
    with pytest.raises(WorkflowError):
        actions.accept(by=colleague, handover=offer)
    login(client, colleague)
    response = client.post(f"/handovers/{offer.pk}/accept/", follow=True, **EN)
    assert "already been answered" in response.content.decode()
    accepted_case.refresh_from_db()
    assert accepted_case.lead == tsi_member


def test_one_open_handover_at_a_time_and_only_the_lead_offers(
    accepted_case: TsiCase, tsi_member: User, colleague: User, other_team: Unit
) -> None:
    offer_case(by=tsi_member, case=accepted_case, to_user=colleague, reason="Byte.")
    with pytest.raises(WorkflowError):
        offer_case(by=tsi_member, case=accepted_case, to_unit=other_team, reason="Flytt.")
    with pytest.raises(PermissionDenied):
        offer_case(by=colleague, case=accepted_case, to_user=tsi_member, reason="Inte min att ge.")
    with pytest.raises(WorkflowError):
        offer_case(by=tsi_member, case=accepted_case, reason="Till vem?")


def test_nobody_else_sees_a_handover(
    client: Client,
    accepted_case: TsiCase,
    tsi_member: User,
    colleague: User,
    principal: User,
    outsider: User,
    other_team_member: User,
) -> None:
    offer = offer_case(by=tsi_member, case=accepted_case, to_user=colleague, reason="Byte.")
    for person in (principal, outsider, other_team_member):
        login(client, person)
        assert client.get(f"/handovers/{offer.pk}/").status_code == 404
        assert client.post(f"/handovers/{offer.pk}/accept/").status_code == 404
        assert "handover" not in worklist(start_page(client, person))
    login(client, tsi_member)
    assert client.post(f"/handovers/{offer.pk}/accept/").status_code == 403


def test_the_case_page_shows_the_pending_handover_and_the_offer_form_keeps_input(
    client: Client, accepted_case: TsiCase, tsi_member: User, colleague: User, other_team: Unit
) -> None:
    login(client, tsi_member)
    page = client.get(f"/cases/{accepted_case.pk}/", **EN).content.decode()
    assert f'href="/cases/{accepted_case.pk}/handover/"' in page
    both = {"to_user": colleague.pk, "to_unit": other_team.pk, "reason": "Två mottagare."}
    response = client.post(f"/cases/{accepted_case.pk}/handover/", both, **EN)
    assert "Choose either a colleague or another unit." in response.content.decode()
    assert "Två mottagare." in response.content.decode()
    client.post(f"/cases/{accepted_case.pk}/handover/", {"to_user": colleague.pk, "reason": "Semester."})
    page = client.get(f"/cases/{accepted_case.pk}/", **EN).content.decode()
    assert "Handover waiting" in page and "Offered to" in page
    assert Handover.objects.get().to_user == colleague


# --- reports ---------------------------------------------------------------------------------------------------


@pytest.fixture
def report(world: World, principal: User, social_worker: User) -> ReportOfConcern:
    return report_actions.file_report(by=principal, child=world.child, report=report_input())


@pytest.fixture
def other_unit_worker(world: World) -> User:
    unit = UnitFactory(
        organisation=world.social_services.organisation, name="Barn och unga Väster",
        kind=UnitKind.SOCIAL_SERVICES_UNIT, school_forms=[], grades=[],
    )  # fmt: skip
    return _staff(world.municipality, unit, "social_worker", "vaster@kommun.example")


def test_a_report_moves_to_another_unit_when_it_accepts(
    client: Client, report: ReportOfConcern, social_worker: User, other_unit_worker: User
) -> None:
    other_unit = other_unit_worker.memberships.get().unit
    offer = offer_report(by=social_worker, report=report, to_unit=other_unit, reason="Familjen bor i väster.")
    login(client, other_unit_worker)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert "Accept or decline a handover" in worklist(start_page(client, other_unit_worker))
    assert client.post(f"/handovers/{offer.pk}/accept/").status_code == 302
    report.refresh_from_db()
    assert report.receiving_unit == other_unit and report.handler == other_unit_worker
    login(client, other_unit_worker)
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    assert "Alva Testsson" in worklist(start_page(client, other_unit_worker))


def test_a_teacher_cannot_offer_a_report(client: Client, report: ReportOfConcern, teacher: User) -> None:
    login(client, teacher)
    assert client.get(f"/reports/{report.pk}/handover/").status_code == 404
