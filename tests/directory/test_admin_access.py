"""Who reaches the organisation admin: administrators and coordinators of the municipality, nobody else, and
never the objects of another municipality. Refusals are 404 (existence does not leak) and change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import ContactPerson, Membership, Organisation, Unit, User
from tests.conftest import World, login
from tests.directory.conftest import MANAGERS, REFUSED, Elsewhere

# What the pages of Testkommun show, and what a refused persona must not see.
_TESTKOMMUN_DATA = ("Utbildningsförvaltningen", "Socialförvaltningen", "Björkskolan", "anna.lind@kommun.example")


def _get_urls(world: World, person: User) -> list[str]:
    return [
        "/organisation/",
        "/organisation/organisations/",
        "/organisation/organisations/new/",
        f"/organisation/organisations/{world.school.organisation_id}/",
        "/organisation/units/",
        "/organisation/units/new/",
        f"/organisation/units/{world.other_school.pk}/",
        f"/organisation/units/{world.other_school.pk}/contacts/",
        "/organisation/staff/",
        "/organisation/staff/new/",
        f"/organisation/staff/{person.pk}/",
    ]


def _post_urls(world: World, person: User) -> list[tuple[str, dict[str, object]]]:
    membership = person.memberships.get()
    contact = ContactPerson.objects.create(school=world.other_school, user=person, position=2)
    return [
        ("/organisation/organisations/new/", {"name": "Ny förvaltning", "kind": "other"}),
        (f"/organisation/organisations/{world.school.organisation_id}/", {"name": "Omdöpt", "kind": "other"}),
        (
            "/organisation/units/new/",
            {"name": "Ny enhet", "kind": "other", "organisation": world.school.organisation_id},
        ),
        (f"/organisation/units/{world.other_school.pk}/", {"name": "Omdöpt", "kind": "other"}),
        (f"/organisation/units/{world.other_school.pk}/contacts/", {"person": person.pk, "position": 1}),
        (f"/organisation/units/{world.other_school.pk}/contacts/{contact.pk}/remove/", {}),
        ("/organisation/staff/new/", {"first_name": "Ny", "last_name": "Person", "email": "ny@kommun.example"}),
        (f"/organisation/staff/{person.pk}/", {"first_name": "X", "last_name": "Y", "email": "x@kommun.example"}),
        (f"/organisation/staff/{person.pk}/roles/", {"unit": world.school.pk, "role": "principal"}),
        (f"/organisation/staff/{person.pk}/roles/{membership.pk}/end/", {}),
        (f"/organisation/staff/{person.pk}/deactivate/", {}),
        (f"/organisation/staff/{person.pk}/reactivate/", {}),
        (f"/organisation/staff/{person.pk}/invite/", {}),
    ]


def _snapshot() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        User.objects.filter(is_active=True).count(),
        Membership.objects.filter(active=True).count(),
        ContactPerson.objects.count(),
        AuditEvent.objects.filter(action=AuditAction.WRITE).count(),
    )


@pytest.mark.parametrize("refused", REFUSED, indirect=True)
def test_admin_pages_are_not_found_for_everyone_else(
    client: Client, world: World, refused: User, staff_member: User
) -> None:
    login(client, refused)

    for url in _get_urls(world, staff_member):
        response = client.get(url)

        assert response.status_code == 404, url
        body = response.content.decode()
        assert not any(text in body for text in _TESTKOMMUN_DATA), url


@pytest.mark.parametrize("refused", REFUSED, indirect=True)
def test_admin_writes_are_not_found_for_everyone_else_and_change_nothing(
    client: Client, world: World, refused: User, staff_member: User
) -> None:
    login(client, refused)
    posts = _post_urls(world, staff_member)
    before = _snapshot()

    statuses = {url: client.post(url, data).status_code for url, data in posts}

    assert set(statuses.values()) == {404}, statuses
    assert _snapshot() == before
    staff_member.refresh_from_db()
    assert staff_member.first_name == "Anna"


def test_admin_pages_send_anonymous_users_to_login(client: Client, world: World, staff_member: User) -> None:
    for url in _get_urls(world, staff_member):
        response = client.get(url)

        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_admin_pages_open_for_managers(client: Client, world: World, manager: User, staff_member: User) -> None:
    login(client, manager)

    for url in _get_urls(world, staff_member):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_objects_of_another_municipality_are_not_found(
    client: Client, world: World, manager: User, elsewhere: Elsewhere
) -> None:
    login(client, manager)
    urls = [
        f"/organisation/organisations/{elsewhere.organisation.pk}/",
        f"/organisation/units/{elsewhere.school.pk}/",
        f"/organisation/units/{elsewhere.school.pk}/contacts/",
        f"/organisation/staff/{elsewhere.person.pk}/",
    ]

    for url in urls:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_writes_to_another_municipality_are_not_found_and_change_nothing(
    client: Client, world: World, manager: User, elsewhere: Elsewhere, staff_member: User
) -> None:
    login(client, manager)
    person, school = elsewhere.person, elsewhere.school
    posts: list[tuple[str, dict[str, object]]] = [
        (f"/organisation/organisations/{elsewhere.organisation.pk}/", {"name": "Kapad", "kind": "other"}),
        (f"/organisation/units/{school.pk}/contacts/{elsewhere.contact.pk}/remove/", {}),
        # someone else's school's contact through one's own school
        (f"/organisation/units/{world.school.pk}/contacts/{elsewhere.contact.pk}/remove/", {}),
        (f"/organisation/staff/{person.pk}/", {"first_name": "X", "last_name": "Y", "email": "x@kommun.example"}),
        (f"/organisation/staff/{person.pk}/deactivate/", {}),
        (f"/organisation/staff/{person.pk}/roles/{elsewhere.membership.pk}/end/", {}),
        # another municipality's membership through one's own staff member
        (f"/organisation/staff/{staff_member.pk}/roles/{elsewhere.membership.pk}/end/", {}),
    ]
    before = _snapshot()

    statuses = {url: client.post(url, data).status_code for url, data in posts}

    assert set(statuses.values()) == {404}, statuses
    assert _snapshot() == before


def test_lists_show_nothing_of_another_municipality(
    client: Client, world: World, administrator: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)

    bodies = [client.get(url).content.decode() for url in ("/organisation/organisations/", "/organisation/units/")]
    bodies.append(client.get("/organisation/staff/").content.decode())
    bodies.append(client.get("/organisation/").content.decode())

    for body in bodies:
        assert "Annanstad" not in body
        assert "Annanskolan" not in body
        assert elsewhere.person.email not in body


def test_contact_page_of_a_unit_that_is_not_a_school_is_not_found(
    client: Client, world: World, administrator: User
) -> None:
    login(client, administrator)

    assert client.get(f"/organisation/units/{world.social_services.pk}/contacts/").status_code == 404


def test_get_to_an_action_url_is_refused(client: Client, world: World, administrator: User, staff_member: User) -> None:
    login(client, administrator)

    response = client.get(f"/organisation/staff/{staff_member.pk}/deactivate/")

    assert response.status_code == 405
    staff_member.refresh_from_db()
    assert staff_member.is_active


def test_coordinator_cannot_change_an_administrator(
    client: Client, world: World, coordinator: User, administrator: User
) -> None:
    login(client, coordinator)
    before = _snapshot()

    page = client.get(f"/organisation/staff/{administrator.pk}/")
    edit = client.post(
        f"/organisation/staff/{administrator.pk}/",
        {"first_name": "X", "last_name": "Y", "email": "samordnare.kapar@kommun.example"},
    )
    deactivate = client.post(f"/organisation/staff/{administrator.pk}/deactivate/")

    assert page.status_code == 200
    assert f'action="/organisation/staff/{administrator.pk}/deactivate/"' not in page.content.decode()
    assert edit.status_code == deactivate.status_code == 403
    assert _snapshot() == before
    administrator.refresh_from_db()
    assert administrator.email == "admin@kommun.example"


def test_coordinator_cannot_grant_the_administrator_role(
    client: Client, world: World, coordinator: User, staff_member: User
) -> None:
    login(client, coordinator)

    page = client.get(f"/organisation/staff/{staff_member.pk}/").content.decode()
    response = client.post(
        f"/organisation/staff/{staff_member.pk}/roles/", {"unit": world.school.pk, "role": "administrator"}
    )

    assert 'value="administrator"' not in page
    assert 'value="coordinator"' in page
    assert response.status_code == 200
    assert "role" in response.context["membership_form"].errors
    assert not staff_member.memberships.filter(role="administrator").exists()


def test_administrator_can_grant_the_administrator_role(
    client: Client, world: World, administrator: User, staff_member: User
) -> None:
    login(client, administrator)

    response = client.post(
        f"/organisation/staff/{staff_member.pk}/roles/", {"unit": world.school.pk, "role": "administrator"}
    )

    assert response.status_code == 302
    asked = staff_member.memberships.get(role="administrator")
    assert asked.awaiting_approval and not asked.active


def test_administrator_cannot_change_a_superuser(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)
    superuser = User.objects.create_superuser("drift@kommun.example", "lösenord-för-test-1")
    User.objects.filter(pk=superuser.pk).update(municipality=world.municipality)

    response = client.post(
        f"/organisation/staff/{superuser.pk}/", {"first_name": "X", "last_name": "Y", "email": "x@kommun.example"}
    )

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "drift@kommun.example"
