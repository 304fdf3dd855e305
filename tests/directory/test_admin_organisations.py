"""Organisations: list, create, edit, and a clear error for a name already taken."""

from __future__ import annotations

import pytest
from django.test import Client

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import Organisation, OrganisationKind, User
from tests.conftest import World, login
from tests.directory.conftest import MANAGERS


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_organisation_list_shows_the_municipalitys_organisations(client: Client, world: World, manager: User) -> None:
    login(client, manager)

    body = client.get("/organisation/organisations/").content.decode()

    for name in ("Utbildningsförvaltningen", "Socialförvaltningen", "Lokalpolisområde Test"):
        assert name in body


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_organisation_create_saves_in_own_municipality(client: Client, world: World, manager: User) -> None:
    login(client, manager)

    response = client.post("/organisation/organisations/new/", {"name": "Kultur och fritid", "kind": "other"})

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Kultur och fritid")
    assert organisation.municipality_id == world.municipality.pk
    assert organisation.kind == OrganisationKind.OTHER
    assert AuditEvent.objects.filter(action=AuditAction.WRITE, target_type="organisation").count() == 1


def test_organisation_edit_changes_name_and_kind(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)
    organisation = world.school.organisation

    response = client.post(
        f"/organisation/organisations/{organisation.pk}/", {"name": "Barn- och utbildning", "kind": "education"}
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Barn- och utbildning"
    event = AuditEvent.objects.get(action=AuditAction.WRITE)
    assert event.details == {"changed": {"name": ["Utbildningsförvaltningen", "Barn- och utbildning"]}}


def test_organisation_create_with_a_taken_name_shows_an_error_and_keeps_the_input(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)

    response = client.post("/organisation/organisations/new/", {"name": "socialförvaltningen", "kind": "police"})

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    body = response.content.decode()
    assert "data-error-summary" in body
    assert 'value="socialförvaltningen"' in body
    assert '<option value="police" selected>' in body
    assert Organisation.objects.filter(municipality=world.municipality).count() == 3
    assert not AuditEvent.objects.filter(action=AuditAction.WRITE).exists()


def test_organisation_name_may_repeat_in_another_municipality(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)

    response = client.post("/organisation/organisations/new/", {"name": "Annanstads skolor", "kind": "education"})

    assert response.status_code == 302
    assert Organisation.objects.filter(name="Annanstads skolor").count() == 2


def test_organisation_create_without_input_shows_errors(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post("/organisation/organisations/new/", {})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "kind"}
    assert 'aria-invalid="true"' in response.content.decode()
