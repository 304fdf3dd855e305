"""The school side of concerns, anonymous consultations and reports of concern in the browser's pages: who sees
what (404 and nothing in lists for everyone outside), audit, the anonymity of consultations and the moment of
disclosure, the police filing by identity number, bad input, and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import (
    Concern,
    ConcernStatus,
    Consultation,
    ConsultationStatus,
    ReportOfConcern,
    Triage,
)
from kring.casework.reports import actions
from kring.directory.models import UnitKind, User
from kring.people.models import Child
from tests.conftest import World, _staff, login
from tests.factories import ChildFactory, PlacementFactory, UnitFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EN = {"accept-language": "en"}
OBSERVED = "Alva gråter ofta på rasterna och vill inte gå hem."
QUESTION = "En elev i femman berättar om bråk hemma varje kväll. Vad gör vi?"
ANSWER = "Gör en orosanmälan, och berätta för eleven vad som händer nu."


@pytest.fixture
def other_social_worker(world: World) -> User:
    """A social worker in a unit that does not receive Ekskolan's reports and is no contact person."""
    unit = UnitFactory(
        organisation=world.social_services.organisation, name="Vuxenenheten", kind=UnitKind.SOCIAL_SERVICES_UNIT
    )
    return _staff(world.municipality, unit, "social_worker", "vuxen@kommun.example")


@pytest.fixture
def colleague(world: World) -> User:
    """Another teacher at Alva's school."""
    return _staff(world.municipality, world.school, "teacher", "kollega@kommun.example")


@pytest.fixture
def concern(world: World, teacher: User) -> Concern:
    return actions.record_concern(
        by=teacher,
        child=world.child,
        concern=actions.ConcernInput("wellbeing", OBSERVED, TODAY, "Jag, på skolgården", "Jag är trött."),
    )


@pytest.fixture
def consultation(world: World, principal: User, social_worker: User) -> Consultation:
    return actions.ask_consultation(by=principal, school=world.school, age_band="10-12", question=QUESTION)


REPORT = actions.ReportInput(
    what_happened="Alva berättar att det är bråk hemma varje kväll.",
    when_and_where="I klassrummet, måndag, till mentor",
    guardians_informed=True,
    urgency="normal",
    child_words="Jag vill inte gå hem.",
)

REPORT_FORM = {
    "what_happened": "Alva har blåmärken på armarna och säger att pappa blir arg.",
    "when_and_where": "Idag på morgonen, i klassrummet, berättat för mig",
    "child_words": "Pappa tog hårt i mig.",
    "guardians_informed": "no",
    "guardians_not_informed_why": "Misstanke om våld i hemmet.",
    "urgency": "acute",
}


def _refused(client: Client, user: User, page: str, listing: str, secret: str) -> None:
    login(client, user)
    response = client.get(page)
    assert response.status_code == 404, (user.email, page)
    assert secret not in response.content.decode()
    listed = client.get(listing)
    assert listed.status_code in (200, 404)
    assert secret not in listed.content.decode(), (user.email, listing)
    assert "Testsson" not in listed.content.decode(), (user.email, listing)


# --- the child overview -----------------------------------------------------------------------------------------


def test_child_overview_offers_a_concern_and_a_report_to_school_staff(
    client: Client, world: World, teacher: User
) -> None:
    login(client, teacher)
    body = client.get(f"/children/{world.child.pk}/").content.decode()
    assert f"/concerns/new/{world.child.pk}/" in body
    assert f"/reports/new/{world.child.pk}/" in body


# --- concerns ---------------------------------------------------------------------------------------------------


def test_a_teacher_records_a_concern_and_it_goes_to_the_principal(
    client: Client, world: World, teacher: User, principal: User
) -> None:
    login(client, teacher)
    assert client.get(f"/concerns/new/{world.child.pk}/").status_code == 200
    data = {
        "category": "wellbeing",
        "observed": OBSERVED,
        "observed_on": TODAY.isoformat(),
        "observed_by": "Jag",
        "child_words": "Jag är trött.",
    }

    response = client.post(f"/concerns/new/{world.child.pk}/", data)

    concern = Concern.objects.get()
    assert response.status_code == 302 and response.url == f"/concerns/{concern.pk}/"
    assert concern.reported_by == teacher and concern.unit == world.school
    read = AuditEvent.objects.get(action=AuditAction.READ, target_type="child", actor_id=teacher.pk)
    assert read.child_id == world.child.pk and read.basis_kind == "placement"
    login(client, principal)
    assert f"/concerns/{concern.pk}/" in client.get("/concerns/").content.decode()


def test_concern_form_keeps_what_was_typed_on_errors(client: Client, world: World, teacher: User) -> None:
    login(client, teacher)
    tomorrow = TODAY + dt.timedelta(days=1)
    data = {"category": "", "observed": OBSERVED, "observed_on": tomorrow.isoformat(), "observed_by": "Jag på rast"}

    response = client.post(f"/concerns/new/{world.child.pk}/", data, headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert OBSERVED in body and "Jag på rast" in body and tomorrow.isoformat() in body
    assert "The date cannot be in the future." in body
    assert not Concern.objects.exists()


def test_a_concern_about_another_schools_pupil_is_refused(client: Client, world: World, other_teacher: User) -> None:
    login(client, other_teacher)
    assert client.get(f"/concerns/new/{world.child.pk}/").status_code == 404
    assert client.post(f"/concerns/new/{world.child.pk}/", {"category": "other"}).status_code == 404
    assert not Concern.objects.exists()


def test_concern_suggesting_harm_says_the_duty_to_report_cannot_wait(
    client: Client, world: World, teacher: User
) -> None:
    concern = actions.record_concern(
        by=teacher,
        child=world.child,
        concern=actions.ConcernInput("absence", "Alva var borta.", TODAY, "Jag", "Pappa slår mig när han är arg."),
    )
    login(client, teacher)

    body = client.get(f"/concerns/{concern.pk}/", headers=EN).content.decode()

    assert "cannot wait for a consultation" in body
    assert f"/reports/new/{world.child.pk}/?concern={concern.pk}" in body


def test_an_ordinary_concern_has_no_duty_reminder(client: Client, concern: Concern, teacher: User) -> None:
    login(client, teacher)
    body = client.get(f"/concerns/{concern.pk}/", headers=EN).content.decode()
    assert OBSERVED in body
    assert "cannot wait for a consultation" not in body


@pytest.mark.parametrize("persona", ["teacher", "principal", "kurator"])
def test_concern_page_for_its_reporter_and_the_schools_principal_and_student_health(
    client: Client, concern: Concern, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)

    response = client.get(f"/concerns/{concern.pk}/")

    assert response.status_code == 200
    assert OBSERVED in response.content.decode()
    assert "Du ser detta eftersom:" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="concern", actor_id=user.pk)
    assert event.child_id == concern.child_id and event.basis_kind in ("concern", "placement")


@pytest.mark.parametrize(
    "persona", ["colleague", "other_teacher", "social_worker", "other_social_worker", "police_officer", "outsider"]
)
def test_concern_pages_refused_to_everyone_else(
    client: Client, concern: Concern, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    for page in (f"/concerns/{concern.pk}/", f"/concerns/{concern.pk}/triage/", f"/concerns/{concern.pk}/close/"):
        _refused(client, user, page, "/concerns/", OBSERVED)
    assert not AuditEvent.objects.filter(action=AuditAction.READ, target_type="concern").exists()


def test_the_reporting_teacher_may_read_but_not_triage(client: Client, concern: Concern, teacher: User) -> None:
    login(client, teacher)
    assert client.get(f"/concerns/{concern.pk}/triage/").status_code == 403
    assert client.post(f"/concerns/{concern.pk}/triage/", {"triage": "no_action"}).status_code == 403
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW


def test_concern_list_by_status_with_who_acts_next(
    client: Client, concern: Concern, principal: User, teacher: User
) -> None:
    login(client, principal)

    body = client.get("/concerns/", headers=EN).content.decode()

    assert "Alva Testsson" in body
    assert "decide what happens next" in body
    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="concern_list", actor_id=principal.pk)
    assert event.details["results"] == [concern.pk]
    assert event.details["children"] == [concern.child_id]


def test_triage_within_student_health_and_no_further_action(client: Client, concern: Concern, kurator: User) -> None:
    login(client, kurator)
    assert client.get(f"/concerns/{concern.pk}/triage/").status_code == 200

    client.post(f"/concerns/{concern.pk}/triage/", {"triage": "student_health", "note": "Samtal med kurator."})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.HANDLING and concern.triage == Triage.STUDENT_HEALTH
    assert "Samtal med kurator." in client.get(f"/concerns/{concern.pk}/").content.decode()

    client.post(f"/concerns/{concern.pk}/close/", {"note": "Klart."})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED


@pytest.mark.parametrize(
    ("triage", "target"),
    [
        ("consultation", "/consultations/new/?concern={concern}"),
        ("report", "/reports/new/{child}/?concern={concern}"),
        ("tsi", "/cases/request/{child}/"),
    ],
)
def test_triage_leads_on_to_the_next_form(
    client: Client, concern: Concern, principal: User, triage: str, target: str
) -> None:
    login(client, principal)
    response = client.post(f"/concerns/{concern.pk}/triage/", {"triage": triage})
    assert response.status_code == 302
    assert response.url == target.format(concern=concern.pk, child=concern.child_id)


def test_no_further_action_closes_the_concern(client: Client, concern: Concern, principal: User) -> None:
    login(client, principal)
    client.post(f"/concerns/{concern.pk}/triage/", {"triage": "no_action", "note": "Pratat med Alva."})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED and concern.closed_at is not None


# --- anonymous consultations ------------------------------------------------------------------------------------


def test_the_principal_asks_from_a_concern_and_nothing_of_the_child_is_copied(
    client: Client, concern: Concern, principal: User, social_worker: User
) -> None:
    login(client, principal)
    form = client.get(f"/consultations/new/?concern={concern.pk}").content.decode()
    assert OBSERVED not in form and "Alva" not in form and "Jag är trött." not in form
    assert social_worker.email in form  # the school's contact person, and how to reach them

    response = client.post(
        f"/consultations/new/?concern={concern.pk}",
        {"school": concern.unit_id, "age_band": "10-12", "question": QUESTION},
    )

    consultation = Consultation.objects.get()
    assert response.url == f"/consultations/{consultation.pk}/"
    assert consultation.concern == concern
    concern.refresh_from_db()
    assert concern.triage == Triage.CONSULTATION


def _pupil(world: World, first: str, last: str) -> Child:
    child = ChildFactory(municipality=world.municipality, first_name=first, last_name=last)
    PlacementFactory(child=child, unit=world.school)
    return child


@pytest.mark.parametrize(
    "question",
    [
        "Alva Testsson i 5B verkar ledsen, vad gör vi?",
        "Eleven Testsson är ofta borta.",
        "Det gäller {alva}, vad ska vi göra?",
        "Gäller {alva_short}.",
        "Vi oroar oss för Mira Bergqvist.",
        "Eleven Bergqvist berättar om bråk hemma.",
    ],
)
def test_consultation_form_rejects_names_and_numbers_of_the_schools_pupils(
    client: Client, world: World, principal: User, social_worker: User, question: str
) -> None:
    _pupil(world, "Mira", "Bergqvist")
    number = world.child.identity_number
    typed = question.format(alva=f"{number[:8]}-{number[8:]}", alva_short=f"{number[2:8]}-{number[8:]}")
    login(client, principal)

    response = client.post("/consultations/new/", {"age_band": "10-12", "question": typed}, headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "must not identify the child" in body
    assert 'aria-invalid="true"' in body
    assert typed.split()[-1] in body  # the typed text is kept
    assert not Consultation.objects.exists()


def test_an_answer_by_the_school_is_checked_for_identifying_data_too(
    client: Client, world: World, consultation: Consultation, principal: User
) -> None:
    login(client, principal)
    response = client.post(
        f"/consultations/{consultation.pk}/", {"text": "Det är Alva Testsson det gäller."}, headers=EN
    )
    assert response.status_code == 200
    assert "must not identify the child" in response.content.decode()
    assert "Det är Alva Testsson det gäller." in response.content.decode()
    assert consultation.messages.count() == 1


def test_the_contact_person_answers_and_both_sides_see_the_thread(
    client: Client, consultation: Consultation, principal: User, social_worker: User
) -> None:
    login(client, social_worker)
    inbox = client.get("/consultations/").content.decode()
    assert f"/consultations/{consultation.pk}/" in inbox

    response = client.post(f"/consultations/{consultation.pk}/", {"text": ANSWER})

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED
    login(client, principal)
    body = client.get(f"/consultations/{consultation.pk}/").content.decode()
    assert QUESTION in body and ANSWER in body
    event = AuditEvent.objects.filter(action=AuditAction.READ, target_type="consultation", actor_id=principal.pk)
    assert event.get().child_id is None


def test_social_services_never_see_the_concern_behind_a_consultation(
    client: Client, concern: Concern, principal: User, social_worker: User
) -> None:
    consultation = actions.ask_consultation(
        by=principal, school=concern.unit, age_band="10-12", question=QUESTION, concern=concern
    )
    login(client, social_worker)
    body = client.get(f"/consultations/{consultation.pk}/").content.decode()
    assert f"/concerns/{concern.pk}/" not in body
    login(client, principal)
    assert f"/concerns/{concern.pk}/" in client.get(f"/consultations/{consultation.pk}/").content.decode()


@pytest.mark.parametrize(
    "persona", ["teacher", "colleague", "other_teacher", "other_social_worker", "police_officer", "outsider"]
)
def test_consultation_pages_refused_to_everyone_else(
    client: Client, consultation: Consultation, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    base = f"/consultations/{consultation.pk}"
    for page in (f"{base}/", f"{base}/report/"):
        _refused(client, user, page, "/consultations/", QUESTION)
    assert client.post(f"{base}/", {"text": "Hej"}).status_code == 404
    assert client.post(f"{base}/close/").status_code == 404
    assert consultation.messages.count() == 1


def test_the_contact_person_cannot_turn_the_consultation_into_a_report(
    client: Client, consultation: Consultation, social_worker: User
) -> None:
    login(client, social_worker)
    assert client.get(f"/consultations/{consultation.pk}/report/").status_code == 403


def test_turning_a_consultation_into_a_report_discloses_the_child_and_is_audited(
    client: Client, world: World, consultation: Consultation, principal: User
) -> None:
    login(client, principal)
    page = client.get(f"/consultations/{consultation.pk}/report/", headers=EN).content.decode()
    assert "discloses the child's identity to social services" in page
    assert QUESTION in page  # the report is prefilled with the question
    assert "Alva Testsson" in page
    shown = AuditEvent.objects.get(action=AuditAction.READ, target_type="consultation", actor_id=principal.pk)
    assert world.child.pk in shown.details["children"] and shown.details["page"] == "report"
    assert not AuditEvent.objects.filter(target_type="consultation_disclosure").exists()

    response = client.post(f"/consultations/{consultation.pk}/report/", {**REPORT_FORM, "pupil": world.child.pk})

    assert response.status_code == 302 and response.url == "/reports/mine/"
    report = ReportOfConcern.objects.get()
    assert report.child == world.child and report.consultation == consultation
    disclosure = AuditEvent.objects.get(target_type="consultation_disclosure")
    assert disclosure.child_id == world.child.pk and disclosure.actor_id == principal.pk
    assert disclosure.details == {"consultation": consultation.pk, "report": report.pk}


def test_the_pupil_must_be_one_the_user_sees_at_the_school(
    client: Client, world: World, consultation: Consultation, principal: User
) -> None:
    other = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=other, unit=world.other_school)
    login(client, principal)

    response = client.post(f"/consultations/{consultation.pk}/report/", {**REPORT_FORM, "pupil": other.pk})

    assert response.status_code == 200
    assert REPORT_FORM["what_happened"] in response.content.decode()
    assert not ReportOfConcern.objects.exists()


def test_closing_a_consultation(client: Client, consultation: Consultation, social_worker: User) -> None:
    login(client, social_worker)
    client.post(f"/consultations/{consultation.pk}/close/")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED


# --- reports of concern -----------------------------------------------------------------------------------------


def test_the_report_form_says_the_reporter_is_not_anonymous_before_sending(
    client: Client, world: World, teacher: User
) -> None:
    login(client, teacher)
    body = client.get(f"/reports/new/{world.child.pk}/", headers=EN).content.decode()
    assert "never anonymous" in body
    assert "may as parties in general read the report" in body
    assert "even if your school's routine says that the principal files" in body


def test_a_teacher_files_a_report_prefilled_from_the_concern(
    client: Client, world: World, concern: Concern, teacher: User, social_worker: User
) -> None:
    login(client, teacher)
    page = client.get(f"/reports/new/{world.child.pk}/?concern={concern.pk}").content.decode()
    assert OBSERVED in page and "Jag är trött." in page

    response = client.post(f"/reports/new/{world.child.pk}/?concern={concern.pk}", REPORT_FORM)

    assert response.status_code == 302 and response.url == "/reports/mine/"
    report = ReportOfConcern.objects.get()
    assert report.reporter == teacher and report.concern == concern and report.urgency == "acute"
    assert report.guardians_not_informed_why == "Misstanke om våld i hemmet."
    concern.refresh_from_db()
    assert concern.triage == Triage.REPORT
    assert "Alva Testsson" in client.get("/reports/mine/").content.decode()
    assert f"/concerns/{concern.pk}/" in client.get("/concerns/").content.decode()
    page = client.get(f"/concerns/{concern.pk}/", headers=EN).content.decode()
    assert f"Report {report.pk}, filed" in page and "/reports/mine/" in page


def test_report_form_keeps_what_was_typed_when_the_reason_is_missing(
    client: Client, world: World, principal: User
) -> None:
    login(client, principal)
    data = {**REPORT_FORM, "guardians_not_informed_why": ""}

    response = client.post(f"/reports/new/{world.child.pk}/", data, headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Say why the guardians have not been told." in body
    assert REPORT_FORM["what_happened"] in body and REPORT_FORM["when_and_where"] in body
    assert not ReportOfConcern.objects.exists()


def test_a_concern_of_another_child_cannot_prefill_a_report(
    client: Client, world: World, concern: Concern, principal: User
) -> None:
    other = _pupil(world, "Mira", "Bergqvist")
    login(client, principal)
    assert client.get(f"/reports/new/{other.pk}/?concern={concern.pk}").status_code == 404


def test_the_police_file_a_report_by_identity_number(
    client: Client, world: World, police_officer: User, social_worker: User
) -> None:
    login(client, police_officer)
    assert client.get(f"/reports/new/{world.child.pk}/").status_code == 404  # no basis for the child's page
    assert client.get("/reports/new/").status_code == 200

    response = client.post("/reports/new/", {**REPORT_FORM, "identity_number": world.child.formatted_identity_number})

    assert response.status_code == 302 and response.url == "/reports/mine/"
    report = ReportOfConcern.objects.get()
    assert report.child == world.child and report.origin == "police" and report.reporter == police_officer
    mine = client.get("/reports/mine/").content.decode()
    assert world.child.formatted_identity_number in mine
    assert "Alva" not in mine and "Testsson" not in mine  # nothing more of the child than the number given


def test_unregistered_child_an_unknown_number_is_reported_like_any_other_and_shows_no_child(
    client: Client, world: World, police_officer: User, social_worker: User
) -> None:
    """A number of another municipality's child (or of nobody here): the report is filed all the same, about a
    child outside the register, and the answer is the one a registered child gets (issue 12, 2.2)."""
    login(client, police_officer)
    elsewhere = world.other_municipality_child.formatted_identity_number

    response = client.post("/reports/new/", {**REPORT_FORM, "identity_number": elsewhere}, headers=EN)

    assert response.status_code == 302 and response.url == "/reports/mine/"
    report = ReportOfConcern.objects.get()
    assert not report.child.in_register and report.child.municipality == world.municipality
    assert report.child.identity_number == world.other_municipality_child.identity_number
    mine = client.get("/reports/mine/").content.decode()
    assert elsewhere in mine and "Annansson" not in mine


def test_unregistered_child_the_lookup_never_reveals_a_child_with_protected_identity(
    client: Client, world: World, police_officer: User, social_worker: User
) -> None:
    login(client, police_officer)
    answers = []
    for number in (world.protected_child.formatted_identity_number, "20150310-9801"):
        response = client.post("/reports/new/", {**REPORT_FORM, "identity_number": number})
        shown = client.get(response.url)
        answers.append((response.status_code, response.url, [str(m) for m in shown.context["messages"]]))

    assert answers[0] == answers[1]
    mine = client.get("/reports/mine/").content.decode()
    assert "Sigge" not in mine and "Skyddad" not in mine
    assert ReportOfConcern.objects.filter(child=world.protected_child).exists()  # social services get it
    assert ReportOfConcern.objects.filter(child__in_register=False).count() == 1


def test_unregistered_child_without_a_number_by_name_and_birth_date_and_matched_on_receipt(
    client: Client, world: World, teacher: User, social_worker: User
) -> None:
    login(client, teacher)
    refused = client.post("/reports/new/", {**REPORT_FORM, "first_name": "Nora"}, headers=EN)
    assert refused.status_code == 200
    assert "date of birth, or the identity number." in refused.content.decode()
    assert 'value="Nora"' in refused.content.decode()

    client.post(
        "/reports/new/",
        {
            **REPORT_FORM,
            "first_name": "Nora",
            "last_name": "Nyinflyttad",
            "birth_date": "2015-03-10",
            "known": "Flyttade hit från Annanstad i förra veckan, går inte i skolan än.",
        },
    )
    report = ReportOfConcern.objects.get()
    stand_in = report.child
    assert not stand_in.in_register and not stand_in.has_identity_number
    assert report.reported_as == "Nora Nyinflyttad, 2015-03-10"

    login(client, social_worker)
    page = client.get(f"/reports/{report.pk}/", headers=EN).content.decode()
    assert "Not in the register" in page and "Flyttade hit från Annanstad" in page
    unknown = client.post(f"/reports/{report.pk}/match/", {"identity_number": "20150310-9801"}, headers=EN)
    assert "No child in the register has this identity number." in unknown.content.decode()
    matched = client.post(f"/reports/{report.pk}/match/", {"identity_number": world.child.formatted_identity_number})

    assert matched.status_code == 302
    report.refresh_from_db()
    assert report.child == world.child
    assert not Child.objects.filter(pk=stand_in.pk).exists()
    event = AuditEvent.objects.filter(action=AuditAction.WRITE, details__step="matched").get()
    assert event.actor_id == social_worker.pk and event.details["stand_in"] == stand_in.pk
    login(client, teacher)
    mine = client.get("/reports/mine/").content.decode()
    assert "Nora Nyinflyttad, 2015-03-10" in mine or "Alva" in mine  # the teacher may see her own pupil


def test_a_mistyped_identity_number_keeps_what_was_typed(client: Client, police_officer: User) -> None:
    login(client, police_officer)
    response = client.post("/reports/new/", {**REPORT_FORM, "identity_number": "20120101-1235"}, headers=EN)
    body = response.content.decode()
    assert "check digit is wrong" in body
    assert "20120101-1235" in body and REPORT_FORM["child_words"] in body


@pytest.mark.parametrize("persona", ["other_teacher", "other_social_worker", "police_officer", "outsider"])
def test_report_form_for_a_child_is_refused_without_a_basis(
    client: Client, world: World, request: pytest.FixtureRequest, persona: str
) -> None:
    login(client, request.getfixturevalue(persona))
    assert client.get(f"/reports/new/{world.child.pk}/").status_code == 404
    assert client.post(f"/reports/new/{world.child.pk}/", REPORT_FORM).status_code == 404
    assert not ReportOfConcern.objects.exists()


def test_the_reporter_sees_the_feedback_and_nothing_else(
    client: Client, world: World, principal: User, social_worker: User, colleague: User
) -> None:
    report = actions.file_report(by=principal, child=world.child, report=REPORT)
    actions.receive_report(by=social_worker, report=report)
    actions.record_protection_assessment(by=social_worker, report=report, outcome="not_needed", note="Ingen fara.")
    actions.record_decision(by=social_worker, report=report, decision="opened", note="Hemlig bedömning.")
    login(client, principal)
    assert "Received by social services" in client.get("/reports/mine/", headers=EN).content.decode()

    actions.give_feedback(by=social_worker, report=report, kind="opened")
    body = client.get("/reports/mine/", headers=EN).content.decode()

    assert "An investigation has been opened" in body
    assert "Hemlig bedömning." not in body and "Ingen fara." not in body
    event = AuditEvent.objects.filter(action=AuditAction.READ, target_type="report_list", actor_id=principal.pk)
    assert event.last().details["results"] == [report.pk]  # type: ignore[union-attr]
    login(client, colleague)
    assert "Testsson" not in client.get("/reports/mine/").content.decode()


# --- query counts -----------------------------------------------------------------------------------------------


def _concerns(world: World, teacher: User, count: int) -> None:
    for number in range(count):
        child = ChildFactory(municipality=world.municipality)
        PlacementFactory(child=child, unit=world.school)
        concern = actions.record_concern(
            by=teacher, child=child, concern=actions.ConcernInput("absence", f"Frånvaro {number}", TODAY, "Mentor")
        )
        if number % 2:
            actions.triage_concern(by=_principal(world), concern=concern, triage="student_health")


def _principal(world: World) -> User:
    return User.objects.get(email="rektor@kommun.example")


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_concern_list_keeps_a_constant_number_of_queries(
    client: Client, world: World, teacher: User, principal: User
) -> None:
    login(client, principal)
    _concerns(world, teacher, 2)
    _count(client, "/concerns/")  # the first request of a session does a little more
    few = _count(client, "/concerns/")
    _concerns(world, teacher, 20)
    assert _count(client, "/concerns/") == few


def _consultations(world: World, principal: User, social_worker: User, count: int) -> None:
    for number in range(count):
        consultation = actions.ask_consultation(
            by=principal, school=world.school, age_band="10-12", question=f"Fråga nummer {number} om en elev."
        )
        if number % 2:
            actions.write_in_consultation(by=social_worker, consultation=consultation, text="Råd.")


def test_consultation_inbox_keeps_a_constant_number_of_queries(
    client: Client, world: World, principal: User, social_worker: User
) -> None:
    login(client, social_worker)
    _consultations(world, principal, social_worker, 2)
    _count(client, "/consultations/")  # the first request of a session does a little more
    few = _count(client, "/consultations/")
    _consultations(world, principal, social_worker, 20)
    assert _count(client, "/consultations/") == few


def test_status_a_concern_that_led_to_a_report_says_so_and_no_longer_urges_one(
    client: Client, world: World, teacher: User, principal: User
) -> None:
    concern = actions.record_concern(
        by=teacher,
        child=world.child,
        concern=actions.ConcernInput("absence", "Alva var borta.", TODAY, "Jag", "Pappa slår mig när han är arg."),
    )
    actions.file_report(
        by=principal,
        child=world.child,
        report=actions.ReportInput("Alva berättar om våld.", "I skolan", True, "urgent"),
        concern=concern,
    )
    login(client, teacher)

    body = client.get(f"/concerns/{concern.pk}/", headers=EN).content.decode()

    assert "This concern has led to a report of concern to social services." in body
    assert "cannot wait for a consultation" not in body
    assert f"/reports/new/{world.child.pk}/?concern={concern.pk}" not in body
