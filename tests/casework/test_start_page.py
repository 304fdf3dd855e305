"""The start page's "to do today": each persona sees the work waiting for them, most urgent first, linking to the
thing itself; nobody sees (or counts) what they have no basis for; the read is audited; queries are constant."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.casework.models import ConcernCategory, ReportOfConcern, Triage, TsiCase
from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions as tsi_actions
from kring.directory.models import Membership, Unit, UnitKind, User
from kring.directory.today import Priority, due_priority
from kring.schooldata.investigations import open_investigation
from kring.schooldata.models import AbsenceIndicator, AbsenceLevel
from tests.conftest import World, _staff, login
from tests.factories import ChildFactory, PlacementFactory, UnitFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate()


def report_input() -> report_actions.ReportInput:
    return report_actions.ReportInput(
        what_happened="Alva berättar att det är bråk hemma varje kväll.",
        when_and_where="I klassrummet, måndag, till mentor",
        guardians_informed=True,
        guardians_not_informed_why="",
        urgency="normal",
    )


def concern_input(category: str = ConcernCategory.WELLBEING) -> report_actions.ConcernInput:
    return report_actions.ConcernInput(
        category=category, observed="Ledsen och trött flera dagar.", observed_on=TODAY, observed_by="Mentor"
    )


def start_page(client: Client, user: User) -> str:
    login(client, user)
    response = client.get("/", **EN)
    assert response.status_code == 200
    return response.content.decode()


def worklist(html: str) -> str:
    found = re.search(r'<ol class="worklist">(.*?)</ol>', html, re.S)
    return found.group(1) if found else ""


def nav(html: str) -> str:
    found = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    assert found is not None
    return found.group(0)


@pytest.fixture
def other_social_worker(world: World) -> User:
    """A social worker of a unit that receives none of Ekskolan's reports, and no contact person."""
    unit = UnitFactory(
        organisation=world.social_services.organisation, name="Vuxenenheten", kind=UnitKind.SOCIAL_SERVICES_UNIT
    )
    return _staff(world.municipality, unit, "social_worker", "vuxen@kommun.example")


@pytest.fixture
def report(world: World, principal: User, social_worker: User) -> ReportOfConcern:
    return report_actions.file_report(by=principal, child=world.child, report=report_input())


# --- social services -----------------------------------------------------------------------------------------------


def test_a_report_due_today_is_on_the_social_workers_start_page_and_leads_to_it(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    html = start_page(client, social_worker)
    work = worklist(html)
    assert "Register the report as received and assess protection" in work
    assert "Alva Testsson" in work
    assert f'href="/reports/{report.pk}/"' in work
    assert "due today" in work
    assert 'class="nav-count"' in nav(html)  # "Reports received" shows 1 waiting
    assert ">1<" in nav(html)
    assert client.get(f"/reports/{report.pk}/").status_code == 200


def test_each_step_of_a_report_comes_up_when_it_is_due(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    report_actions.receive_report(by=social_worker, report=report)
    work = worklist(start_page(client, social_worker))
    assert "Protection assessment" in work and "due today" in work
    report_actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    assert "Protection assessment" not in worklist(start_page(client, social_worker))
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        work = worklist(start_page(client, social_worker))
        assert "Decide whether to open an investigation" in work
        assert "due in 4 days" in work


def test_a_social_worker_of_another_unit_sees_and_counts_nothing_of_it(
    client: Client, report: ReportOfConcern, other_social_worker: User
) -> None:
    html = start_page(client, other_social_worker)
    assert "Testsson" not in html
    assert worklist(html) == ""
    assert "nav-count" not in nav(html)
    assert "Nothing is waiting for you today." in html


def test_the_reporter_sees_the_feedback_and_nothing_of_the_assessment(
    client: Client, report: ReportOfConcern, principal: User, social_worker: User
) -> None:
    report_actions.receive_report(by=social_worker, report=report)
    report_actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    report_actions.record_decision(by=social_worker, report=report, decision="opened", note="Utredning.")
    report_actions.give_feedback(by=social_worker, report=report, kind="opened")
    work = worklist(start_page(client, principal))
    assert "Feedback on your report" in work
    assert f"Report {report.pk} of" in work
    assert "Utredning." not in work


def test_a_consultation_waits_for_the_contact_persons_answer(
    client: Client, world: World, kurator: User, social_worker: User, other_social_worker: User
) -> None:
    consultation = report_actions.ask_consultation(
        by=kurator, school=world.school, age_band="10-12", question="Ett barn berättar om bråk hemma. Anmäla?"
    )
    work = worklist(start_page(client, social_worker))
    assert "Answer a consultation" in work
    assert f'href="/consultations/{consultation.pk}/"' in work
    assert "Answer a consultation" not in worklist(start_page(client, other_social_worker))


# --- the school ----------------------------------------------------------------------------------------------------


def test_a_concern_goes_to_the_principal_and_its_decision_back_to_the_teacher(
    client: Client, world: World, teacher: User, principal: User, other_teacher: User
) -> None:
    concern = report_actions.record_concern(by=teacher, child=world.child, concern=concern_input())
    html = start_page(client, principal)
    assert "Decide what happens with a concern" in worklist(html)
    assert f'href="/concerns/{concern.pk}/"' in worklist(html)
    assert ">1<" in nav(html)
    assert "waiting for the principal or student health to decide" in worklist(start_page(client, teacher))
    assert "Testsson" not in start_page(client, other_teacher)

    report_actions.triage_concern(by=principal, concern=concern, triage=Triage.STUDENT_HEALTH, note="")
    assert "decided: Handled within student health" in worklist(start_page(client, teacher))
    assert "Decide what happens with a concern" not in worklist(start_page(client, principal))


def test_a_concern_suggesting_harm_comes_before_the_others(
    client: Client, world: World, teacher: User, principal: User
) -> None:
    pupil = ChildFactory(municipality=world.municipality, first_name="Bo", last_name="Tidigare")
    PlacementFactory(child=pupil, unit=world.school)
    report_actions.record_concern(by=teacher, child=pupil, concern=concern_input())
    report_actions.record_concern(by=teacher, child=world.child, concern=concern_input(ConcernCategory.VIOLENCE))
    work = worklist(start_page(client, principal))
    assert work.index("Alva Testsson") < work.index("Bo Tidigare")


def test_absence_over_a_threshold_is_work_until_an_investigation_is_opened(
    client: Client, world: World, principal: User, teacher: User
) -> None:
    AbsenceIndicator.objects.create(
        municipality=world.municipality, child=world.child, unit=world.school, computed_on=TODAY,
        level=AbsenceLevel.HIGH, term_percent=24.0, reasons=["term"],
    )  # fmt: skip
    work = worklist(start_page(client, principal))
    assert "Absence over the threshold (High): nothing started yet" in work
    assert "24 % this term" in work
    assert "Testsson" not in start_page(client, teacher)

    investigation = open_investigation(child=world.child, unit=world.school, by=principal)
    work = worklist(start_page(client, principal))
    assert "nothing started yet" not in work
    assert "Investigation of absence open" in work
    assert f'href="/absence/investigations/{investigation.pk}/"' in work


# --- the TSI team --------------------------------------------------------------------------------------------------


def test_a_request_goes_to_the_team_and_its_answer_back_to_the_school(
    client: Client, world: World, tsi_team: Unit, principal: User, tsi_member: User, other_team_member: User
) -> None:
    case = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ofta borta.")
    html = start_page(client, tsi_member)
    assert "Assess a request for help" in worklist(html)
    assert f'href="/cases/{case.pk}/"' in worklist(html)
    assert ">1<" in nav(html)
    assert "Testsson" not in start_page(client, other_team_member)
    assert "Your request waits for the team&#x27;s answer" in worklist(start_page(client, principal))

    tsi_actions.assess_request(by=tsi_member, case=case, decision=tsi_actions.Decision.MORE_INFO, note="Mer?")
    assert "The team asks for more information" in worklist(start_page(client, principal))
    assert "Assess a request for help" not in worklist(start_page(client, tsi_member))


def test_a_follow_up_due_and_a_plan_without_one(client: Client, consented_case: TsiCase, tsi_member: User) -> None:
    from kring.casework.models import FollowUp, PlanVersion

    PlanVersion.objects.create(
        municipality=consented_case.municipality, case=consented_case, number=1, agreed_on=TODAY,
        next_follow_up=TODAY, overall_responsible="Mentor",
        recorded_by=tsi_member, recorded_at=timezone.now(),
    )  # fmt: skip
    TsiCase.objects.filter(pk=consented_case.pk).update(stage="active")
    assert "Book the next follow-up of the plan" in worklist(start_page(client, tsi_member))
    FollowUp.objects.create(
        municipality_id=consented_case.municipality_id, case=consented_case, due_on=TODAY - dt.timedelta(days=2)
    )
    work = worklist(start_page(client, tsi_member))
    assert "Book the next follow-up of the plan" not in work
    assert "Follow up the plan" in work and "2 days overdue" in work


def test_the_teams_unit_manager_sees_open_cases_per_case_lead(
    client: Client, world: World, accepted_case: TsiCase, tsi_team: Unit, tsi_member: User, other_team_member: User
) -> None:
    from kring.casework.models import FollowUp

    manager = _staff(world.municipality, tsi_team, "unit_manager", "chef.tsi@kommun.example")
    FollowUp.objects.create(
        municipality_id=accepted_case.municipality_id, case=accepted_case, due_on=TODAY - dt.timedelta(days=3)
    )
    work = worklist(start_page(client, manager))
    assert "Open TSI cases: 1, with a follow-up overdue: 1" in work
    assert tsi_member.get_full_name() in work
    assert "Open TSI cases" not in worklist(start_page(client, other_team_member))


# --- the organisation ----------------------------------------------------------------------------------------------


def test_a_role_waiting_for_approval_is_the_other_managers_work(
    client: Client, world: World, administrator: User, teacher: User
) -> None:
    coordinator = _staff(world.municipality, world.school, "coordinator", "samordnare@kommun.example")
    Membership.objects.create(
        user=teacher, unit=world.school, role="mentor", active=False, awaiting_approval=True,
        requested_by=coordinator, requested_at=timezone.now(),
    )  # fmt: skip
    assert "Approve or decline a role: Mentor" in worklist(start_page(client, administrator))
    assert "Approve or decline a role" not in worklist(start_page(client, coordinator))


# --- order, audit and size -----------------------------------------------------------------------------------------


def test_urgency_orders_overdue_before_today_before_soon() -> None:
    assert due_priority(TODAY - dt.timedelta(days=1), TODAY) == Priority.OVERDUE
    assert due_priority(TODAY, TODAY) == Priority.TODAY
    assert due_priority(TODAY + dt.timedelta(days=7), TODAY) == Priority.SOON
    assert due_priority(TODAY + dt.timedelta(days=8), TODAY) == Priority.TO_DO


def test_the_start_page_is_audited_with_the_children_it_shows(
    client: Client, world: World, report: ReportOfConcern, social_worker: User
) -> None:
    start_page(client, social_worker)
    event = AuditEvent.objects.filter(actor_id=social_worker.pk, target_type="start_page").get()
    assert event.details["children"] == [world.child.pk]


def test_nothing_to_do_is_said_and_writes_no_read(client: Client, teacher: User) -> None:
    assert "Nothing is waiting for you today." in start_page(client, teacher)
    assert not AuditEvent.objects.filter(actor_id=teacher.pk, target_type="start_page").exists()


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context.captured_queries)


def test_start_page_queries_are_constant_with_ten_times_the_work(
    client: Client,
    world: World,
    teacher: User,
    principal: User,
    social_worker: User,
    tsi_team: Unit,
    tsi_member: User,
    police_officer: User,
    administrator: User,
) -> None:
    unit_manager = _staff(world.municipality, world.social_services, "unit_manager", "chef@kommun.example")
    team_manager = _staff(world.municipality, tsi_team, "unit_manager", "chef.tsi@kommun.example")

    def add_work(count: int) -> None:
        for _ in range(count):
            child = ChildFactory(municipality=world.municipality)
            PlacementFactory(child=child, unit=world.school)
            report_actions.record_concern(by=teacher, child=child, concern=concern_input())
            report_actions.file_report(by=principal, child=child, report=report_input())
            case = tsi_actions.request_tsi(by=principal, child=child, team=tsi_team, reason="Ofta borta.")
            tsi_actions.assess_request(by=tsi_member, case=case, decision=tsi_actions.Decision.ACCEPT, note="Ja.")
            police_report = report_actions.file_report(by=police_officer, child=child, report=report_input())
            report_actions.receive_report(by=social_worker, report=police_report)
            AbsenceIndicator.objects.create(
                municipality=world.municipality, child=child, unit=world.school, computed_on=TODAY,
                level=AbsenceLevel.SIGNAL, term_percent=12.0,
            )  # fmt: skip

    people = (teacher, principal, social_worker, tsi_member, unit_manager, team_manager, police_officer, administrator)
    add_work(2)
    small = {}
    for person in people:
        login(client, person)
        client.get("/")
        small[person.email] = _queries(client)
    add_work(20)
    for person in people:
        login(client, person)
        client.get("/")
        assert _queries(client) == small[person.email], person.email
