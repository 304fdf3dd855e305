"""The child's whole picture and chronology on the overview: each persona sees the concerns, reports, TSI cases
and investigations of absence they have a basis for, each with its basis, and nothing of the rest (not even that
it exists); an open TSI case replaces the request button; the chronology filters by source; constant queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kring.access.models import AuditEvent
from kring.casework.models import ConcernCategory, ReportOfConcern, TsiCase
from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions as tsi_actions
from kring.directory.models import Unit, User
from kring.schooldata.investigations import open_investigation
from tests.casework.test_start_page import concern_input, report_input
from tests.conftest import World, login
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def overview(client: Client, user: User, child_pk: int, query: str = "") -> str:
    login(client, user)
    response = client.get(f"/children/{child_pk}/{query}", **EN)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert found is not None, heading_id
    return found.group(0)


def picture(html: str) -> str:
    return section(html, "picture-heading")


def chronology(html: str) -> str:
    return section(html, "chronology-heading")


@pytest.fixture
def decided_report(world: World, principal: User, social_worker: User) -> ReportOfConcern:
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    report_actions.receive_report(by=social_worker, report=report)
    report_actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    report_actions.record_decision(by=social_worker, report=report, decision="opened", note="Utredning.")
    return report


def test_social_services_see_the_report_and_their_own_assessment(
    client: Client, world: World, decided_report: ReportOfConcern, social_worker: User
) -> None:
    html = overview(client, social_worker, world.child.pk)
    assert f"Report {decided_report.pk} from Ekskolan" in picture(html)
    assert "An investigation has been opened" in picture(html)
    events = chronology(html)
    assert "Report of concern filed by Ekskolan" in events
    assert "Protection assessment: No immediate need of protection" in events
    assert "Initial assessment decided" in events
    assert "Basis: report of concern" in events


def test_the_reporter_sees_the_report_and_the_feedback_never_the_assessment(
    client: Client, world: World, decided_report: ReportOfConcern, principal: User, social_worker: User
) -> None:
    html = overview(client, principal, world.child.pk)
    assert f"Report {decided_report.pk} from Ekskolan" in picture(html)
    assert "An investigation has been opened" not in html
    assert "Protection assessment" not in html
    report_actions.give_feedback(by=social_worker, report=decided_report, kind="opened")
    html = overview(client, principal, world.child.pk)
    assert "Feedback: An investigation has been opened" in picture(html)
    assert "Feedback to the reporter" in chronology(html)
    assert "Initial assessment decided" not in html


def test_a_teacher_of_the_school_sees_no_trace_of_a_report_or_a_concern_of_others(
    client: Client, world: World, decided_report: ReportOfConcern, kurator: User, teacher: User
) -> None:
    report_actions.record_concern(by=kurator, child=world.child, concern=concern_input(ConcernCategory.NEGLECT))
    html = overview(client, teacher, world.child.pk)
    assert "Nothing that you have a basis for." in picture(html)
    assert "No events that you have a basis for." in chronology(html)
    for trace in ("Report of concern", "Concern", "Neglect", f"Report {decided_report.pk}"):
        assert trace not in picture(html) + chronology(html)


def test_the_teacher_sees_their_own_concern_and_what_became_of_it(
    client: Client, world: World, teacher: User, principal: User
) -> None:
    concern = report_actions.record_concern(by=teacher, child=world.child, concern=concern_input())
    report_actions.triage_concern(by=principal, concern=concern, triage="no_action", note="")
    html = overview(client, teacher, world.child.pk)
    assert "Mental health, low mood, Ekskolan" in picture(html)
    assert "Closed: No further action" in picture(html)
    assert "Concern recorded at Ekskolan" in chronology(html)
    assert "Concern closed: No further action" in chronology(html)


def test_an_open_case_replaces_the_request_and_the_team_sees_its_records(
    client: Client, consented_case: TsiCase, world: World, principal: User, tsi_member: User
) -> None:
    html = overview(client, principal, world.child.pk)
    assert "Ask the TSI team for help" not in html
    assert f'href="/cases/{consented_case.pk}/"' in html
    assert "The open TSI case (Magneten: Analysis and planning)" in html
    events = chronology(overview(client, tsi_member, world.child.pk))
    assert "Request for help to the TSI team Magneten" in events
    assert "Consent given, valid until" in events


def test_another_team_sees_nothing_of_the_case(
    client: Client, consented_case: TsiCase, world: World, other_team_member: User
) -> None:
    login(client, other_team_member)
    assert client.get(f"/children/{world.child.pk}/").status_code == 404


def test_a_closed_case_leaves_the_request_button(
    client: Client, requested_case: TsiCase, world: World, principal: User, tsi_member: User
) -> None:
    tsi_actions.assess_request(
        by=tsi_member, case=requested_case, decision=tsi_actions.Decision.DECLINE, note="Inte TSI.", advice="other"
    )
    html = overview(client, principal, world.child.pk)
    assert "Ask the TSI team for help" in html
    assert "Declined" in picture(html)


def test_the_investigation_of_absence_is_in_the_picture_for_the_principal_only(
    client: Client, world: World, principal: User, teacher: User
) -> None:
    investigation = open_investigation(child=world.child, unit=world.school, by=principal)
    html = overview(client, principal, world.child.pk)
    assert f'href="/absence/investigations/{investigation.pk}/"' in picture(html)
    assert "Investigation of absence opened at Ekskolan" in chronology(html)
    assert "Investigation of absence" not in overview(client, teacher, world.child.pk)


def test_the_chronology_filters_by_source(
    client: Client, world: World, decided_report: ReportOfConcern, social_worker: User
) -> None:
    html = overview(client, social_worker, world.child.pk, "?source=school")
    events = chronology(html)
    assert "Report of concern filed by Ekskolan" in events
    assert "Protection assessment" not in events
    assert 'aria-current="true">School (1)' in events
    everything = chronology(overview(client, social_worker, world.child.pk, "?source=nonsense"))
    assert "Protection assessment" in everything


def test_the_overview_read_names_the_records_shown(
    client: Client, world: World, decided_report: ReportOfConcern, social_worker: User
) -> None:
    overview(client, social_worker, world.child.pk)
    event = AuditEvent.objects.filter(actor_id=social_worker.pk, target_type="child_overview").latest("sequence")
    assert event.details["records"] == [f"report_of_concern:{decided_report.pk}"]


def test_overview_queries_are_constant_with_ten_times_the_records(
    client: Client,
    world: World,
    teacher: User,
    principal: User,
    social_worker: User,
    tsi_team: Unit,
    tsi_member: User,
) -> None:
    case = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ofta borta.")
    tsi_actions.assess_request(by=tsi_member, case=case, decision=tsi_actions.Decision.ACCEPT, note="Ja.")

    def add_records(count: int) -> None:
        for _ in range(count):
            report_actions.record_concern(by=teacher, child=world.child, concern=concern_input())
            report = report_actions.file_report(by=principal, child=world.child, report=report_input())
            report_actions.receive_report(by=social_worker, report=report)

    def measure(user: User) -> int:
        login(client, user)
        client.get("/")
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/children/{world.child.pk}/").status_code == 200
        return len(context.captured_queries)

    people = (principal, social_worker, tsi_member)
    add_records(1)
    small = [measure(person) for person in people]
    add_records(10)
    assert [measure(person) for person in people] == small


def test_pupils_of_other_schools_stay_out(client: Client, world: World, principal: User, teacher: User) -> None:
    elsewhere = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=elsewhere, unit=world.other_school)
    login(client, principal)
    assert client.get(f"/children/{elsewhere.pk}/").status_code == 404
