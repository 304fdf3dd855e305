"""The early-warning page of absence: who sees it (the school's principal and student health, nobody else: 404 and
no name anywhere), the audit of every view, what has been done and who acts next, the level filter, the buttons,
and a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions as tsi_actions
from kring.directory.models import Unit, User
from kring.people.models import Child
from kring.schooldata.investigations import open_investigation
from kring.schooldata.models import AbsenceIndicator, AbsenceInvestigation, AbsenceLevel, AbsenceSettings
from tests.conftest import World, _staff, login
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EN = {"accept-language": "en"}


def flag(
    child: Child, unit: Unit, level: int = AbsenceLevel.HIGH, term: float = 20.0, **figures: object
) -> AbsenceIndicator:
    values: dict[str, object] = {
        "window_percent": 12.5,
        "previous_window_percent": 8.3,
        "unexcused_month": 1,
        "current_streak": 2,
        "longest_streak": 6,
        "reasons": ["term", "streak", "window"] if level == AbsenceLevel.HIGH else ["window"],
    } | figures
    return AbsenceIndicator.objects.create(
        municipality_id=unit.municipality_id,
        child=child,
        unit=unit,
        computed_on=TODAY,
        level=level,
        term_percent=term,
        **values,  # type: ignore[arg-type]
    )


def page(world: World) -> str:
    return f"/absence/{world.school.pk}/"


@pytest.fixture
def flagged(world: World) -> AbsenceIndicator:
    return flag(world.child, world.school)


@pytest.fixture
def other_principal(world: World) -> User:
    return _staff(world.municipality, world.other_school, "principal", "rektor.bjork@kommun.example")


# --- who sees it -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["principal", "kurator"])
def test_the_schools_principal_and_kurator_see_its_early_warning(
    client: Client, world: World, flagged: AbsenceIndicator, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)

    response = client.get(page(world), headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Alva Testsson" in body and f'href="/children/{world.child.pk}/"' in body
    assert "this term: 20.0 %" in body and "<strong>12.5 %</strong>" in body and "2 now, 6 at most" in body
    assert "up 4.2 points" in body


@pytest.mark.parametrize(
    "persona", ["teacher", "other_principal", "social_worker", "police_officer", "administrator", "outsider"]
)
def test_nobody_else_sees_the_early_warning(
    client: Client, world: World, flagged: AbsenceIndicator, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)

    response = client.get(page(world), headers=EN)

    assert response.status_code == 404
    assert "Testsson" not in response.content.decode()
    listing = client.get("/absence/", headers=EN)
    assert listing.status_code in (200, 404)
    assert "Testsson" not in listing.content.decode() and "Ekskolan" not in listing.content.decode()
    assert not AuditEvent.objects.filter(target_type="early_warning").exists()


def test_a_school_that_does_not_exist_is_404(client: Client, principal: User) -> None:
    login(client, principal)

    assert client.get("/absence/999999/").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client: Client, world: World, flagged: AbsenceIndicator) -> None:
    response = client.get(page(world))

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_list_of_schools_shows_the_counts_of_ones_own_schools(
    client: Client, world: World, flagged: AbsenceIndicator, principal: User
) -> None:
    signal_pupil = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=signal_pupil, unit=world.school)
    flag(signal_pupil, world.school, AbsenceLevel.SIGNAL)
    login(client, principal)

    response = client.get("/absence/", headers=EN)

    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/absence/{world.school.pk}/"' in body and "Björkskolan" not in body
    assert "<td>1</td>\n      <td>1</td>" in body
    assert "Testsson" not in body


def test_the_start_page_links_to_the_early_warning_for_those_who_follow_absence(
    client: Client, principal: User, teacher: User
) -> None:
    login(client, principal)
    assert 'href="/absence/"' in client.get("/", headers=EN).content.decode()

    login(client, teacher)
    assert 'href="/absence/"' not in client.get("/", headers=EN).content.decode()


# --- audit -------------------------------------------------------------------------------------------------------


def test_every_view_of_the_list_is_audited_with_the_children_shown(
    client: Client, world: World, flagged: AbsenceIndicator, principal: User
) -> None:
    flag(world.protected_child, world.school, AbsenceLevel.SIGNAL, term=3.0)
    login(client, principal)

    client.get(page(world))
    client.get(f"{page(world)}?level=2")

    events = list(AuditEvent.objects.filter(target_type="early_warning").order_by("sequence"))
    assert len(events) == 2
    first, second = events
    assert first.action == AuditAction.READ and first.actor_id == principal.pk
    assert first.target_id == str(world.school.pk)
    assert sorted(first.details["children"]) == sorted([world.child.pk, world.protected_child.pk])
    assert first.details["count"] == 2
    assert "Ekskolan" in first.details["bases"][str(world.child.pk)]
    assert second.details["children"] == [world.child.pk] and second.details["count"] == 1


# --- the table ---------------------------------------------------------------------------------------------------


def test_the_table_is_sorted_by_level_then_term_absence_and_filtered_by_level(
    client: Client, world: World, principal: User
) -> None:
    pupils = []
    for last_name in ("Signalsson", "Lågsson", "Högsson", "Inget"):
        child = ChildFactory(municipality=world.municipality, last_name=last_name)
        PlacementFactory(child=child, unit=world.school)
        pupils.append(child)
    flag(pupils[0], world.school, AbsenceLevel.SIGNAL, term=9.0)
    flag(pupils[1], world.school, AbsenceLevel.HIGH, term=16.0)
    flag(pupils[2], world.school, AbsenceLevel.HIGH, term=31.0)
    flag(pupils[3], world.school, AbsenceLevel.NONE, term=1.0, reasons=[])
    login(client, principal)

    body = client.get(page(world), headers=EN).content.decode()
    high_only = client.get(f"{page(world)}?level=2", headers=EN).content.decode()
    nonsense = client.get(f"{page(world)}?level=x", headers=EN).content.decode()

    assert body.index("Högsson") < body.index("Lågsson") < body.index("Signalsson")
    assert "Inget" not in body
    assert "Högsson" in high_only and "Lågsson" in high_only and "Signalsson" not in high_only
    assert "Signalsson" in nonsense
    assert 'value="2" id="id_level_1" checked' in high_only and 'value="1" id="id_level_0" checked' in body


def test_the_thresholds_and_the_day_of_computation_are_shown(
    client: Client, world: World, flagged: AbsenceIndicator, principal: User
) -> None:
    AbsenceSettings.objects.create(municipality=world.municipality, window_percent=12, consecutive_days=4)
    login(client, principal)

    body = client.get(page(world), headers=EN).content.decode()

    assert "12 % absence or more over the last 28 days" in body
    assert "4 school days in a row absent" in body
    assert TODAY.isoformat() in body


def test_nothing_done_means_the_principal_starts_an_investigation(
    client: Client, world: World, flagged: AbsenceIndicator, principal: User
) -> None:
    login(client, principal)

    body = client.get(page(world), headers=EN).content.decode()

    assert "Nothing recorded" in body
    assert "Principal: start an investigation of the absence" in body
    assert f'action="/absence/{world.school.pk}/investigate/{world.child.pk}/"' in body
    assert f'href="/concerns/new/{world.child.pk}/"' in body


def test_what_has_been_done_and_who_acts_next(
    client: Client, world: World, flagged: AbsenceIndicator, principal: User, teacher: User, tsi_team: Unit
) -> None:
    concern = report_actions.record_concern(
        by=teacher,
        child=world.child,
        concern=report_actions.ConcernInput("absence", "Alva är ofta borta.", TODAY, "Mentor"),
    )
    login(client, principal)
    body = client.get(page(world), headers=EN).content.decode()
    assert f'href="/concerns/{concern.pk}/"' in body and "Concern recorded" in body
    assert "The principal or student health: decide what happens next" in body

    case = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Mycket frånvaro.")
    body = client.get(page(world), headers=EN).content.decode()
    assert "TSI team: assessing the request" in body and f'href="/cases/{case.pk}/"' in body

    investigation = open_investigation(child=world.child, unit=world.school, by=principal)
    body = client.get(page(world), headers=EN).content.decode()
    opened = timezone.localdate(investigation.opened_at).isoformat()
    assert f"Investigation open since {opened}, led by {principal}" in body
    assert f'href="/absence/investigations/{investigation.pk}/"' in body
    assert "Start absence investigation" not in body and "Open the investigation" in body


def test_the_start_button_opens_an_investigation_once(
    client: Client, world: World, flagged: AbsenceIndicator, principal: User
) -> None:
    login(client, principal)
    url = f"/absence/{world.school.pk}/investigate/{world.child.pk}/"

    first = client.post(url)
    second = client.post(url)

    investigation = AbsenceInvestigation.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/absence/investigations/{investigation.pk}/"
    assert investigation.child == world.child and investigation.unit == world.school
    assert investigation.opened_by == principal
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("persona", ["teacher", "other_principal", "social_worker", "administrator", "outsider"])
def test_others_cannot_start_an_investigation(
    client: Client, world: World, flagged: AbsenceIndicator, persona: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(persona))

    response = client.post(f"/absence/{world.school.pk}/investigate/{world.child.pk}/")

    assert response.status_code == 404
    assert not AbsenceInvestigation.objects.exists()


def test_an_investigation_only_for_a_pupil_of_the_school(client: Client, world: World, principal: User) -> None:
    elsewhere = ChildFactory(municipality=world.municipality)
    PlacementFactory(child=elsewhere, unit=world.other_school)
    login(client, principal)

    response = client.post(f"/absence/{world.school.pk}/investigate/{elsewhere.pk}/")

    assert response.status_code == 404
    assert not AbsenceInvestigation.objects.exists()


# --- queries -----------------------------------------------------------------------------------------------------


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_pupils(
    client: Client, world: World, principal: User, kurator: User, teacher: User, tsi_team: Unit
) -> None:
    def fill(count: int) -> None:
        for _n in range(count):
            child = ChildFactory(municipality=world.municipality)
            PlacementFactory(child=child, unit=world.school)
            flag(child, world.school)
            report_actions.record_concern(
                by=teacher, child=child, concern=report_actions.ConcernInput("absence", "Borta.", TODAY, "Mentor")
            )
            open_investigation(child=child, unit=world.school, by=principal)
            tsi_actions.request_tsi(by=principal, child=child, team=tsi_team, reason="Mycket frånvaro.")

    login(client, kurator)
    client.get("/")  # the first request of a session checks the second factor once
    fill(3)
    few = _count_queries(client, page(world))
    fill(27)
    many = _count_queries(client, page(world))

    assert few == many
    assert client.get(page(world)).content.decode().count("/absence/investigations/") >= 30


# --- the child overview ------------------------------------------------------------------------------------------

HTMX = {"HX-Request": "true", "accept-language": "en"}


@pytest.mark.parametrize("persona", ["principal", "kurator", "teacher"])
def test_the_child_overview_loads_the_absence_for_staff_at_the_school(
    client: Client, world: World, flagged: AbsenceIndicator, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)
    overview = client.get(f"/children/{world.child.pk}/", headers=EN).content.decode()
    assert f'hx-get="/absence/child/{world.child.pk}/"' in overview

    section = client.get(f"/absence/child/{world.child.pk}/", headers=HTMX)

    body = section.content.decode()
    assert section.status_code == 200 and "<html" not in body
    assert 'id="absence-heading"' in body and "20.0 %" in body and "up 4.2 points" in body and "Ekskolan" in body
    read = AuditEvent.objects.get(target_type="absence_indicator", actor_id=user.pk)
    assert read.child_id == world.child.pk and read.basis_kind == "placement"
    assert read.details == {"indicators": [flagged.pk]}
    page = client.get(f"/absence/child/{world.child.pk}/", headers=EN)
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_the_child_overview_shows_no_absence_without_a_basis_for_it(
    client: Client, world: World, flagged: AbsenceIndicator, principal: User, tsi_member: User, tsi_team: Unit
) -> None:
    """The TSI team sees the child through its case, but not the school's attendance without a consent to it."""
    tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Mycket frånvaro.")
    login(client, tsi_member)
    overview = client.get(f"/children/{world.child.pk}/", headers=EN)
    assert overview.status_code == 200 and "Alva Testsson" in overview.content.decode()

    section = client.get(f"/absence/child/{world.child.pk}/", headers=HTMX)
    page = client.get(f"/absence/child/{world.child.pk}/", headers=EN)

    assert section.status_code == 204 and section.content == b""
    assert page.status_code == 404 and "20.0 %" not in page.content.decode()
    assert not AuditEvent.objects.filter(target_type="absence_indicator").exists()


@pytest.mark.parametrize("persona", ["other_principal", "social_worker", "police_officer", "outsider"])
def test_the_absence_of_a_child_one_has_no_basis_for_is_404(
    client: Client, world: World, flagged: AbsenceIndicator, persona: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(persona))

    for headers in (HTMX, EN):
        response = client.get(f"/absence/child/{world.child.pk}/", headers=headers)
        assert response.status_code == 404 and "Testsson" not in response.content.decode()


def test_the_most_serious_come_first_long_runs_and_high_shares(client: Client, world: World, principal: User) -> None:
    pupils = {}
    for name, streak, window in (("Kort", 1, 40.0), ("Lång", 9, 12.0), ("Mellan", 4, 30.0)):
        child = ChildFactory(municipality=world.municipality, first_name=name, last_name="Elev")
        PlacementFactory(child=child, unit=world.school)
        pupils[name] = flag(child, world.school, current_streak=streak, window_percent=window)
    login(client, principal)
    body = client.get(page(world), headers=EN).content.decode()
    assert body.index("Lång Elev") < body.index("Mellan Elev") < body.index("Kort Elev")


def test_a_long_list_comes_a_page_at_a_time_each_page_audited(
    client: Client, world: World, principal: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kring.schooldata import queries

    monkeypatch.setattr(queries, "EARLY_WARNING_PAGE_SIZE", 2)
    pupils = [ChildFactory(municipality=world.municipality) for _n in range(3)]
    for number, child in enumerate(pupils):
        PlacementFactory(child=child, unit=world.school)
        flag(child, world.school, term=30.0 - number)
    login(client, principal)

    first = client.get(page(world), headers=EN).content.decode()
    second = client.get(f"{page(world)}?page=2", headers=EN).content.decode()

    assert "3 pupils at level signal or high – page 1 of 2" in first and "?page=2" in first
    assert pupils[2].full_name not in first and pupils[2].full_name in second
    assert pupils[0].full_name not in second
    events = list(AuditEvent.objects.filter(target_type="early_warning").order_by("sequence"))
    assert [event.details["children"] for event in events] == [[pupils[0].pk, pupils[1].pk], [pupils[2].pk]]
    assert [event.details["page"] for event in events] == [1, 2]
