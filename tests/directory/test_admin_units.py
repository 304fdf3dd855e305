"""Units: list with filters scoped to the municipality, create and edit, and clear errors for bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import Unit, UnitKind, User
from tests.conftest import World, login
from tests.directory.conftest import MANAGERS, Elsewhere
from tests.factories import UnitFactory


def _unit_data(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Lärkskolan",
        "kind": "school",
        "organisation": world.school.organisation_id,
        "co_organisation": "",
        "school_forms": ["GR", "FTH"],
        "grades": ["F", "1", "2", "3"],
        "school_unit_code": "12345678",
        "address": "Skolvägen 3",
        "phone": "0500-12 34 56",
        "email": "larkskolan@kommun.example",
    }
    data.update(changes)
    return data


def _checked(body: str, name: str, value: str) -> bool:
    return re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]* checked>', body) is not None


def _assert_error_kept(response: Any, field: str, *typed: str) -> None:
    assert response.status_code == 200
    assert field in response.context["form"].errors
    body = response.content.decode()
    assert "data-error-summary" in body
    assert f'href="#id_{field}"' in body
    for text in typed:
        assert text in body


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_unit_create_saves_a_school(client: Client, world: World, manager: User) -> None:
    login(client, manager)

    response = client.post("/organisation/units/new/", _unit_data(world))

    assert response.status_code == 302
    unit = Unit.objects.get(name="Lärkskolan")
    assert unit.municipality_id == world.municipality.pk
    assert unit.school_forms == ["GR", "FTH"]
    assert unit.grades == ["F", "1", "2", "3"]
    assert unit.school_unit_code == "12345678"
    assert response["Location"] == f"/organisation/units/{unit.pk}/"
    assert AuditEvent.objects.filter(action=AuditAction.WRITE, target_type="unit", target_id=str(unit.pk)).count() == 1


def test_unit_create_joint_team_with_two_owners(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)
    data = _unit_data(
        world,
        name="TSI-teamet",
        kind="joint_team",
        co_organisation=world.social_services.organisation_id,
        school_forms=[],
        grades=[],
        school_unit_code="",
    )

    response = client.post("/organisation/units/new/", data)

    assert response.status_code == 302
    team = Unit.objects.get(name="TSI-teamet")
    assert team.co_organisation == world.social_services.organisation


def test_unit_with_a_second_owner_but_not_a_joint_team_shows_an_error(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)
    data = _unit_data(world, co_organisation=world.social_services.organisation_id)

    response = client.post("/organisation/units/new/", data)

    _assert_error_kept(response, "co_organisation", 'value="Lärkskolan"', 'value="12345678"')
    body = response.content.decode()
    assert _checked(body, "school_forms", "GR")
    assert _checked(body, "grades", "F")
    assert not _checked(body, "grades", "9")
    assert f'<option value="{world.social_services.organisation_id}" selected>' in body
    assert not Unit.objects.filter(name="Lärkskolan").exists()


def test_unit_edit_adding_a_second_owner_to_a_school_shows_an_error(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)
    school = world.other_school
    data = _unit_data(world, name=school.name, co_organisation=world.social_services.organisation_id)

    response = client.post(f"/organisation/units/{school.pk}/", data)

    _assert_error_kept(response, "co_organisation")
    school.refresh_from_db()
    assert school.co_organisation is None


def test_unit_with_a_bad_school_unit_code_shows_an_error(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post("/organisation/units/new/", _unit_data(world, school_unit_code="1234-567x"))

    _assert_error_kept(response, "school_unit_code", 'value="1234-567x"', 'value="Skolvägen 3"')
    assert not Unit.objects.filter(name="Lärkskolan").exists()


def test_unit_school_unit_code_may_be_typed_with_a_space(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    client.post("/organisation/units/new/", _unit_data(world, school_unit_code="1234 5678"))

    assert Unit.objects.get(name="Lärkskolan").school_unit_code == "12345678"


def test_upper_secondary_grades_beyond_three_show_an_error(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post("/organisation/units/new/", _unit_data(world, school_forms=["GY"], grades=["1", "4"]))

    _assert_error_kept(response, "grades")
    assert _checked(response.content.decode(), "grades", "4")


def test_upper_secondary_school_with_grades_one_to_three(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post("/organisation/units/new/", _unit_data(world, school_forms=["GY"], grades=["3", "1", "2"]))

    assert response.status_code == 302
    assert Unit.objects.get(name="Lärkskolan").grades == ["1", "2", "3"]


def test_a_unit_that_is_not_a_school_cannot_have_grades(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post("/organisation/units/new/", _unit_data(world, kind="social_services_unit"))

    assert response.status_code == 200
    assert {"school_forms", "grades", "school_unit_code"} <= set(response.context["form"].errors)


def test_unit_with_a_taken_name_shows_an_error(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post("/organisation/units/new/", _unit_data(world, name="Ekskolan"))

    _assert_error_kept(response, "name")
    assert Unit.objects.filter(name="Ekskolan").count() == 1


def test_unit_cannot_belong_to_an_organisation_of_another_municipality(
    client: Client, world: World, administrator: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)

    response = client.post("/organisation/units/new/", _unit_data(world, organisation=elsewhere.organisation.pk))

    _assert_error_kept(response, "organisation")
    assert "Annanstad" not in response.content.decode()


def test_unit_edit_saves_and_records_the_change(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)
    school = world.other_school
    data = _unit_data(world, name=school.name, school_forms=["GR"], grades=["7", "8", "9"], school_unit_code="")

    response = client.post(f"/organisation/units/{school.pk}/", data)

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.grades == ["7", "8", "9"]
    event = AuditEvent.objects.get(action=AuditAction.WRITE)
    assert event.details["changed"]["grades"] == [["F", "1", "2", "3", "4", "5", "6"], ["7", "8", "9"]]


def test_unit_edit_page_shows_the_saved_values(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    body = client.get(f"/organisation/units/{world.school.pk}/").content.decode()

    assert 'value="Ekskolan"' in body
    assert _checked(body, "school_forms", "GR")
    assert f"/organisation/units/{world.school.pk}/contacts/" in body


def test_unit_list_filters_by_kind(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    body = client.get("/organisation/units/", {"kind": "police_unit"}).content.decode()

    assert "Kommunpolis Test" in body
    assert "Ekskolan" not in body


def test_unit_list_filters_by_organisation_including_joint_teams(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)
    social = world.social_services.organisation
    UnitFactory(
        organisation=world.school.organisation, co_organisation=social, name="TSI-teamet", kind=UnitKind.JOINT_TEAM
    )

    body = client.get("/organisation/units/", {"organisation": social.pk}).content.decode()

    assert "Barn och unga" in body
    assert "TSI-teamet" in body
    assert "Ekskolan" not in body


def test_unit_list_filter_offers_only_own_organisations(
    client: Client, world: World, administrator: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)

    response = client.get("/organisation/units/", {"organisation": elsewhere.organisation.pk})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Annanstad" not in body
    assert "organisation" in response.context["filter"].form.errors
    assert f'<option value="{world.school.organisation_id}">Utbildningsförvaltningen</option>' in body


def test_unit_list_marks_schools_without_two_contact_persons(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)

    response = client.get("/organisation/units/", {"name": "ekskolan"}, headers={"accept-language": "en"})

    body = response.content.decode()
    assert f"/organisation/units/{world.school.pk}/contacts/" in body
    assert "1 of 2" in body
    assert "Missing" in body


def test_a_school_with_contact_persons_cannot_stop_being_a_school(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)
    data = _unit_data(world, name="Ekskolan", kind="other", school_forms=[], grades=[], school_unit_code="")

    response = client.post(f"/organisation/units/{world.school.pk}/", data)

    _assert_error_kept(response, "kind")
    world.school.refresh_from_db()
    assert world.school.kind == UnitKind.SCHOOL
