"""TSI case pages: who sees what (404 and nothing for everyone outside the case), audit, bad input, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import CaseStage, TsiCase
from kring.casework.tsi import actions
from tests.casework.conftest import TODAY, consent_input
from tests.conftest import World, login
from tests.factories import ChildFactory, CustodyFactory, PlacementFactory

pytestmark = pytest.mark.django_db

GOAL = "Alva orkar gå till skolan varje dag"


@pytest.fixture
def planned_case(consented_case: TsiCase, tsi_member) -> TsiCase:  # type: ignore[no-untyped-def]
    actions.agree_plan(
        by=tsi_member,
        case=consented_case,
        plan=actions.PlanInput(
            TODAY,
            [{"text": GOAL, "child_words": "Jag vill"}],
            [{"text": "Möte", "responsible": "Mentor"}],
            TODAY + dt.timedelta(days=30),
            "Teamet",
        ),  # fmt: skip
    )
    return consented_case


ALLOWED = ["tsi_member", "principal", "kurator"]
REFUSED = ["teacher", "other_teacher", "social_worker", "police_officer", "outsider", "other_team_member"]


@pytest.mark.parametrize("persona", ALLOWED)
def test_case_page_for_the_team_and_the_requesting_school(
    client: Client, planned_case: TsiCase, request, persona: str
) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    login(client, user)

    response = client.get(f"/cases/{planned_case.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert GOAL in body
    assert "Du ser detta eftersom:" in body
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="tsi_case", actor_id=user.pk)
    assert event.child_id == planned_case.child_id
    assert event.basis_kind in ("case_team", "case_school")


@pytest.mark.parametrize("persona", REFUSED)
def test_case_page_refused_to_everyone_outside_the_case(
    client: Client, planned_case: TsiCase, request, persona: str
) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    login(client, user)

    page = client.get(f"/cases/{planned_case.pk}/")
    listing = client.get("/cases/")

    assert page.status_code == 404
    assert GOAL not in page.content.decode()
    assert "Testsson" not in listing.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.READ, target_type="tsi_case").exists()


def test_after_withdrawal_the_school_loses_the_plan_at_once(
    client: Client, planned_case: TsiCase, principal, tsi_member, guardians
) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    consent = actions.active_consent(planned_case)
    response = client.post(
        f"/cases/{planned_case.pk}/consent/{consent.pk}/withdraw/", {"guardian": guardians[0].pk, "note": "Nej"}
    )
    assert response.status_code == 302

    login(client, principal)
    body = client.get(f"/cases/{planned_case.pk}/").content.decode()

    assert GOAL not in body
    assert "Avslutat" in body or "Closed" in body
    assert client.get(f"/cases/{planned_case.pk}/plan/new/").status_code == 403


def test_principal_requests_help_through_the_form(client: Client, world: World, tsi_team, principal) -> None:  # type: ignore[no-untyped-def]
    login(client, principal)
    assert "Be TSI-teamet om hjälp" in client.get(f"/children/{world.child.pk}/").content.decode()

    response = client.post(
        f"/cases/request/{world.child.pk}/", {"team": tsi_team.pk, "reason": "Hög frånvaro.", "tried": ""}
    )

    case = TsiCase.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.stage == CaseStage.REQUESTED


def test_request_form_with_missing_reason_keeps_what_was_typed(
    client: Client, world: World, tsi_team, principal
) -> None:  # type: ignore[no-untyped-def]
    login(client, principal)
    response = client.post(
        f"/cases/request/{world.child.pk}/", {"team": tsi_team.pk, "reason": "", "tried": "Samtal hemma"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Samtal hemma" in body
    assert "error-summary" in body
    assert not TsiCase.objects.exists()


def test_teacher_cannot_request_help(client: Client, world: World, tsi_team, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    assert client.get(f"/cases/request/{world.child.pk}/").status_code == 404


def test_school_cannot_assess_its_own_request(client: Client, requested_case: TsiCase, principal) -> None:  # type: ignore[no-untyped-def]
    login(client, principal)
    response = client.post(f"/cases/{requested_case.pk}/assess/", {"decision": "accept", "note": "ja"})
    assert response.status_code == 403
    requested_case.refresh_from_db()
    assert requested_case.stage == CaseStage.REQUESTED


def test_consent_with_dates_in_the_wrong_order_explains_and_keeps_input(
    client: Client, accepted_case: TsiCase, tsi_member, guardians
) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    data = {
        "guardians": [g.pk for g in guardians],
        "parties": ["school"],
        "categories": ["plan"],
        "method": "verbal",
        "witness": "",
        "given_on": "2026-05-10",
        "valid_until": "2026-05-01",
        "child_agreement": "agrees",
        "child_view_note": "Alva sa ja",
    }
    swedish = client.post(f"/cases/{accepted_case.pk}/consent/", data).content.decode()
    english = client.post(
        f"/cases/{accepted_case.pk}/consent/", data, headers={"accept-language": "en"}
    ).content.decode()

    assert "The consent must end after it was given." in english
    assert "Verbal consent needs a named witness." in english
    assert 'value="2026-05-10"' in swedish
    assert "Alva sa ja" in swedish
    assert not accepted_case.consents.exists()


def test_consent_from_one_of_two_guardians_is_refused_in_the_form(
    client: Client, accepted_case: TsiCase, tsi_member, guardians
) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    data = {
        "guardians": [guardians[0].pk],
        "parties": ["school"],
        "categories": ["plan"],
        "method": "written",
        "given_on": TODAY.isoformat(),
        "valid_until": (TODAY + dt.timedelta(days=30)).isoformat(),
        "child_agreement": "agrees",
    }
    body = client.post(f"/cases/{accepted_case.pk}/consent/", data, headers={"accept-language": "en"}).content.decode()
    assert "Every guardian with custody must consent." in body


def test_outcome_rating_out_of_range_explains_and_keeps_input(
    client: Client, consented_case: TsiCase, tsi_member
) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    response = client.post(
        f"/cases/{consented_case.pk}/outcomes/new/",
        {"measured_on": TODAY.isoformat(), "occasion": "start", "attendance_percent": "85", "home_conflicts": "7"},
        headers={"accept-language": "en"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "less than or equal to 5" in body
    assert 'value="85"' in body
    assert not consented_case.outcomes.exists()


def test_plan_form_without_goals_explains(client: Client, consented_case: TsiCase, tsi_member) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    response = client.post(
        f"/cases/{consented_case.pk}/plan/new/",
        {"agreed_on": TODAY.isoformat(), "next_follow_up": TODAY.isoformat(), "overall_responsible": "Teamet"},
        headers={"accept-language": "en"},
    )
    assert "Write at least one goal." in response.content.decode()
    assert 'value="Teamet"' in response.content.decode()


def test_closing_without_a_reason_explains(client: Client, consented_case: TsiCase, tsi_member) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    response = client.post(f"/cases/{consented_case.pk}/close/", {"reason": "", "note": "klart"})
    assert response.status_code == 200
    assert "klart" in response.content.decode()
    consented_case.refresh_from_db()
    assert consented_case.closed_at is None


def test_work_list_queries_are_constant_with_ten_times_the_cases(
    client: Client, world: World, tsi_team, principal, tsi_member
) -> None:  # type: ignore[no-untyped-def]
    def add_cases(count: int) -> None:
        for _ in range(count):
            child = ChildFactory(municipality=world.municipality)
            PlacementFactory(child=child, unit=world.school)
            CustodyFactory(child=child)
            case = actions.request_tsi(by=principal, child=child, team=tsi_team, reason="Frånvaro")
            actions.assess_request(by=tsi_member, case=case, decision="accept", note="ok")
            actions.record_consent(by=tsi_member, case=case, given=consent_input(actions.custodial_guardians(child)))

    def measure() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/cases/")
        assert response.status_code == 200
        return len(context.captured_queries)

    login(client, tsi_member)
    client.get("/")
    add_cases(2)
    small = measure()
    add_cases(20)
    assert measure() == small


def test_case_page_shows_the_timeline_and_the_days_of_each_step(
    client: Client, planned_case: TsiCase, tsi_member
) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    body = client.get(f"/cases/{planned_case.pk}/", headers={"accept-language": "en"}).content.decode()
    assert "Timeline" in body
    assert "Plan version 1 agreed" in body
    assert "Consent given" in body
    assert "day 0" in body


def test_a_closed_case_is_never_overdue(client: Client, consented_case: TsiCase, tsi_member) -> None:  # type: ignore[no-untyped-def]
    from kring.casework.tsi.queries import work_list_for_user

    consented_case.follow_ups.create(due_on=TODAY - dt.timedelta(days=3))
    assert work_list_for_user(tsi_member).rows[0].overdue
    actions.close_case(by=tsi_member, case=consented_case, reason="moved")
    assert not work_list_for_user(tsi_member, include_closed=True).rows[0].overdue


def test_a_decline_advising_a_report_links_to_the_report_form(
    client: Client, requested_case: TsiCase, tsi_member, principal
) -> None:  # type: ignore[no-untyped-def]
    actions.assess_request(
        by=tsi_member, case=requested_case, decision="decline", note="Kan fara illa.", advice="report_of_concern"
    )
    login(client, principal)
    body = client.get(f"/cases/{requested_case.pk}/").content.decode()
    assert f'href="/reports/new/{requested_case.child_id}/"' in body
    assert client.get(f"/reports/new/{requested_case.child_id}/").status_code == 200
