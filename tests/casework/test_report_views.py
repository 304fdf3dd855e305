"""Social services' pages of a report of concern: the inbox, the report page and the steps. Who sees what (404 and
nothing in lists for everyone outside; the reporter sees the feedback and nothing else), audit, bad input, overdue
first, and constant query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import ReportAssessment, ReportFeedback, ReportOfConcern
from kring.casework.reports import actions
from kring.directory.models import UnitKind, User
from tests.conftest import World, _staff, login
from tests.factories import ChildFactory, PlacementFactory, UnitFactory

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
WHAT = "Alva berättar att det är bråk hemma varje kväll."
WORDS = "Jag vill inte gå hem."
PROTECTION_NOTE = "Samtal med Alva i skolan; ingen akut fara i dag."
DECISION_NOTE = "Utredning inleds enligt 11 kap 1 § SoL; pappan kallas."


def report_input(urgency: str = "normal") -> actions.ReportInput:
    return actions.ReportInput(
        what_happened=WHAT,
        when_and_where="I klassrummet, måndag, till mentor",
        guardians_informed=False,
        guardians_not_informed_why="Misstänkt våld i hemmet.",
        urgency=urgency,
        child_words=WORDS,
    )


@pytest.fixture
def other_social_worker(world: World) -> User:
    """A social worker in a unit that does not receive Ekskolan's reports and is no contact person."""
    unit = UnitFactory(
        organisation=world.social_services.organisation, name="Vuxenenheten", kind=UnitKind.SOCIAL_SERVICES_UNIT
    )
    return _staff(world.municipality, unit, "social_worker", "vuxen@kommun.example")


@pytest.fixture
def unit_manager(world: World) -> User:
    return _staff(world.municipality, world.social_services, "unit_manager", "enhetschef@kommun.example")


@pytest.fixture
def colleague(world: World) -> User:
    """Another teacher at Alva's school."""
    return _staff(world.municipality, world.school, "teacher", "kollega@kommun.example")


@pytest.fixture
def report(world: World, principal: User, social_worker: User) -> ReportOfConcern:
    return actions.file_report(by=principal, child=world.child, report=report_input())


@pytest.fixture
def decided(report: ReportOfConcern, social_worker: User) -> ReportOfConcern:
    actions.receive_report(by=social_worker, report=report)
    actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note=PROTECTION_NOTE)
    actions.record_decision(by=social_worker, report=report, decision="opened", note=DECISION_NOTE)
    return report


# --- the inbox ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["social_worker", "unit_manager"])
def test_inbox_lists_the_units_reports_with_child_reporter_and_clocks(
    client: Client, report: ReportOfConcern, request: pytest.FixtureRequest, persona: str
) -> None:
    login(client, request.getfixturevalue(persona))

    response = client.get("/reports/inbox/", headers=EN)

    assert response.status_code == 200
    body = response.content.decode()
    assert f"/reports/{report.pk}/" in body
    assert "Alva Testsson" in body and "Ekskolan" in body
    assert "Not received" in body and "due today" in body


@pytest.mark.parametrize("persona", ["teacher", "principal", "kurator", "police_officer", "outsider", "tsi_member"])
def test_inbox_is_404_without_the_permission_to_receive(
    client: Client, report: ReportOfConcern, request: pytest.FixtureRequest, persona: str
) -> None:
    login(client, request.getfixturevalue(persona))
    assert client.get("/reports/inbox/").status_code == 404


def test_inbox_of_another_social_services_unit_is_empty(
    client: Client, report: ReportOfConcern, other_social_worker: User
) -> None:
    login(client, other_social_worker)
    response = client.get("/reports/inbox/", headers=EN)
    assert response.status_code == 200
    assert "Alva" not in response.content.decode()
    assert f"/reports/{report.pk}/" not in response.content.decode()


def test_inbox_leaves_out_reports_the_social_worker_only_filed(
    client: Client, world: World, social_worker: User, other_social_worker: User
) -> None:
    filed = actions.file_report(by=other_social_worker, child=world.child, report=report_input())
    assert filed.receiving_unit == world.social_services
    login(client, other_social_worker)
    assert f"/reports/{filed.pk}/" not in client.get("/reports/inbox/").content.decode()


def test_inbox_filters_by_where_the_report_stands(
    client: Client, world: World, decided: ReportOfConcern, principal: User, social_worker: User
) -> None:
    fresh = actions.file_report(by=principal, child=world.child, report=report_input())
    login(client, social_worker)

    def listed(show: str) -> set[int]:
        body = client.get(f"/reports/inbox/?show={show}").content.decode()
        return {pk for pk in (decided.pk, fresh.pk) if f'href="/reports/{pk}/"' in body}

    assert listed("not_received") == {fresh.pk}
    assert listed("decided") == {decided.pk}
    assert listed("in_assessment") == set()
    assert listed("all") == {decided.pk, fresh.pk}
    assert listed("nonsense") == {decided.pk, fresh.pk}


def test_inbox_puts_overdue_reports_first_then_acute_then_newest(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False):
        late = actions.file_report(by=principal, child=world.child, report=report_input())
        actions.receive_report(by=social_worker, report=late)
        actions.record_protection_assessment(by=social_worker, report=late, outcome="not_needed", note="ok")
    with time_machine.travel(dt.datetime(2026, 11, 17, 9, tzinfo=dt.UTC), tick=False):
        acute = actions.file_report(by=principal, child=world.child, report=report_input("acute"))
        actions.receive_report(by=social_worker, report=acute)
    with time_machine.travel(dt.datetime(2026, 11, 17, 10, tzinfo=dt.UTC), tick=False):
        newest = actions.file_report(by=principal, child=world.child, report=report_input())
        actions.receive_report(by=social_worker, report=newest)
        actions.record_protection_assessment(by=social_worker, report=newest, outcome="not_needed", note="ok")
        login(client, social_worker)
        body = client.get("/reports/inbox/", headers=EN).content.decode()

    # The first report's decision was due 2026-11-16; the acute one's protection assessment is due today.
    order = sorted((late, acute, newest), key=lambda r: body.index(f'href="/reports/{r.pk}/"'))
    assert order == [late, acute, newest]
    first_row = body[body.index("<tbody>") : body.index(f'href="/reports/{acute.pk}/"')]
    assert 'class="row--flagged"' in first_row
    assert "overdue" in first_row and "1 day overdue" in first_row
    assert body.count('class="row--flagged"') == 1


def test_an_unreceived_report_from_yesterday_is_overdue(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC), tick=False):
        report = actions.file_report(by=principal, child=world.child, report=report_input())
    with time_machine.travel(dt.datetime(2026, 11, 21, 8, tzinfo=dt.UTC), tick=False):
        login(client, social_worker)
        body = client.get("/reports/inbox/", headers=EN).content.decode()
    assert f'href="/reports/{report.pk}/"' in body
    assert 'class="row--flagged"' in body and "1 day overdue" in body


def test_inbox_shows_a_page_at_a_time(
    client: Client, world: World, principal: User, social_worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kring.casework.reports.queries.INBOX_PAGE_SIZE", 2)
    reports = [actions.file_report(by=principal, child=world.child, report=report_input()) for _ in range(5)]
    login(client, social_worker)

    def listed(query: str) -> list[int]:
        body = client.get(f"/reports/inbox/{query}", headers=EN).content.decode()
        return [r.pk for r in reports if f'href="/reports/{r.pk}/"' in body]

    pages = [listed("?page=1"), listed("?page=2"), listed("?page=3")]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(pk for page in pages for pk in page) == sorted(r.pk for r in reports)
    assert listed("?page=9") == pages[2] and listed("?page=x") == pages[0]
    assert "Page 2 of 3" in client.get("/reports/inbox/?page=2", headers=EN).content.decode()


def test_inbox_queries_are_constant_with_ten_times_the_reports(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    def add_reports(count: int) -> None:
        for number in range(count):
            child = ChildFactory(municipality=world.municipality)
            PlacementFactory(child=child, unit=world.school)
            report = actions.file_report(by=principal, child=child, report=report_input())
            if number % 3:
                actions.receive_report(by=social_worker, report=report)
            if number % 3 == 2:
                actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="")
                actions.record_decision(by=social_worker, report=report, decision="not_opened", note="")
                actions.give_feedback(by=social_worker, report=report, kind="not_opened")

    def measure() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/reports/inbox/")
        assert response.status_code == 200
        return len(context.captured_queries)

    login(client, social_worker)
    client.get("/")
    add_reports(3)
    small = measure()
    add_reports(27)
    assert measure() == small


# --- the report page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["social_worker", "unit_manager"])
def test_the_receiving_unit_sees_the_report_and_the_assessment(
    client: Client, decided: ReportOfConcern, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)

    response = client.get(f"/reports/{decided.pk}/", headers=EN)

    assert response.status_code == 200
    body = response.content.decode()
    assert WHAT in body and WORDS in body and "Misstänkt våld i hemmet." in body
    assert "Social services' assessment" in body and DECISION_NOTE in body and PROTECTION_NOTE in body
    assert "rektor@kommun.example" in body  # the reporter is never anonymous
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="report_of_concern", actor_id=user.pk)
    assert event.child_id == decided.child_id
    assert event.basis_kind == "report_receiver"
    assert event.details == {"sections": ["report", "assessment", "feedback"]}


def test_the_reporter_sees_exactly_the_feedback_and_nothing_else_of_social_services_work(
    client: Client, decided: ReportOfConcern, principal: User, social_worker: User
) -> None:
    login(client, principal)
    before = client.get(f"/reports/{decided.pk}/", headers=EN).content.decode()
    actions.give_feedback(by=social_worker, report=decided, kind="opened")

    body = client.get(f"/reports/{decided.pk}/", headers=EN).content.decode()

    assert "No feedback yet." in before
    assert WHAT in body and "An investigation has been opened" in body
    for secret in (DECISION_NOTE, PROTECTION_NOTE, "No immediate need of protection", "Deadlines", "Received"):
        assert secret not in body, secret
    assert "socialsekreterare@kommun.example" not in body
    assert "Register as received" not in body
    event = AuditEvent.objects.filter(action=AuditAction.READ, actor_id=principal.pk).last()
    assert event is not None and event.basis_kind == "report_reporter"
    assert event.details == {"sections": ["report", "feedback"]}


def test_the_principal_who_did_not_file_sees_the_report_but_no_feedback(
    client: Client, world: World, decided: ReportOfConcern, kurator: User, social_worker: User
) -> None:
    actions.give_feedback(by=social_worker, report=decided, kind="opened")
    login(client, kurator)  # student health at Alva's school: reports from school reach them through the placement
    body = client.get(f"/reports/{decided.pk}/", headers=EN).content.decode()
    assert WHAT in body
    assert "An investigation has been opened" not in body and DECISION_NOTE not in body


@pytest.mark.parametrize(
    "persona", ["colleague", "other_teacher", "other_social_worker", "police_officer", "outsider", "tsi_member"]
)
def test_report_page_is_404_for_everyone_without_a_basis(
    client: Client, decided: ReportOfConcern, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(f"/reports/{decided.pk}/").status_code == 404
    for step in ("receive", "protection", "decision", "feedback"):
        assert client.post(f"/reports/{decided.pk}/{step}/", {"kind": "opened"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.READ, actor_id=user.pk).exists()


def test_police_see_their_own_report_and_its_feedback_only(
    client: Client, world: World, police_officer: User, social_worker: User
) -> None:
    filed = actions.file_report(by=police_officer, child=world.child, report=report_input())
    login(client, police_officer)
    assert client.get(f"/reports/{filed.pk}/").status_code == 200
    assert client.get(f"/reports/{filed.pk}/receive/").status_code == 403
    assert client.get("/reports/inbox/").status_code == 404


# --- the steps -----------------------------------------------------------------------------------------------------


def test_social_services_take_every_step_through_the_pages(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    login(client, social_worker)
    url = f"/reports/{report.pk}"

    assert client.post(f"{url}/receive/").status_code == 302
    assert client.post(f"{url}/protection/", {"outcome": "not_needed", "note": PROTECTION_NOTE}).status_code == 302
    assert client.post(f"{url}/decision/", {"decision": "already_open", "note": DECISION_NOTE}).status_code == 302
    form = client.get(f"{url}/feedback/", headers=EN).content.decode()
    assert re.search(r'value="already_open"[^>]*checked', form)  # prefilled with the decision
    assert client.post(f"{url}/feedback/", {"kind": "already_open"}).status_code == 302

    assessment = ReportAssessment.objects.get(report=report)
    assert assessment.protection_note == PROTECTION_NOTE and assessment.decision == "already_open"
    assert ReportFeedback.objects.get(report=report).kind == "already_open"
    writes = AuditEvent.objects.filter(action=AuditAction.WRITE, actor_id=social_worker.pk)
    assert writes.count() == 4


def test_the_feedback_can_say_it_would_be_inappropriate(
    client: Client, decided: ReportOfConcern, social_worker: User
) -> None:
    login(client, social_worker)
    assert client.post(f"/reports/{decided.pk}/feedback/", {"kind": "not_appropriate"}).status_code == 302
    assert ReportFeedback.objects.get(report=decided).kind == "not_appropriate"


def test_a_step_out_of_order_explains_and_keeps_what_was_typed(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    login(client, social_worker)
    actions.receive_report(by=social_worker, report=report)

    response = client.post(f"/reports/{report.pk}/decision/", {"decision": "opened", "note": DECISION_NOTE}, headers=EN)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Make the protection assessment first." in body
    assert DECISION_NOTE in body
    assert ReportAssessment.objects.get(report=report).decided_at is None


def test_feedback_that_contradicts_the_decision_is_refused(
    client: Client, decided: ReportOfConcern, social_worker: User
) -> None:
    login(client, social_worker)
    response = client.post(f"/reports/{decided.pk}/feedback/", {"kind": "not_opened"}, headers=EN)
    assert "The feedback must say what was decided." in response.content.decode()
    assert not ReportFeedback.objects.exists()


def test_a_protection_assessment_without_an_outcome_keeps_the_note(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    login(client, social_worker)
    actions.receive_report(by=social_worker, report=report)
    response = client.post(f"/reports/{report.pk}/protection/", {"note": PROTECTION_NOTE}, headers=EN)
    assert response.status_code == 200
    assert PROTECTION_NOTE in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_receiving_twice_is_explained(client: Client, report: ReportOfConcern, social_worker: User) -> None:
    login(client, social_worker)
    client.post(f"/reports/{report.pk}/receive/")
    response = client.post(f"/reports/{report.pk}/receive/", headers=EN)
    assert "The report has already been received." in response.content.decode()
    assert ReportAssessment.objects.filter(report=report).count() == 1


@pytest.mark.parametrize("step", ["receive", "protection", "decision", "feedback"])
def test_the_reporter_may_read_but_not_act(client: Client, report: ReportOfConcern, principal: User, step: str) -> None:
    login(client, principal)
    assert client.get(f"/reports/{report.pk}/{step}/").status_code == 403
    assert client.post(f"/reports/{report.pk}/{step}/", {"kind": "opened"}).status_code == 403
    assert not ReportAssessment.objects.exists()


def test_the_page_offers_the_next_step_only(client: Client, report: ReportOfConcern, social_worker: User) -> None:
    login(client, social_worker)
    body = client.get(f"/reports/{report.pk}/", headers=EN).content.decode()
    assert f"/reports/{report.pk}/receive/" in body
    assert f"/reports/{report.pk}/protection/" not in body
    actions.receive_report(by=social_worker, report=report)
    body = client.get(f"/reports/{report.pk}/", headers=EN).content.decode()
    assert f"/reports/{report.pk}/receive/" not in body
    assert f"/reports/{report.pk}/protection/" in body and "due today" in body


# --- every status is true; the clocks run from arrival (issue 12, 2.1 and section 3) ----------------------------


def test_status_report_is_sent_until_social_services_register_its_receipt(
    client: Client, report: ReportOfConcern, principal: User, social_worker: User
) -> None:
    login(client, principal)
    before = client.get("/reports/mine/").content.decode()
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Skickad, ännu inte mottagen av socialtjänsten" in before
    assert "Skickad, ännu inte mottagen av socialtjänsten" in page
    assert "Mottagen av socialtjänsten" not in before

    login(client, social_worker)
    basis_box = client.get(f"/reports/{report.pk}/").content.decode()
    assert "skickad till Barn och unga (mottagandet är inte registrerat ännu)" in basis_box
    assert "mottagen av Barn och unga" not in basis_box
    actions.receive_report(by=social_worker, report=report)
    assert "mottagen av Barn och unga" in client.get(f"/reports/{report.pk}/").content.decode()

    login(client, principal)
    after = client.get("/reports/mine/").content.decode()
    assert "Mottagen av socialtjänsten, ingen återkoppling ännu" in after


def test_clocks_run_from_arrival_and_an_extension_is_a_recorded_decision_with_its_reason(
    client: Client, report: ReportOfConcern, social_worker: User
) -> None:
    actions.receive_report(by=social_worker, report=report)
    login(client, social_worker)
    url = f"/reports/{report.pk}/extension/"
    new_date = report.decision_due + dt.timedelta(days=14)

    refused = client.post(url, {"until": new_date.isoformat(), "reason": ""}, headers={"accept-language": "en"})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    earlier = client.post(url, {"until": report.decision_due.isoformat(), "reason": "Tolk saknas"})
    assert earlier.status_code == 200
    report.refresh_from_db()
    assert report.decision_extended_at is None

    done = client.post(url, {"until": new_date.isoformat(), "reason": "Barnet är inlagt på sjukhus; tolk behövs."})

    assert done.status_code == 302
    report.refresh_from_db()
    assert report.decision_due == new_date and report.decision_extended_by == social_worker
    assert "tolk behövs" in report.decision_extension_reason
    event = AuditEvent.objects.filter(action=AuditAction.WRITE, details__step="extension").get()
    assert event.actor_id == social_worker.pk
    assert "tolk behövs" in client.get(f"/reports/{report.pk}/").content.decode()


def test_clocks_an_opened_investigation_is_due_four_months_after_its_opening(
    report: ReportOfConcern, social_worker: User
) -> None:
    from kring.casework.reports import deadlines

    actions.receive_report(by=social_worker, report=report)
    actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="Ok.")
    assessment = actions.record_decision(by=social_worker, report=report, decision="opened", note="Utreds.")

    assert assessment.investigation_due == deadlines.investigation_due(timezone.localdate(assessment.decided_at))
    assert deadlines.investigation_due(dt.date(2026, 10, 31)) == dt.date(2027, 2, 28)
    assert deadlines.investigation_due(dt.date(2027, 10, 31)) == dt.date(2028, 2, 29)
    assert deadlines.investigation_due(dt.date(2026, 11, 18)) == dt.date(2027, 3, 18)


def test_extension_refused_to_the_reporter(client: Client, report: ReportOfConcern, principal: User) -> None:
    login(client, principal)
    assert client.get(f"/reports/{report.pk}/extension/").status_code == 403


def test_unregistered_child_matching_is_refused_to_all_but_the_receivers(
    client: Client, report: ReportOfConcern, principal: User, other_social_worker: User, world: World
) -> None:
    login(client, principal)  # the reporter sees the report but may not act on it
    assert client.get(f"/reports/{report.pk}/match/").status_code == 403
    login(client, other_social_worker)  # no basis for the report at all
    response = client.get(f"/reports/{report.pk}/match/")
    assert response.status_code == 404 and world.child.last_name not in response.content.decode()
    assert client.post(f"/reports/{report.pk}/match/", {"identity_number": "20150310-9801"}).status_code == 404
