"""Prevention programmes: the catalogue (the coordinator), a programme at a school (its leadership): staff trained,
pupil mentors (child data: audited, hidden from the coordinator), sessions held; reach and fidelity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.people.models import Child, Group
from kring.prevention.models import Programme, ProgrammeRun
from kring.prevention.programmes import actions, queries
from tests.conftest import World, login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def programme(world: World, coordinator: User) -> Programme:
    given = actions.ProgrammeInput(
        name="Börja prata",
        aim="Att elever i årskurs 5 vågar prata om det som är svårt.",
        target_grades=["5"],
        organisations=[world.school.organisation, world.social_services.organisation],
        manual=["Känslor", "Gränser", "Vart vänder jag mig?"],
        has_pupil_mentors=True,
    )
    return actions.save_programme(given=given, by=coordinator)


@pytest.fixture
def run(programme: Programme, world: World, principal: User) -> ProgrammeRun:
    return actions.start_run(programme=programme, unit=world.school, by=principal, today=TODAY)


def test_only_the_coordinator_keeps_the_catalogue(world: World, principal: User, programme: Programme) -> None:
    given = actions.ProgrammeInput(name="MVP", aim="Mentorer mot våld.", target_grades=[], organisations=[], manual=[])
    with pytest.raises(PermissionDenied):
        actions.save_programme(given=given, by=principal)
    assert list(programme.manual.values_list("number", "topic")) == [
        (1, "Känslor"),
        (2, "Gränser"),
        (3, "Vart vänder jag mig?"),
    ]


def test_a_held_session_of_the_manual_stays(
    world: World, coordinator: User, principal: User, programme: Programme, run: ProgrammeRun, group: Group
) -> None:
    session = programme.manual.get(number=3)
    actions.record_session(
        run=run,
        by=principal,
        today=TODAY,
        given=actions.SessionInput(
            group=group, held_on=TODAY, manual_session=session, topic="", facilitators=[principal], pupils_present=20
        ),
    )
    given = actions.ProgrammeInput(
        name="Börja prata", aim="Samma.", target_grades=["5"], organisations=[], manual=["Känslor"]
    )

    with pytest.raises(WorkflowError):
        actions.save_programme(given=given, by=coordinator, programme=programme)


def test_the_school_records_training_sessions_and_a_mentor_and_reach_follows(
    world: World,
    principal: User,
    kurator: User,
    social_worker: User,
    programme: Programme,
    run: ProgrammeRun,
    group: Group,
    classmate: Child,
) -> None:
    actions.record_training(
        run=run, user=kurator, trained_on=TODAY, hours=Decimal("3"), trainer="Länsstyrelsen", by=principal, today=TODAY
    )
    for number in (1, 2):
        actions.record_session(
            run=run,
            by=principal,
            today=TODAY,
            given=actions.SessionInput(
                group=group,
                held_on=TODAY,
                manual_session=programme.manual.get(number=number),
                topic="",
                facilitators=[kurator, social_worker],
                pupils_present=2,
            ),
        )
    mentor = actions.appoint_mentor(run=run, child=classmate, appointed_on=TODAY, by=principal, today=TODAY)

    (row,) = queries.reach(principal, programme, TODAY)

    assert (row.classes, row.classes_reached, row.pupils, row.pupils_reached) == (1, 1, 3, 3)
    assert (row.sessions_planned, row.sessions_held, row.fidelity_percent) == (3, 2, 67)
    assert (row.staff_trained, row.mentors) == (1, 1)
    assert row.staff >= 2
    event = AuditEvent.objects.get(target_type="pupil_mentor", action=AuditAction.WRITE)
    assert event.child_id == classmate.pk and mentor.child == classmate


def test_a_session_in_the_future_or_without_a_leader_is_refused(
    principal: User, run: ProgrammeRun, group: Group
) -> None:
    with pytest.raises(WorkflowError):
        actions.record_session(
            run=run,
            by=principal,
            today=TODAY,
            given=actions.SessionInput(
                group=group,
                held_on=TODAY + dt.timedelta(days=1),
                manual_session=None,
                topic="Extra",
                facilitators=[principal],
                pupils_present=5,
            ),
        )
    with pytest.raises(WorkflowError):
        actions.record_session(
            run=run,
            by=principal,
            today=TODAY,
            given=actions.SessionInput(
                group=group, held_on=TODAY, manual_session=None, topic="Extra", facilitators=[], pupils_present=5
            ),
        )


def test_a_teacher_or_social_services_may_not_record(
    teacher: User, social_worker: User, run: ProgrammeRun, classmate: Child
) -> None:
    for person in (teacher, social_worker):
        with pytest.raises(PermissionDenied):
            actions.appoint_mentor(run=run, child=classmate, appointed_on=TODAY, by=person, today=TODAY)


def test_the_coordinator_sees_the_mentors_counted_not_named(
    client: Client,
    world: World,
    principal: User,
    coordinator: User,
    programme: Programme,
    run: ProgrammeRun,
    classmate: Child,
) -> None:
    actions.appoint_mentor(run=run, child=classmate, appointed_on=TODAY, by=principal, today=TODAY)
    url = f"/prevention/programmes/{programme.pk}/schools/{world.school.pk}/"
    login(client, coordinator)
    coordinator_page = client.get(url).content.decode()
    client.logout()
    login(client, principal)
    principal_page = client.get(url).content.decode()

    assert "Klassson" not in coordinator_page and "1 elevmentor." in coordinator_page
    assert "Nils Klassson" in principal_page
    read = AuditEvent.objects.get(target_type="pupil_mentors", action=AuditAction.READ)
    assert read.actor_id == principal.pk and read.details["children"] == [classmate.pk]


def test_the_principal_records_a_session_in_the_browsers_place(
    client: Client,
    world: World,
    principal: User,
    kurator: User,
    programme: Programme,
    run: ProgrammeRun,
    group: Group,
) -> None:
    login(client, principal)
    url = f"/prevention/programmes/{programme.pk}/schools/{world.school.pk}/"
    data = {
        "form": "session",
        "session-group": group.pk,
        "session-held_on": TODAY.isoformat(),
        "session-facilitators": [kurator.pk],
        "session-pupils_present": "18",
        "session-topic": "",
    }

    bad = client.post(url, data)
    assert "Välj ett tillfälle i manualen, eller skriv temat." in bad.content.decode()
    assert 'value="18"' in bad.content.decode()
    data["session-manual_session"] = programme.manual.get(number=1).pk
    assert client.post(url, data).status_code == 302
    assert run.sessions.get().pupils_present == 18


@pytest.mark.parametrize("name", ["teacher", "social_worker", "police_officer", "tsi_member"])
def test_programme_pages_are_404_for_those_without_a_part(
    client: Client, world: World, programme: Programme, request: pytest.FixtureRequest, name: str
) -> None:
    login(client, request.getfixturevalue(name))
    for url in (
        "/prevention/programmes/",
        f"/prevention/programmes/{programme.pk}/",
        f"/prevention/programmes/{programme.pk}/schools/{world.school.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_programme_page_shows_reach_with_a_chart(
    client: Client, coordinator: User, programme: Programme, run: ProgrammeRun
) -> None:
    login(client, coordinator)

    body = client.get(f"/prevention/programmes/{programme.pk}/", headers={"accept-language": "en"}).content.decode()
    chart = client.get(f"/prevention/programmes/{programme.pk}/reach.svg")

    assert "Reach and fidelity this term" in body and "Ekskolan" in body
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
