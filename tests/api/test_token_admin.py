"""The organisation admin's pages for API tokens: a manager creates a token (its secret shown once, only its hash
kept), its role waits for a second manager, and revoking it refuses it at once. Nobody else reaches the pages, and
no manager reaches another municipality's tokens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kring.access.auth import activate_totp, current_totp_code
from kring.access.models import AuditAction, AuditEvent
from kring.api.models import ApiToken
from kring.api.tokens import hash_secret
from kring.directory.actions import StaffDetails, approve_membership, update_staff_user
from kring.directory.models import Membership, Unit, User
from tests.api.conftest import Issued
from tests.conftest import PASSWORD, TOTP_SECRET, World, login
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = ["teacher", "principal", "social_worker", "police_officer", "tsi_member", "outsider"]


@pytest.fixture
def second_manager(world: World) -> User:
    user = UserFactory(municipality=world.municipality, email="admin2@kommun.example")
    MembershipFactory(user=user, unit=world.school, role="administrator")
    activate_totp(user, TOTP_SECRET)
    return user


def _create(client: Client, unit: Unit, role: str = "e_service", name: str = "E-tjänst orosanmälan") -> str:
    expires = timezone.localdate() + dt.timedelta(days=90)
    page = client.post(
        reverse("api_token_create"), {"name": name, "unit": unit.pk, "role": role, "expires_on": expires.isoformat()}
    )
    assert page.status_code == 200, page.content.decode()
    found = re.search(r'value="(kring_[^"]+)"', page.content.decode())
    assert found is not None
    return found.group(1)


def test_a_token_is_created_shown_once_and_kept_only_as_its_hash(
    client: Client, world: World, administrator: User, contact_centre: Unit
) -> None:
    secret = _create(login(client, administrator), contact_centre)

    token = ApiToken.objects.get()
    assert token.secret_hash == hash_secret(secret) and secret.startswith(token.prefix)
    assert secret not in str(list(ApiToken.objects.values()))
    assert secret not in str(list(AuditEvent.objects.values()))
    assert not token.system_user.has_usable_password() and token.system_user.email.endswith(".invalid")
    listing = client.get(reverse("api_token_list")).content.decode()
    assert token.prefix in listing and secret not in listing
    event = AuditEvent.objects.get(target_type="api_token")
    assert event.actor_id == administrator.pk and event.details["prefix"] == token.prefix


def test_the_tokens_role_waits_for_a_second_manager(
    client: Client, world: World, administrator: User, second_manager: User, contact_centre: Unit
) -> None:
    secret = _create(login(client, administrator), contact_centre, role="social_worker", name="Statistik")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    before = client.get("/api/v1/units", **bearer)
    membership = Membership.objects.get(user__api_token__isnull=False)
    approve_membership(by=second_manager, membership=membership)
    after = client.get("/api/v1/units", **bearer)

    assert before.status_code == 403 and after.status_code == 200


def test_a_revoked_token_is_refused_at_once(client: Client, administrator: User, case_system: Issued) -> None:
    assert client.get("/api/v1/units", **case_system.headers()).status_code == 200

    login(client, administrator).post(reverse("api_token_revoke", args=[case_system.token.pk]))
    client.logout()

    case_system.token.refresh_from_db()
    assert case_system.token.revoked_by == administrator
    assert client.get("/api/v1/units", **case_system.headers()).status_code == 401


def test_roles_that_manage_or_review_are_never_offered_to_an_integration(
    client: Client, administrator: User, contact_centre: Unit
) -> None:
    page = login(client, administrator).get(reverse("api_token_create")).content.decode()

    assert 'value="e_service"' in page and 'value="tsi_team_member"' in page
    assert 'value="administrator"' not in page and 'value="unit_manager"' not in page
    refused = client.post(
        reverse("api_token_create"),
        {"name": "X", "unit": contact_centre.pk, "role": "administrator", "expires_on": "2099-01-01"},
    )
    assert refused.status_code == 200 and not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_nobody_else_reaches_the_token_pages(
    client: Client, request: pytest.FixtureRequest, persona: str, case_system: Issued
) -> None:
    login(client, request.getfixturevalue(persona))

    pages = [
        client.get(reverse("api_token_list")),
        client.get(reverse("api_token_create")),
        client.post(reverse("api_token_revoke", args=[case_system.token.pk])),
    ]

    assert [page.status_code for page in pages] == [404, 404, 404]
    case_system.token.refresh_from_db()
    assert case_system.token.revoked_at is None


def test_a_manager_of_another_municipality_sees_and_revokes_none_of_ours(
    client: Client, world: World, case_system: Issued
) -> None:
    school = world.other_municipality_child.placements.get().unit
    manager = UserFactory(municipality=school.municipality, email="admin@annanstad.example")
    MembershipFactory(user=manager, unit=school, role="administrator")
    activate_totp(manager, TOTP_SECRET)
    login(client, manager)

    listing = client.get(reverse("api_token_list"))
    revoke = client.post(reverse("api_token_revoke", args=[case_system.token.pk]))

    assert listing.status_code == 200 and case_system.token.name not in listing.content.decode()
    assert revoke.status_code == 404


def test_the_token_list_has_a_constant_number_of_queries(
    client: Client, world: World, administrator: User, tsi_team: Unit, django_assert_max_num_queries: object
) -> None:
    from tests.api.conftest import issue

    login(client, administrator)
    issue(tsi_team, "tsi_team_member", "Ett")
    client.get(reverse("api_token_list"))
    for name in ("Två", "Tre", "Fyra"):
        issue(tsi_team, "tsi_team_member", name)

    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get(reverse("api_token_list"))
    assert page.content.decode().count("<tr>") == 5


def test_a_system_user_never_logs_in_even_with_a_password_and_totp(client: Client, case_system: Issued) -> None:
    cache.clear()
    user = case_system.user
    user.set_password(PASSWORD)
    user.save()
    activate_totp(user, TOTP_SECRET)

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(TOTP_SECRET)})

    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, details__reason="system_user").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=user.pk).exists()


def test_a_system_user_gets_no_invitation_and_keeps_its_address(
    client: Client, administrator: User, case_system: Issued
) -> None:
    login(client, administrator)

    invite = client.post(reverse("directory_staff_invite", args=[case_system.user.pk]))

    assert invite.status_code == 403
    with pytest.raises(PermissionDenied):
        update_staff_user(
            by=administrator,
            person=case_system.user,
            details=StaffDetails(first_name="X", last_name="Y", email="real.person@kommun.example"),
        )


def test_an_integrations_user_is_never_offered_as_a_person(
    client: Client, world: World, administrator: User, social_services_token: Issued, social_worker: User
) -> None:
    from kring.casework.reports.actions import handler_candidates
    from kring.directory.queries import contact_person_candidates, grantable_roles

    assert list(handler_candidates(world.social_services.pk)) == [social_worker]
    assert social_services_token.user not in contact_person_candidates(administrator)
    assert "e_service" not in dict(grantable_roles(administrator))
    assert "e_service" in dict(grantable_roles(administrator, integration=True))
