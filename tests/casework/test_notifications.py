"""Notifications: an assignment, a handover to accept and its answer, an approval to give and its answer, feedback
received; in the app with an unread count beside the menu, by e-mail for those who want it; never the child's
name; only one's own."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from kring.casework.approvals import actions as approvals
from kring.casework.models import ApprovalSettings, Handover, TsiCase
from kring.casework.reports import actions as report_actions
from kring.casework.reports.assignment import assign_report
from kring.casework.tsi.handover import offer_case
from kring.directory.models import Notification, Unit, User
from kring.directory.notifications import notify, without_email
from tests.casework.test_start_page import report_input
from tests.conftest import World, _staff, committed, login

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def colleague(world: World) -> User:
    return _staff(world.municipality, world.social_services, "social_worker", "kollega@kommun.example")


@pytest.fixture
def unit_manager(world: World) -> User:
    return _staff(world.municipality, world.social_services, "unit_manager", "chef@kommun.example")


def page(client: Client, user: User) -> str:
    login(client, user)
    return client.get("/notifications/", **EN).content.decode()


def test_an_assignment_is_told_in_the_app_and_by_email_without_the_childs_name(
    client: Client, world: World, principal: User, social_worker: User, unit_manager: User, colleague: User
) -> None:
    report = committed(report_actions.file_report, by=principal, child=world.child, report=report_input())
    mail.outbox.clear()
    committed(assign_report, by=unit_manager, report=report, handler=colleague)
    html = page(client, colleague)
    assert f"Report of concern {report.pk} is assigned to you" in html
    assert "Testsson" not in html
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kollega@kommun.example"]
    assert "Testsson" not in mail.outbox[0].subject + mail.outbox[0].body
    assert f"/reports/{report.pk}/" in mail.outbox[0].body
    login(client, colleague)
    assert 'class="site-header__notifications"' in client.get("/").content.decode()


def test_opening_marks_read_and_leads_to_the_thing(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    notification = Notification.objects.get(user=social_worker)
    login(client, social_worker)
    assert ">1<" in client.get("/", **EN).content.decode().split('site-header__notifications"')[1][:200]
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_opens_anothers_notification(
    client: Client, world: World, principal: User, social_worker: User, teacher: User
) -> None:
    report_actions.file_report(by=principal, child=world.child, report=report_input())
    notification = Notification.objects.get(user=social_worker)
    login(client, teacher)
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert "Report of concern" not in page(client, teacher)


def test_the_email_can_be_turned_off(client: Client, world: World, principal: User, social_worker: User) -> None:
    login(client, social_worker)
    client.post("/notifications/", {"by_email": ""})
    social_worker.refresh_from_db()
    assert social_worker.notify_by_email is False
    mail.outbox.clear()
    committed(report_actions.file_report, by=principal, child=world.child, report=report_input())
    assert mail.outbox == []
    assert Notification.objects.filter(user=social_worker).exists()


def test_a_handover_and_its_answer(
    client: Client, accepted_case: TsiCase, tsi_member: User, tsi_team: Unit, world: World
) -> None:
    colleague = _staff(world.municipality, tsi_team, "tsi_team_member", "kollega.tsi@kommun.example")
    offer = offer_case(by=tsi_member, case=accepted_case, to_user=colleague, reason="Semester.")
    assert f"A handover of TSI case {accepted_case.pk} waits for your answer" in page(client, colleague)
    from kring.casework.handovers.actions import decline

    decline(by=colleague, handover=Handover.objects.get(pk=offer.pk), reason="Fullt.")
    assert f"Your handover of TSI case {accepted_case.pk} was declined" in page(client, tsi_member)


def test_an_approval_to_give_and_its_answer(
    client: Client, world: World, principal: User, social_worker: User, unit_manager: User
) -> None:
    ApprovalSettings.objects.create(municipality=world.municipality, report_not_opened=True)
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    report_actions.receive_report(by=social_worker, report=report)
    report_actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
    approval = report_actions.record_decision(by=social_worker, report=report, decision="not_opened", note="Ej.")
    assert f"A step in report of concern {report.pk} waits for your approval" in page(client, unit_manager)
    approvals.approve(by=unit_manager, approval=approval)
    assert f"Your step in report of concern {report.pk} was approved" in page(client, social_worker)
    report_actions.give_feedback(by=social_worker, report=report, kind="not_opened")
    assert f"Feedback on your report of concern {report.pk}" in page(client, principal)


def test_the_demo_notifies_in_the_app_only(world: World, principal: User, social_worker: User) -> None:
    mail.outbox.clear()
    with without_email():
        committed(report_actions.file_report, by=principal, child=world.child, report=report_input())
    assert mail.outbox == [] and Notification.objects.filter(user=social_worker).count() == 1


def test_the_notification_page_is_translated(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    login(client, social_worker)
    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert f"orosanmälan {report.pk}" in html.lower()


def test_a_notification_carries_its_readers_municipality_and_nobody_without_one_gets_any(
    world: World, principal: User, social_worker: User
) -> None:
    deployment_user = _staff(world.municipality, world.social_services, "social_worker", "drift@kring.example")
    deployment_user.municipality = None
    deployment_user.save(update_fields=["municipality"])

    rows = committed(notify, users=[social_worker, deployment_user], kind="assignment", url="/x/", number=1)

    assert [(row.user, row.municipality_id) for row in rows] == [(social_worker, world.municipality.pk)]
    assert not Notification.objects.filter(user=deployment_user).exists()
