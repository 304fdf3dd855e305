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
from kring.casework.workflow import WorkflowError
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
        f"/cases/{planned_case.pk}/consent/{consent.pk}/withdraw/", {"who": guardians[0].pk, "note": "Nej"}
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
        **_answers(guardians, given_on="2026-05-10", method="verbal"),
        "parties": ["school"],
        "categories": ["plan"],
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


def _answers(guardians, *, given_on: str, method: str = "written", answers: dict | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    data: dict[str, object] = {}
    for guardian in guardians:
        data[f"answer_{guardian.pk}"] = (answers or {}).get(guardian.pk, "gives")
        data[f"given_on_{guardian.pk}"] = given_on
        data[f"method_{guardian.pk}"] = method
        data[f"witness_{guardian.pk}"] = ""
    return data


def test_consent_needs_an_answer_from_each_guardian_in_the_form(
    client: Client, accepted_case: TsiCase, tsi_member, guardians
) -> None:  # type: ignore[no-untyped-def]
    login(client, tsi_member)
    data = {
        **_answers(guardians, given_on=TODAY.isoformat()),
        "parties": ["school"],
        "categories": ["plan"],
        "valid_until": (TODAY + dt.timedelta(days=30)).isoformat(),
        "child_agreement": "agrees",
    }
    del data[f"answer_{guardians[1].pk}"]
    body = client.post(f"/cases/{accepted_case.pk}/consent/", data, headers={"accept-language": "en"}).content.decode()
    assert "This field is required." in body
    assert not accepted_case.consents.exists()


def test_consent_one_dated_act_per_guardian_and_guardians_who_disagree_give_no_consent(
    client: Client, accepted_case: TsiCase, tsi_member, guardians, principal
) -> None:  # type: ignore[no-untyped-def]
    from kring.casework.models import PlanVersion, Story
    from kring.casework.tsi.basis import active_consent

    login(client, tsi_member)
    data = {
        **_answers(guardians, given_on=TODAY.isoformat(), answers={guardians[1].pk: "refuses"}),
        f"given_on_{guardians[0].pk}": (TODAY - dt.timedelta(days=2)).isoformat(),
        "parties": ["school", "student_health"],
        "categories": ["plan", "story"],
        "share_with": ["school"],
        "share_categories": ["plan"],
        "valid_until": (TODAY + dt.timedelta(days=30)).isoformat(),
        "child_agreement": "agrees",
        "young_person": "gives" if actions.age_on(accepted_case.child, TODAY) >= 15 else "",
    }
    response = client.post(f"/cases/{accepted_case.pk}/consent/", data)

    assert response.status_code == 302
    consent = accepted_case.consents.get()
    assert consent.guardians_disagree and active_consent(accepted_case) is None
    acts = {giver.guardian_id: (giver.answer, giver.given_on) for giver in consent.givers.all()}
    assert acts == {guardians[0].pk: ("gives", TODAY - dt.timedelta(days=2)), guardians[1].pk: ("refuses", TODAY)}
    accepted_case.refresh_from_db()
    assert accepted_case.stage == "information"
    with pytest.raises(WorkflowError):
        actions.record_story(
            by=tsi_member, case=accepted_case, teller="guardians", told_by="M", told_on=TODAY, text="x"
        )
    assert Story.objects.count() == PlanVersion.objects.count() == 0
    page = client.get(f"/cases/{accepted_case.pk}/", headers={"accept-language": "en"}).content.decode()
    assert "The guardians disagree: there is no consent" in page


def test_consent_from_15_needs_the_young_persons_own_consent(accepted_case: TsiCase, tsi_member, guardians) -> None:  # type: ignore[no-untyped-def]
    child = accepted_case.child
    child.birth_date = dt.date(TODAY.year - 16, 1, 1)  # 15 or 16 on any day of the year, 29 February too
    child.save(update_fields=["birth_date"])
    with pytest.raises(WorkflowError) as missing:
        actions.record_consent(by=tsi_member, case=accepted_case, given=consent_input(guardians, young_person=""))
    assert missing.value.code == "young_person"

    refused = actions.record_consent(
        by=tsi_member, case=accepted_case, given=consent_input(guardians, young_person="refuses")
    )
    assert refused.is_refused and actions.active_consent(accepted_case) is None
    given = actions.record_consent(
        by=tsi_member, case=accepted_case, given=consent_input(guardians, young_person="gives")
    )
    assert actions.active_consent(accepted_case) == given


def test_consent_the_young_person_withdraws_and_the_principal_records_it(
    client: Client, accepted_case: TsiCase, tsi_member, guardians, principal
) -> None:  # type: ignore[no-untyped-def]
    child = accepted_case.child
    child.birth_date = dt.date(TODAY.year - 16, 1, 1)
    child.save(update_fields=["birth_date"])
    consent = actions.record_consent(
        by=tsi_member, case=accepted_case, given=consent_input(guardians, young_person="gives")
    )
    login(client, principal)
    page = client.get(f"/cases/{accepted_case.pk}/", headers={"accept-language": "en"}).content.decode()
    assert "Record a withdrawal of the consent" in page

    response = client.post(
        f"/cases/{accepted_case.pk}/consent/{consent.pk}/withdraw/",
        {"who": "young_person", "note": "Eleven sa det till rektor idag."},
    )

    assert response.status_code == 302
    consent.refresh_from_db()
    accepted_case.refresh_from_db()
    assert consent.withdrawn_by_young_person and consent.withdrawal_recorded_by == principal
    assert accepted_case.stage == "closed" and actions.active_consent(accepted_case) is None


def test_consent_withdrawal_refused_to_staff_outside_the_case_and_the_school(
    client: Client, consented_case: TsiCase, teacher, other_team_member
) -> None:  # type: ignore[no-untyped-def]
    consent = actions.active_consent(consented_case)
    for person in (teacher, other_team_member):
        login(client, person)
        response = client.post(f"/cases/{consented_case.pk}/consent/{consent.pk}/withdraw/", {"who": "young_person"})
        assert response.status_code == 404
    assert actions.active_consent(consented_case) == consent


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

    consented_case.follow_ups.create(
        municipality_id=consented_case.municipality_id, due_on=TODAY - dt.timedelta(days=3)
    )
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


def test_consent_a_schools_contact_person_records_a_withdrawal_they_were_told_of(
    client: Client, consented_case: TsiCase, guardians, social_worker, world: World
) -> None:  # type: ignore[no-untyped-def]
    login(client, social_worker)  # contact person number 1 of Ekskolan, the requesting school
    assert (
        "Record a withdrawal of TSI consent"
        in client.get("/reports/inbox/", headers={"accept-language": "en"}).content.decode()
    )

    response = client.post(
        "/cases/withdrawal-notice/",
        {
            "child_identity_number": world.child.formatted_identity_number,
            "who": "guardian",
            "guardian_identity_number": guardians[0].identity_number,
            "note": "Pappan ringde mig i dag.",
        },
    )

    assert response.status_code == 302
    consent = consented_case.consents.get()
    consented_case.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == guardians[0]
    assert consent.withdrawal_recorded_by == social_worker and consented_case.stage == CaseStage.CLOSED
    event = AuditEvent.objects.get(target_type="consent_withdrawal_notice")
    assert event.details["withdrawn"] == 1 and event.actor_id == social_worker.pk


def test_consent_a_withdrawal_notice_from_someone_not_the_schools_contact_person_ends_nothing_and_says_the_same(
    client: Client, consented_case: TsiCase, guardians, world: World, teacher
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import _staff

    stranger = _staff(world.municipality, world.social_services, "social_worker", "annan.ss@kommun.example")
    data = {
        "child_identity_number": world.child.formatted_identity_number,
        "who": "guardian",
        "guardian_identity_number": guardians[0].identity_number,
    }
    login(client, stranger)
    response = client.post("/cases/withdrawal-notice/", data, follow=True)

    assert "Recorded." in response.content.decode() or "Registrerat." in response.content.decode()
    assert actions.active_consent(consented_case) is not None
    assert AuditEvent.objects.get(target_type="consent_withdrawal_notice").details["withdrawn"] == 0
    login(client, teacher)
    assert client.get("/cases/withdrawal-notice/").status_code == 404
    assert client.post("/cases/withdrawal-notice/", data).status_code == 404


def test_a_good_man_is_named_so_on_the_consent_form_and_the_childs_page(
    client: Client,
    accepted_case: TsiCase,
    tsi_member,
    guardians,  # type: ignore[no-untyped-def]
) -> None:
    """SS 12000's relation type `God man`: a good man decides in a guardian's place for a child without one."""
    from kring.people.models import Custody, CustodyRelation

    Custody.objects.filter(guardian=guardians[0]).update(relation=CustodyRelation.GOOD_MAN)
    login(client, tsi_member)

    form = client.get(f"/cases/{accepted_case.pk}/consent/", headers={"accept-language": "en"}).content.decode()

    assert f"{guardians[0].full_name}, good man (god man) in a guardian's place" in form
    assert f"{guardians[1].full_name}, guardian with custody" in form
