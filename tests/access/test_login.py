"""Login: password then TOTP, clear errors in Swedish and English, rate limits, audit, idle timeout, admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from kring.access.auth import current_totp_code
from kring.access.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, TOTP_SECRET, login
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
TOTP = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _wrong_code() -> str:
    return f"{(int(current_totp_code(TOTP_SECRET)) + 500_000) % 1_000_000:06d}"


def test_login_with_password_and_totp_reaches_the_start_page(client: Client, teacher) -> None:  # type: ignore[no-untyped-def]
    response = client.post(LOGIN, {"login": teacher.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(TOTP)

    response = client.post(TOTP, {"code": current_totp_code(TOTP_SECRET)})

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=teacher.pk).count() == 1


def test_totp_code_of_the_step_before_is_accepted_but_not_two_steps_old(client: Client, teacher) -> None:  # type: ignore[no-untyped-def]
    """RFC 6238 section 5.2: one step of drift, so that a code typed as its window closes still works."""
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(seconds=30), tick=False):
        one_step_old = current_totp_code(TOTP_SECRET)
    with time_machine.travel(now - dt.timedelta(seconds=65), tick=False):
        two_steps_old = current_totp_code(TOTP_SECRET)
    with time_machine.travel(now, tick=False):
        client.post(LOGIN, {"login": teacher.email, "password": PASSWORD})

        refused = client.post(TOTP, {"code": two_steps_old})
        accepted = client.post(TOTP, {"code": one_step_old})

    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=teacher.pk).count() == 1


def test_login_without_the_totp_step_sees_nothing(client: Client, world, teacher) -> None:  # type: ignore[no-untyped-def]
    client.post(LOGIN, {"login": teacher.email, "password": PASSWORD})
    response = client.get(f"/children/{world.child.pk}/")
    assert response.status_code == 302
    assert "Testsson" not in response.content.decode()


@pytest.mark.parametrize(("language", "message"), [("sv", "Felaktig kod."), ("en", "Incorrect code.")])
def test_login_with_a_wrong_totp_code_says_so_and_is_audited(
    client: Client, teacher, language: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    headers = {"accept-language": language}
    client.post(LOGIN, {"login": teacher.email, "password": PASSWORD}, headers=headers)

    response = client.post(TOTP, {"code": _wrong_code()}, headers=headers)

    assert response.status_code == 200
    assert message in response.content.decode()
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_id == teacher.pk
    assert failed.details["reason"] == "wrong_code"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("language", "message"),
    [("sv", "lösenordet är felaktigt"), ("en", "you specified are not correct")],
)
def test_login_with_a_wrong_password_keeps_the_email_and_explains(
    client: Client, teacher, language: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        LOGIN, {"login": teacher.email, "password": "fel-lösenord"}, headers={"accept-language": language}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert f'value="{teacher.email}"' in body
    assert 'aria-invalid="true"' in body or "error-summary" in body or "field-error" in body
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_label == teacher.email
    assert event.details["reason"] == "bad_credentials"


def test_login_with_a_malformed_email_keeps_it_and_explains(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(LOGIN, {"login": "inte-en-adress", "password": "x"}, headers={"accept-language": "en"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="inte-en-adress"' in body
    assert "valid e-mail address" in body or "valid email address" in body


@pytest.mark.parametrize(
    ("language", "message"),
    [("sv", "För många misslyckade inloggningsförsök"), ("en", "Too many failed login attempts")],
)
def test_too_many_failed_logins_are_refused_even_with_the_right_password(
    client: Client, teacher, language: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    headers = {"accept-language": language}
    for _ in range(5):
        client.post(LOGIN, {"login": teacher.email, "password": "fel-lösenord"}, headers=headers)

    response = client.post(LOGIN, {"login": teacher.email, "password": PASSWORD}, headers=headers)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'value="{teacher.email}"' in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, details__reason="rate_limited").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_staff_without_totp_must_set_it_up_before_anything_else(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(municipality=world.municipality)
    login(client, user)

    response = client.get("/children/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    setup = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")  # confirm the password first


def test_the_django_admin_is_behind_the_same_login(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code in (200, 302)
    assert LOGIN in client.get("/admin/login/")["Location"]


def test_session_expires_after_inactivity(client: Client, teacher) -> None:  # type: ignore[no-untyped-def]
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    login(client, teacher)
    client.get("/")
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/").status_code == 302


def test_logout_is_audited_and_ends_the_session(client: Client, teacher) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor_id=teacher.pk).count() == 1
    assert client.get("/").status_code == 302
