"""A report's handling officer: by default the school's contact person in the receiving unit; the unit manager
assigns and reassigns; the start pages follow the assignment; nobody else may assign."""

from __future__ import annotations

import pytest
from django.test import Client

from kring.access.models import AuditEvent
from kring.casework.models import ReportOfConcern
from kring.casework.reports import actions as report_actions
from kring.casework.reports.assignment import assign_report
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from tests.casework.test_start_page import report_input, start_page, worklist
from tests.conftest import World, _staff, login
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def unit_manager(world: World) -> User:
    return _staff(world.municipality, world.social_services, "unit_manager", "enhetschef@kommun.example")


@pytest.fixture
def colleague(world: World) -> User:
    """Another social worker of the receiving unit, no contact person."""
    return _staff(world.municipality, world.social_services, "social_worker", "kollega@kommun.example")


@pytest.fixture
def report(world: World, principal: User, social_worker: User) -> ReportOfConcern:
    return report_actions.file_report(by=principal, child=world.child, report=report_input())


def test_the_schools_contact_person_handles_the_report_by_default(report: ReportOfConcern, social_worker: User) -> None:
    assert report.handler == social_worker
    event = AuditEvent.objects.filter(target_type="reportofconcern", target_id=str(report.pk)).get()
    assert event.details["handler"] == social_worker.pk


def test_a_school_without_a_contact_person_leaves_the_report_to_the_unit_manager(
    client: Client, world: World, principal: User, social_worker: User, unit_manager: User, colleague: User
) -> None:
    other_pupil = ChildFactory(municipality=world.municipality, first_name="Bo", last_name="Utan")
    PlacementFactory(child=other_pupil, unit=world.other_school)
    principal_there = _staff(world.municipality, world.other_school, "principal", "rektor2@kommun.example")
    report = report_actions.file_report(by=principal_there, child=other_pupil, report=report_input())
    assert report.handler is None
    work = worklist(start_page(client, unit_manager))
    assert "Assign a handling officer" in work
    assert f'href="/reports/{report.pk}/assign/"' in work
    assert "Bo Utan" in worklist(start_page(client, colleague))  # unassigned: every social worker of the unit


def test_the_unit_manager_reassigns_and_the_start_pages_follow(
    client: Client, report: ReportOfConcern, social_worker: User, unit_manager: User, colleague: User
) -> None:
    assert "Alva Testsson" not in worklist(start_page(client, colleague))
    login(client, unit_manager)
    response = client.post(f"/reports/{report.pk}/assign/", {"handler": colleague.pk}, **EN)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.handler == colleague
    event = AuditEvent.objects.filter(target_type="reportofconcern", details__step="assigned").get()
    assert event.details == {"step": "assigned", "handler": colleague.pk, "previous": social_worker.pk}
    assert "Alva Testsson" in worklist(start_page(client, colleague))
    work = worklist(start_page(client, unit_manager))
    assert "Open reports: 1, of which overdue: 0" in work


def test_only_the_unit_manager_may_assign(
    client: Client, report: ReportOfConcern, social_worker: User, colleague: User, teacher: User
) -> None:
    login(client, social_worker)
    assert client.get(f"/reports/{report.pk}/assign/").status_code == 403
    assert client.post(f"/reports/{report.pk}/assign/", {"handler": colleague.pk}).status_code == 403
    login(client, teacher)
    assert client.get(f"/reports/{report.pk}/assign/").status_code == 404
    report.refresh_from_db()
    assert report.handler == social_worker


def test_the_handler_must_work_in_the_receiving_unit(
    client: Client, report: ReportOfConcern, unit_manager: User, teacher: User
) -> None:
    with pytest.raises(WorkflowError):
        assign_report(by=unit_manager, report=report, handler=teacher)
    login(client, unit_manager)
    response = client.post(f"/reports/{report.pk}/assign/", {"handler": teacher.pk}, **EN)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_inbox_shows_the_handler_and_filters_mine(
    client: Client, report: ReportOfConcern, social_worker: User, colleague: User
) -> None:
    login(client, colleague)
    page = client.get("/reports/inbox/", **EN).content.decode()
    assert "Handled by" in page and "Alva Testsson" in page
    assert "Alva Testsson" not in client.get("/reports/inbox/?mine=1", **EN).content.decode()
    login(client, social_worker)
    assert "Alva Testsson" in client.get("/reports/inbox/?mine=1", **EN).content.decode()
