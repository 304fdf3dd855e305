"""Staff: list with search and filters, create (with an invitation to choose a password), edit, deactivate, and
roles in units."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import ContactPerson, Membership, User
from tests.conftest import World, login
from tests.directory.conftest import MANAGERS, Elsewhere
from tests.factories import MembershipFactory, UserFactory

_NEW_PERSON = {
    "first_name": "Nils",
    "last_name": "Nyman",
    "email": "Nils.Nyman@Kommun.example",
    "phone": "070-123 45 67",
}


def _writes() -> int:
    return AuditEvent.objects.filter(action=AuditAction.WRITE).count()


@pytest.mark.parametrize("manager", MANAGERS, indirect=True)
def test_staff_create_makes_a_user_without_password_in_own_municipality(
    client: Client, world: World, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organisation/staff/new/", _NEW_PERSON)

    person = User.objects.get(email="nils.nyman@kommun.example")
    assert response.status_code == 302
    assert response["Location"] == f"/organisation/staff/{person.pk}/"
    assert person.municipality_id == world.municipality.pk
    assert person.get_full_name() == "Nils Nyman"
    assert person.phone == "070-123 45 67"
    assert not person.has_usable_password()
    assert [message.to for message in mail.outbox] == [["nils.nyman@kommun.example"]]
    assert _writes() == 1


def test_invitation_link_lets_the_person_choose_a_password_and_then_requires_two_factor(
    client: Client, world: World, administrator: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/organisation/staff/new/", _NEW_PERSON)
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link is not None
    newcomer = Client()

    set_password_page = newcomer.get(link.group(1), follow=True)
    form_url = set_password_page.redirect_chain[-1][0]
    newcomer.post(form_url, {"password1": "ett-långt-lösenord-7", "password2": "ett-långt-lösenord-7"})
    newcomer.post(reverse("account_login"), {"login": "nils.nyman@kommun.example", "password": "ett-långt-lösenord-7"})
    start = newcomer.get("/")

    person = User.objects.get(email="nils.nyman@kommun.example")
    assert set_password_page.status_code == 200
    assert person.has_usable_password()
    assert start.status_code == 302
    assert start["Location"] == reverse("mfa_activate_totp")


def test_staff_create_with_a_taken_email_shows_an_error_and_keeps_the_input(
    client: Client, world: World, administrator: User, teacher: User
) -> None:
    login(client, administrator)
    before = User.objects.count()

    response = client.post("/organisation/staff/new/", {**_NEW_PERSON, "email": "LARARE@kommun.example"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    body = response.content.decode()
    assert "data-error-summary" in body
    assert 'href="#id_email"' in body
    assert 'value="LARARE@kommun.example"' in body
    assert 'value="Nils"' in body
    assert 'value="070-123 45 67"' in body
    assert User.objects.count() == before
    assert mail.outbox == []


def test_staff_create_with_an_email_of_another_municipality_is_refused_too(
    client: Client, world: World, administrator: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)

    response = client.post("/organisation/staff/new/", {**_NEW_PERSON, "email": elsewhere.person.email})

    assert "email" in response.context["form"].errors
    assert "Annanstad" not in response.content.decode()


def test_staff_create_needs_names_and_a_valid_phone(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post("/organisation/staff/new/", {"email": "x@kommun.example", "phone": "ring mig"})

    assert set(response.context["form"].errors) == {"first_name", "last_name", "phone"}


def test_staff_edit_saves_the_details(client: Client, world: World, administrator: User, staff_member: User) -> None:
    login(client, administrator)
    data = {"first_name": "Anna", "last_name": "Lind-Berg", "email": "anna.lindberg@kommun.example", "phone": ""}

    response = client.post(f"/organisation/staff/{staff_member.pk}/", data)

    assert response.status_code == 302
    staff_member.refresh_from_db()
    assert staff_member.last_name == "Lind-Berg"
    assert staff_member.email == "anna.lindberg@kommun.example"
    event = AuditEvent.objects.get(action=AuditAction.WRITE)
    assert event.details["changed"]["last_name"] == ["Lind", "Lind-Berg"]


def test_staff_edit_to_a_taken_email_keeps_the_input_and_the_saved_name(
    client: Client, world: World, administrator: User, staff_member: User, teacher: User
) -> None:
    login(client, administrator)
    data = {"first_name": "Annika", "last_name": "Lind", "email": teacher.email, "phone": ""}

    response = client.post(f"/organisation/staff/{staff_member.pk}/", data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Anna Lind</h1>" in body
    assert 'value="Annika"' in body
    staff_member.refresh_from_db()
    assert staff_member.first_name == "Anna"


def test_staff_deactivate_stops_login_and_keeps_the_roles(
    client: Client, world: World, administrator: User, social_worker: User
) -> None:
    login(client, administrator)

    response = client.post(f"/organisation/staff/{social_worker.pk}/deactivate/")

    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert not social_worker.is_active
    assert social_worker.memberships.filter(active=True).exists()
    assert not ContactPerson.objects.filter(user=social_worker).exists()


def test_staff_deactivated_user_is_logged_out(client: Client, world: World, administrator: User, teacher: User) -> None:
    teacher_client = login(Client(), teacher)
    login(client, administrator)

    client.post(f"/organisation/staff/{teacher.pk}/deactivate/")

    assert teacher_client.get("/").status_code == 302


def test_staff_cannot_deactivate_themselves(client: Client, world: World, administrator: User) -> None:
    login(client, administrator)

    response = client.post(f"/organisation/staff/{administrator.pk}/deactivate/")

    assert response.status_code == 200
    assert "data-error-summary" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active
    assert _writes() == 0


def test_staff_reactivate(client: Client, world: World, administrator: User, staff_member: User) -> None:
    login(client, administrator)
    User.objects.filter(pk=staff_member.pk).update(is_active=False)

    response = client.post(f"/organisation/staff/{staff_member.pk}/reactivate/")

    assert response.status_code == 302
    staff_member.refresh_from_db()
    assert staff_member.is_active


def test_staff_invite_again_only_before_a_password_is_chosen(
    client: Client, world: World, administrator: User, staff_member: User, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, administrator)
    invited = UserFactory(municipality=world.municipality, email="ny@kommun.example")
    invited.set_unusable_password()
    invited.save()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/organisation/staff/{invited.pk}/invite/")
        refused = client.post(f"/organisation/staff/{staff_member.pk}/invite/")

    assert sent.status_code == 302
    assert refused.status_code == 200
    assert [message.to for message in mail.outbox] == [["ny@kommun.example"]]


def test_membership_add_asks_for_a_role(client: Client, world: World, administrator: User, staff_member: User) -> None:
    login(client, administrator)

    response = client.post(f"/organisation/staff/{staff_member.pk}/roles/", {"unit": world.school.pk, "role": "mentor"})

    assert response.status_code == 302
    assert staff_member.memberships.filter(unit=world.school, role="mentor", awaiting_approval=True).exists()
    assert AuditEvent.objects.get(action=AuditAction.WRITE).target_type == "membership"


def test_membership_add_duplicate_shows_an_error_and_keeps_the_input(
    client: Client, world: World, administrator: User, staff_member: User
) -> None:
    login(client, administrator)

    response = client.post(
        f"/organisation/staff/{staff_member.pk}/roles/", {"unit": world.other_school.pk, "role": "teacher"}
    )

    assert response.status_code == 200
    assert "role" in response.context["membership_form"].errors
    body = response.content.decode()
    assert "data-error-summary" in body
    assert f'<option value="{world.other_school.pk}" selected>Björkskolan</option>' in body
    assert '<option value="teacher" selected>' in body
    assert staff_member.memberships.count() == 1
    assert _writes() == 0


def test_membership_add_refuses_a_unit_of_another_municipality(
    client: Client, world: World, administrator: User, staff_member: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)

    response = client.post(
        f"/organisation/staff/{staff_member.pk}/roles/", {"unit": elsewhere.school.pk, "role": "teacher"}
    )

    assert response.status_code == 200
    assert "unit" in response.context["membership_form"].errors
    assert "Annanskolan" not in response.content.decode()
    assert staff_member.memberships.count() == 1


def test_membership_end_ends_the_role(client: Client, world: World, administrator: User, staff_member: User) -> None:
    login(client, administrator)
    membership = staff_member.memberships.get()

    response = client.post(f"/organisation/staff/{staff_member.pk}/roles/{membership.pk}/end/")

    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.active


def test_membership_end_of_another_persons_membership_is_not_found(
    client: Client, world: World, administrator: User, staff_member: User, teacher: User
) -> None:
    login(client, administrator)
    membership = teacher.memberships.get()

    response = client.post(f"/organisation/staff/{staff_member.pk}/roles/{membership.pk}/end/")

    assert response.status_code == 404
    assert Membership.objects.get(pk=membership.pk).active


def test_staff_list_searches_name_and_email(
    client: Client, world: World, administrator: User, staff_member: User, teacher: User
) -> None:
    User.objects.filter(pk=teacher.pk).update(first_name="Per", last_name="Berg")  # a generated name could match
    login(client, administrator)

    by_name = client.get("/organisation/staff/", {"q": "anna lind"}).content.decode()
    by_email = client.get("/organisation/staff/", {"q": "larare@"}).content.decode()

    assert staff_member.email in by_name
    assert teacher.email not in by_name
    assert teacher.email in by_email
    assert staff_member.email not in by_email


def test_staff_list_filters_unit_and_role_on_the_same_membership(
    client: Client, world: World, administrator: User, teacher: User, principal: User
) -> None:
    login(client, administrator)
    both = UserFactory(municipality=world.municipality, email="bada@kommun.example")
    MembershipFactory(user=both, unit=world.school, role="mentor")
    MembershipFactory(user=both, unit=world.other_school, role="teacher")

    body = client.get("/organisation/staff/", {"unit": world.school.pk, "role": "teacher"}).content.decode()

    assert teacher.email in body
    assert principal.email not in body
    assert both.email not in body


def test_staff_list_filters_by_status(client: Client, world: World, administrator: User, staff_member: User) -> None:
    login(client, administrator)
    User.objects.filter(pk=staff_member.pk).update(is_active=False)

    inactive = client.get("/organisation/staff/", {"status": "inactive"}).content.decode()
    active = client.get("/organisation/staff/", {"status": "active"}).content.decode()

    assert staff_member.email in inactive
    assert administrator.email not in inactive
    assert staff_member.email not in active


def test_staff_list_unit_filter_offers_only_own_units(
    client: Client, world: World, administrator: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)

    response = client.get("/organisation/staff/", {"unit": elsewhere.school.pk})

    assert "unit" in response.context["filter"].form.errors
    body = response.content.decode()
    assert "Annanskolan" not in body
    assert elsewhere.person.email not in body


def test_nobody_grants_themselves_a_role_in_the_form_nor_in_the_action(
    client: Client, world: World, administrator: User
) -> None:
    from django.core.exceptions import PermissionDenied

    from kring.directory.actions import add_membership

    login(client, administrator)
    response = client.post(
        f"/organisation/staff/{administrator.pk}/roles/",
        {"unit": world.school.pk, "role": "kurator"},
        headers={"accept-language": "en"},
    )

    assert response.status_code == 200
    assert "Nobody gives themselves a role" in response.content.decode()
    with pytest.raises(PermissionDenied):
        add_membership(by=administrator, person=administrator, unit=world.school, role="kurator")
    assert not administrator.memberships.filter(role="kurator").exists()
    assert _writes() == 0


def test_log_review_lists_the_changes_of_access(
    client: Client, world: World, administrator: User, staff_member: User
) -> None:
    login(client, administrator)
    client.post(f"/organisation/staff/{staff_member.pk}/roles/", {"unit": world.school.pk, "role": "mentor"})
    client.get("/children/")

    body = client.get("/audit/?access_changes=on", headers={"accept-language": "en"}).content.decode()

    assert "Role in a unit (access)" in body
    assert "Child overview" not in body and "Children (search)" not in body


def test_staff_edit_sets_the_single_sign_on_identifier_unique_within_the_municipality(
    client: Client, world: World, administrator: User, staff_member: User, teacher: User, elsewhere: Elsewhere
) -> None:
    login(client, administrator)
    elsewhere.person.sso_identifier = "anna@ekskolan.example"
    elsewhere.person.save(update_fields=["sso_identifier"])  # another municipality may use the same identifier
    data = {"first_name": "Anna", "last_name": "Lind", "email": staff_member.email, "phone": ""}

    response = client.post(
        f"/organisation/staff/{staff_member.pk}/", {**data, "sso_identifier": "anna@ekskolan.example"}
    )

    assert response.status_code == 302
    staff_member.refresh_from_db()
    assert staff_member.sso_identifier == "anna@ekskolan.example"
    assert AuditEvent.objects.get(action=AuditAction.WRITE).details["changed"]["sso_identifier"] == [
        "",
        "anna@ekskolan.example",
    ]
    taken = client.post(
        f"/organisation/staff/{teacher.pk}/",
        {**data, "email": teacher.email, "sso_identifier": "anna@ekskolan.example"},
    )
    assert taken.status_code == 200
    teacher.refresh_from_db()
    assert teacher.sso_identifier == ""
