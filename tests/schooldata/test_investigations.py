"""The principal's investigation of a pupil's absence (Skollagen 7 kap 19 a §): the actions open, update and close
(permission, one open at a time, audit in the same transaction), and the pages (who sees, who changes, forms that
keep what was typed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.schooldata import investigations
from kring.schooldata.investigations import close_investigation, open_investigation, update_investigation
from kring.schooldata.models import AbsenceInvestigation, InvestigationStatus
from tests.conftest import World, _staff, login
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EN = {"accept-language": "en"}
BACKGROUND = "Alva har varit borta varje måndag sedan september. Mamma säger att hon har ont i magen."


@pytest.fixture
def other_principal(world: World) -> User:
    return _staff(world.municipality, world.other_school, "principal", "rektor.bjork@kommun.example")


@pytest.fixture
def investigation(world: World, principal: User) -> AbsenceInvestigation:
    return open_investigation(child=world.child, unit=world.school, by=principal)


def writes(target_id: int) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action=AuditAction.WRITE, target_type="absence_investigation")
    return list(events.filter(target_id=str(target_id)).order_by("sequence"))


# --- actions -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["principal", "kurator"])
def test_the_principal_or_student_health_opens_an_investigation(
    world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)

    investigation = open_investigation(child=world.child, unit=world.school, by=user)

    assert investigation.status == InvestigationStatus.OPEN and investigation.opened_by == user
    assert investigation.municipality == world.municipality
    [event] = writes(investigation.pk)
    assert event.child_id == world.child.pk and event.actor_id == user.pk
    assert event.basis_kind == "placement" and "Ekskolan" in event.basis


def test_a_second_opening_returns_the_open_investigation(
    world: World, investigation: AbsenceInvestigation, kurator: User
) -> None:
    again = open_investigation(child=world.child, unit=world.school, by=kurator)

    assert again == investigation
    assert AbsenceInvestigation.objects.count() == 1
    assert len(writes(investigation.pk)) == 1


def test_after_closing_a_new_investigation_can_be_opened(
    world: World, investigation: AbsenceInvestigation, principal: User
) -> None:
    close_investigation(investigation, by=principal, conclusion="Närvaron är god igen.")

    again = open_investigation(child=world.child, unit=world.school, by=principal)

    assert again != investigation and again.status == InvestigationStatus.OPEN


@pytest.mark.parametrize(
    "persona", ["teacher", "other_principal", "social_worker", "police_officer", "administrator", "outsider"]
)
def test_others_may_not_open_update_or_close(
    world: World, investigation: AbsenceInvestigation, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        open_investigation(child=world.child, unit=world.school, by=user)
    with pytest.raises(PermissionDenied):
        update_investigation(investigation, by=user, background=BACKGROUND)
    with pytest.raises(PermissionDenied):
        close_investigation(investigation, by=user, conclusion="Klart.")
    investigation.refresh_from_db()
    assert investigation.background == "" and investigation.status == InvestigationStatus.OPEN


def test_only_for_a_pupil_placed_at_the_school(world: World, principal: User) -> None:
    moved = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=moved, unit=world.school, start_date=dt.date(2020, 8, 15), end_date=dt.date(2021, 6, 15))

    with pytest.raises(PermissionDenied):
        open_investigation(child=moved, unit=world.school, by=principal)
    with pytest.raises(PermissionDenied):
        open_investigation(child=world.child, unit=world.other_school, by=principal)


def test_update_records_the_fields_and_audits_what_changed(
    world: World, investigation: AbsenceInvestigation, kurator: User
) -> None:
    update_investigation(
        investigation,
        by=kurator,
        background=BACKGROUND,
        student_health_involved=True,
        measures="Samtal med skolsköterskan, anpassat schema.",
        reported_to_organiser_on=TODAY,
        conclusion="",
    )

    investigation.refresh_from_db()
    assert investigation.background == BACKGROUND and investigation.student_health_involved
    assert investigation.reported_to_organiser_on == TODAY
    event = writes(investigation.pk)[-1]
    assert event.actor_id == kurator.pk
    assert event.details["changed"] == ["background", "measures", "reported_to_organiser_on", "student_health_involved"]
    assert BACKGROUND not in str(event.details)


def test_an_update_without_changes_writes_nothing(investigation: AbsenceInvestigation, principal: User) -> None:
    update_investigation(investigation, by=principal, background="")

    assert len(writes(investigation.pk)) == 1


def test_update_refuses_a_future_date_and_unknown_fields(investigation: AbsenceInvestigation, principal: User) -> None:
    with pytest.raises(WorkflowError):
        update_investigation(investigation, by=principal, reported_to_organiser_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="status"):
        update_investigation(investigation, by=principal, status="closed")


def test_close_needs_a_conclusion_and_ends_the_changes(investigation: AbsenceInvestigation, principal: User) -> None:
    with pytest.raises(WorkflowError):
        close_investigation(investigation, by=principal, conclusion="  ")

    close_investigation(investigation, by=principal, conclusion="Frånvaron beror på mobbning; åtgärder enligt plan.")

    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.CLOSED and investigation.closed_at is not None
    assert writes(investigation.pk)[-1].details == {"status": "closed"}
    with pytest.raises(WorkflowError):
        update_investigation(investigation, by=principal, measures="Mer.")
    with pytest.raises(WorkflowError):
        close_investigation(investigation, by=principal, conclusion="Igen.")


def test_a_failing_audit_write_leaves_nothing_saved(
    world: World, principal: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(investigations, "record_event", broken)

    with pytest.raises(RuntimeError):
        open_investigation(child=world.child, unit=world.school, by=principal)

    assert not AbsenceInvestigation.objects.exists()


def test_the_database_allows_one_open_investigation_per_pupil_and_school(
    world: World, investigation: AbsenceInvestigation, principal: User
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceInvestigation.objects.create(
            municipality=world.municipality, child=world.child, unit=world.school, opened_by=principal
        )


def test_the_database_pairs_closed_with_its_time(investigation: AbsenceInvestigation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceInvestigation.objects.filter(pk=investigation.pk).update(status=InvestigationStatus.CLOSED)


# --- pages -------------------------------------------------------------------------------------------------------


def url(investigation: AbsenceInvestigation) -> str:
    return f"/absence/investigations/{investigation.pk}/"


@pytest.mark.parametrize("persona", ["principal", "kurator"])
def test_the_detail_page_shows_the_form_and_is_audited(
    client: Client, investigation: AbsenceInvestigation, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)

    response = client.get(url(investigation), headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Alva Testsson" in body and 'name="background"' in body
    assert f'href="/absence/investigations/{investigation.pk}/close/"' in body
    read = AuditEvent.objects.get(action=AuditAction.READ, target_type="absence_investigation", actor_id=user.pk)
    assert read.child_id == investigation.child_id and read.basis_kind == "placement"


@pytest.mark.parametrize(
    "persona", ["teacher", "other_principal", "social_worker", "police_officer", "administrator", "outsider"]
)
def test_nobody_else_sees_an_investigation(
    client: Client, investigation: AbsenceInvestigation, persona: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(persona))

    for response in (
        client.get(url(investigation)),
        client.post(url(investigation), {"background": "x"}),
        client.get(f"{url(investigation)}close/"),
        client.post(f"{url(investigation)}close/", {"conclusion": "x"}),
    ):
        assert response.status_code == 404
        assert "Testsson" not in response.content.decode()
    investigation.refresh_from_db()
    assert investigation.background == "" and investigation.status == InvestigationStatus.OPEN


def test_student_health_at_another_school_of_the_pupil_reads_but_does_not_change(
    client: Client, world: World, investigation: AbsenceInvestigation
) -> None:
    """Student health at another school where the pupil is also placed has a basis for the pupil (a placement basis
    is about the child), but leads no investigation at the first school."""
    nurse = _staff(world.municipality, world.other_school, "school_nurse", "skolskoterska@kommun.example")
    PlacementFactory(child=world.child, unit=world.other_school)  # the pupil attends both schools
    login(client, nurse)

    response = client.get(url(investigation), headers=EN)

    assert response.status_code == 200
    assert 'name="background"' not in response.content.decode()
    assert client.post(url(investigation), {"background": "x"}).status_code == 403
    assert client.post(f"{url(investigation)}close/", {"conclusion": "x"}).status_code == 403


def test_the_form_saves_through_the_action(
    client: Client, investigation: AbsenceInvestigation, principal: User
) -> None:
    login(client, principal)
    data = {
        "background": BACKGROUND,
        "student_health_involved": "on",
        "measures": "Anpassat schema.",
        "reported_to_organiser_on": TODAY.isoformat(),
        "conclusion": "",
    }

    response = client.post(url(investigation), data)

    assert response.status_code == 302 and response.url == url(investigation)
    investigation.refresh_from_db()
    assert investigation.background == BACKGROUND and investigation.student_health_involved
    assert writes(investigation.pk)[-1].details["changed"] == [
        "background",
        "measures",
        "reported_to_organiser_on",
        "student_health_involved",
    ]


def test_the_form_keeps_what_was_typed_on_errors(
    client: Client, investigation: AbsenceInvestigation, principal: User
) -> None:
    login(client, principal)
    tomorrow = TODAY + dt.timedelta(days=1)
    data = {"background": BACKGROUND, "measures": "Samtal.", "reported_to_organiser_on": tomorrow.isoformat()}

    response = client.post(url(investigation), data, headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Alva har varit borta varje måndag" in body and "Samtal." in body and tomorrow.isoformat() in body
    assert "The date cannot be in the future." in body
    investigation.refresh_from_db()
    assert investigation.background == ""


def test_closing_asks_for_the_conclusion_and_keeps_it(
    client: Client, investigation: AbsenceInvestigation, principal: User
) -> None:
    login(client, principal)
    close = f"{url(investigation)}close/"
    assert client.get(close).status_code == 200

    empty = client.post(close, {"conclusion": ""}, headers=EN)
    assert empty.status_code == 200
    assert "Write the conclusion before you close the investigation." in empty.content.decode()

    response = client.post(close, {"conclusion": "Närvaron är god igen."})

    assert response.status_code == 302 and response.url == url(investigation)
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.CLOSED
    assert investigation.conclusion == "Närvaron är god igen."
    page = client.get(url(investigation), headers=EN).content.decode()
    assert 'name="background"' not in page and "Närvaron är god igen." in page
    assert client.post(url(investigation), {"background": "x"}).status_code == 403
    assert client.get(close).status_code == 403


def test_an_unknown_investigation_is_404(client: Client, principal: User) -> None:
    login(client, principal)

    assert client.get("/absence/investigations/999999/").status_code == 404
