"""Approvals: where the municipality asks for it, a TSI plan, a TSI closure and a decision not to open an
investigation wait for the unit manager; returned with a comment, nothing takes effect; approved, the step does;
nobody approves their own step; only the parties see an approval; the choice is the organisation managers'."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.casework.approvals import actions as approvals
from kring.casework.models import (
    Approval,
    ApprovalSettings,
    ApprovalStatus,
    CaseStage,
    FollowUp,
    PlanVersion,
    ReportAssessment,
    ReportOfConcern,
    TsiCase,
)
from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions as tsi_actions
from kring.casework.workflow import WorkflowError
from kring.directory.models import Unit, User
from tests.casework.test_start_page import report_input, start_page, worklist
from tests.conftest import World, _staff, login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def plan_input() -> tsi_actions.PlanInput:
    follow_up = TODAY + dt.timedelta(days=30)
    return tsi_actions.PlanInput(TODAY, [{"text": "Läsa varje dag"}], [{"text": "Läxhjälp"}], follow_up, "Teamet")


def require(world: World, **steps: bool) -> None:
    ApprovalSettings.objects.update_or_create(municipality=world.municipality, defaults=steps)


@pytest.fixture
def team_manager(world: World, tsi_team: Unit) -> User:
    return _staff(world.municipality, tsi_team, "unit_manager", "chef.tsi@kommun.example")


@pytest.fixture
def social_manager(world: World) -> User:
    return _staff(world.municipality, world.social_services, "unit_manager", "chef.soc@kommun.example")


def test_without_the_setting_a_plan_takes_effect_at_once(consented_case: TsiCase, tsi_member: User) -> None:
    version = tsi_actions.agree_plan(by=tsi_member, case=consented_case, plan=plan_input())
    assert version.approval == ""
    assert FollowUp.objects.filter(case=consented_case).exists()
    assert not Approval.objects.exists()


def test_a_plan_waits_is_returned_with_a_comment_then_approved(
    client: Client, world: World, consented_case: TsiCase, tsi_member: User, team_manager: User
) -> None:
    require(world, tsi_plan=True)
    stage = consented_case.stage
    first = tsi_actions.agree_plan(by=tsi_member, case=consented_case, plan=plan_input())
    consented_case.refresh_from_db()
    assert first.approval == ApprovalStatus.PENDING and consented_case.stage == stage
    assert not FollowUp.objects.filter(case=consented_case).exists()
    assert tsi_actions.plan_on(consented_case, TODAY) is None

    work = worklist(start_page(client, team_manager))
    assert "Approve: The joint plan, version 1" in work
    approval = Approval.objects.get()
    login(client, team_manager)
    response = client.post(f"/approvals/{approval.pk}/return/", {"comment": ""}, **EN)
    assert "This field is required" in response.content.decode()
    client.post(f"/approvals/{approval.pk}/return/", {"comment": "Lägg till barnets egna ord i målen."})
    first.refresh_from_db()
    assert first.approval == ApprovalStatus.RETURNED
    assert "Returned: The joint plan, version 1" in worklist(start_page(client, tsi_member))

    second = tsi_actions.agree_plan(by=tsi_member, case=consented_case, plan=plan_input())
    approval = Approval.objects.get(plan=second)
    login(client, team_manager)
    assert client.post(f"/approvals/{approval.pk}/approve/").status_code == 302
    second.refresh_from_db()
    consented_case.refresh_from_db()
    assert second.approval == ApprovalStatus.APPROVED and consented_case.stage == CaseStage.FOLLOW_UP
    assert FollowUp.objects.filter(case=consented_case, due_on=second.next_follow_up).exists()
    assert tsi_actions.plan_on(consented_case, TODAY) == second
    writes = AuditEvent.objects.filter(target_type="approval", action="write").order_by("sequence")
    steps = list(writes.values_list("details__step", flat=True))
    assert steps == ["requested", "returned", "requested", "approved"]
    page = client.get(f"/cases/{consented_case.pk}/", **EN).content.decode()
    assert "Returned with a comment" in page and "Lägg till barnets egna ord i målen." in page


def test_a_closure_waits_for_approval_and_the_case_stays_open(
    client: Client, world: World, consented_case: TsiCase, tsi_member: User, team_manager: User
) -> None:
    require(world, tsi_closure=True)
    login(client, tsi_member)
    response = client.post(
        f"/cases/{consented_case.pk}/close/", {"reason": "goals_reached", "note": "Bra."}, follow=True, **EN
    )
    assert "The closure waits for the unit manager&#x27;s approval" in response.content.decode()
    consented_case.refresh_from_db()
    assert consented_case.is_open
    with pytest.raises(WorkflowError):
        tsi_actions.close_case(by=tsi_member, case=consented_case, reason="goals_reached")
    approvals.approve(by=team_manager, approval=Approval.objects.get())
    consented_case.refresh_from_db()
    assert not consented_case.is_open and consented_case.closure_reason == "goals_reached"


def test_a_decision_not_to_open_an_investigation_waits_for_the_unit_manager(
    world: World, principal: User, social_worker: User, social_manager: User
) -> None:
    require(world, report_not_opened=True)
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    report_actions.receive_report(by=social_worker, report=report)
    report_actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    result = report_actions.record_decision(by=social_worker, report=report, decision="not_opened", note="Ej.")
    assert isinstance(result, Approval)
    assert ReportAssessment.objects.get(report=report).decided_at is None
    opened = report_actions.file_report(by=principal, child=world.child, report=report_input())
    report_actions.receive_report(by=social_worker, report=opened)
    report_actions.record_protection_assessment(by=social_worker, report=opened, outcome="not_needed", note="")
    decided = report_actions.record_decision(by=social_worker, report=opened, decision="opened", note="Utreds.")
    assert isinstance(decided, ReportAssessment) and decided.decided_at is not None  # only "not opened" waits

    approvals.approve(by=social_manager, approval=result)
    assessment = ReportAssessment.objects.get(report=report)
    assert assessment.decision == "not_opened" and assessment.decision_note == "Ej."
    report_actions.give_feedback(by=social_worker, report=report, kind="not_opened")


def test_nobody_approves_their_own_step(
    world: World, consented_case: TsiCase, tsi_team: Unit, team_manager: User
) -> None:
    require(world, tsi_closure=True)
    approval = tsi_actions.close_case(by=team_manager, case=consented_case, reason="goals_reached")
    assert isinstance(approval, Approval)
    with pytest.raises(PermissionDenied):
        approvals.approve(by=team_manager, approval=approval)


def test_only_the_parties_see_an_approval(
    client: Client,
    world: World,
    consented_case: TsiCase,
    tsi_member: User,
    team_manager: User,
    teacher: User,
    principal: User,
    other_team_member: User,
    social_manager: User,
) -> None:
    require(world, tsi_plan=True)
    tsi_actions.agree_plan(by=tsi_member, case=consented_case, plan=plan_input())
    approval = Approval.objects.get()
    for person in (teacher, principal, other_team_member, social_manager):
        login(client, person)
        assert client.get(f"/approvals/{approval.pk}/").status_code == 404
        assert client.post(f"/approvals/{approval.pk}/approve/").status_code == 404
        assert "Approve:" not in worklist(start_page(client, person))
    login(client, tsi_member)
    assert client.get(f"/approvals/{approval.pk}/").status_code == 200
    assert client.post(f"/approvals/{approval.pk}/approve/").status_code == 403
    assert PlanVersion.objects.get().approval == ApprovalStatus.PENDING


def test_the_organisation_managers_choose_the_steps(client: Client, administrator: User, teacher: User) -> None:
    login(client, teacher)
    assert client.get("/approvals/settings/").status_code == 404
    login(client, administrator)
    assert client.get("/approvals/settings/").status_code == 200
    client.post("/approvals/settings/", {"tsi_plan": "on", "report_not_opened": "on"})
    chosen = ApprovalSettings.objects.get()
    assert (chosen.tsi_plan, chosen.tsi_closure, chosen.report_not_opened) == (True, False, True)
    assert AuditEvent.objects.filter(target_type="approval_settings", actor_id=administrator.pk).exists()


def test_the_report_page_lists_its_approvals_for_social_services_only(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    require(world, report_not_opened=True)
    report: ReportOfConcern = report_actions.file_report(by=principal, child=world.child, report=report_input())
    report_actions.receive_report(by=social_worker, report=report)
    report_actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    report_actions.record_decision(by=social_worker, report=report, decision="not_opened", note="Ej.")
    login(client, social_worker)
    assert "Waiting for approval" in client.get(f"/reports/{report.pk}/", **EN).content.decode()
    login(client, principal)
    page = client.get(f"/reports/{report.pk}/", **EN).content.decode()
    assert "approval" not in page.lower()
