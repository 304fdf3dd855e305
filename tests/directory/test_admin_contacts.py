"""Each school's two contact persons in social services (the Falköping practice): chosen among the municipality's
staff with a social services role, in order 1 and 2; never a third."""

from __future__ import annotations

import pytest
from django.test import Client

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import ContactPerson, OrganisationKind, UnitKind, User
from tests.conftest import World, login
from tests.directory.conftest import MANAGERS, Elsewhere
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, UserFactory


def _social_worker(world: World, email: str, role: str = "social_worker") -> User:
    user = UserFactory(municipality=world.municipality, email=email)
    MembershipFactory(user=user, unit=world.social_services, role=role)
    return user


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_contact_add_makes_a_social_worker_the_schools_contact(client: Client, world: World, manager: User) -> None:
    login(client, manager)
    worker = _social_worker(world, "kontakt@kommun.example")

    response = client.post(
        f"/organisation/units/{world.other_school.pk}/contacts/", {"person": worker.pk, "position": 1}
    )

    assert response.status_code == 302
    contact = ContactPerson.objects.get(school=world.other_school)
    assert (contact.user, contact.position) == (worker, 1)
    assert AuditEvent.objects.get(action=AuditAction.WRITE).target_type == "contact_person"


def test_contact_shows_on_the_schools_page(client: Client, world: World, administrator: User, teacher: User) -> None:
    login(client, administrator)
    worker = _social_worker(world, "kontakt@kommun.example", role="unit_manager")
    client.post(f"/organisation/units/{world.school.pk}/contacts/", {"person": worker.pk, "position": 2})

    login(client, teacher)
    body = client.get(f"/units/{world.school.pk}/").content.decode()

    assert worker.email in body


def test_contact_candidates_are_only_social_services_staff(
    client: Client, world: World, administrator: User, teacher: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)
    worker = _social_worker(world, "kontakt@kommun.example")
    ended = _social_worker(world, "slutat@kommun.example")
    ended.memberships.update(active=False)
    # a social worker role in a unit that is not social services does not count
    school_social_worker = UserFactory(municipality=world.municipality, email="skolsocionom@kommun.example")
    MembershipFactory(user=school_social_worker, unit=world.school, role="social_worker")

    response = client.get(f"/organisation/units/{world.other_school.pk}/contacts/")

    choices = set(response.context["form"].fields["person"].queryset)
    assert choices == {worker}
    body = response.content.decode()
    assert teacher.email not in body
    assert elsewhere.person.email not in body


def test_contact_add_refuses_someone_without_a_social_services_role(
    client: Client, world: World, administrator: User, teacher: User
) -> None:
    login(client, administrator)

    response = client.post(
        f"/organisation/units/{world.other_school.pk}/contacts/", {"person": teacher.pk, "position": 1}
    )

    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert not ContactPerson.objects.filter(school=world.other_school).exists()


def test_contact_add_a_third_shows_an_error_and_keeps_the_input(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)
    second = _social_worker(world, "andra@kommun.example")
    third = _social_worker(world, "tredje@kommun.example")
    ContactPerson.objects.create(school=world.school, user=second, position=2)

    response = client.post(f"/organisation/units/{world.school.pk}/contacts/", {"person": third.pk, "position": 2})

    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    body = response.content.decode()
    assert "data-error-summary" in body
    assert f'<option value="{third.pk}" selected>' in body
    assert ContactPerson.objects.filter(school=world.school).count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.WRITE).exists()


def test_contact_add_to_a_taken_place_shows_an_error(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)
    second = _social_worker(world, "andra@kommun.example")

    response = client.post(f"/organisation/units/{world.school.pk}/contacts/", {"person": second.pk, "position": 1})

    assert "position" in response.context["form"].errors
    assert f'<option value="{second.pk}" selected>' in response.content.decode()
    assert ContactPerson.objects.filter(school=world.school).count() == 1


def test_contact_add_the_same_person_twice_shows_an_error(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)

    response = client.post(
        f"/organisation/units/{world.school.pk}/contacts/", {"person": social_worker.pk, "position": 2}
    )

    assert "person" in response.context["form"].errors
    assert ContactPerson.objects.filter(school=world.school).count() == 1


def test_contact_form_proposes_the_free_place(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)

    response = client.get(f"/organisation/units/{world.school.pk}/contacts/")

    assert response.context["form"].fields["position"].initial == 2
    assert '<option value="2" selected>' in response.content.decode()


def test_contact_remove(client: Client, world: World, administrator: User, social_worker: User) -> None:
    login(client, administrator)
    contact = ContactPerson.objects.get(school=world.school, user=social_worker)

    response = client.post(f"/organisation/units/{world.school.pk}/contacts/{contact.pk}/remove/")

    assert response.status_code == 302
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.WRITE)
    assert event.details == {"school": world.school.pk, "user": social_worker.pk, "position": 1, "removed": True}


def test_contacts_of_a_school_in_another_organisation_kind(client: Client, world: World, administrator: User) -> None:
    """Preschools have contact persons too."""
    login(client, administrator)
    preschools = OrganisationFactory(municipality=world.municipality, name="Förskolan", kind=OrganisationKind.EDUCATION)
    preschool = UnitFactory(organisation=preschools, name="Solrosen", kind=UnitKind.PRESCHOOL, school_forms=["FS"])

    assert client.get(f"/organisation/units/{preschool.pk}/contacts/").status_code == 200


def test_overview_lists_schools_lacking_contact_persons(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)
    second = _social_worker(world, "andra@kommun.example")
    ContactPerson.objects.create(school=world.school, user=second, position=2)

    body = client.get("/organisation/").content.decode()

    assert f'href="/organisation/units/{world.other_school.pk}/contacts/">Björkskolan' in body
    assert f'href="/organisation/units/{world.school.pk}/contacts/">Ekskolan' not in body
