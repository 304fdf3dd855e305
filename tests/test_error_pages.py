"""Error pages 403, 404, 500 and a failed CSRF check are Kring's own, in Swedish and English, and say what to do;
never Django's pages, never a list of URL patterns (issue 12, section 3)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from kring.directory.models import User
from kring.errors import server_error
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading"), [("en", "The page is not here"), ("sv", "Sidan finns inte här")])
def test_error_page_404_is_krings_own_in_both_languages(
    client: Client, teacher: User, language: str, heading: str
) -> None:
    response = login(client, teacher).get("/no-such-page/", headers={"accept-language": language})

    body = response.content.decode()
    assert response.status_code == 404
    assert heading in body and 'class="site-header"' in body
    assert "URLconf" not in body and "Page not found" not in body


def test_error_page_403_says_the_step_is_someone_elses(client: Client, world, tsi_team, principal: User) -> None:  # type: ignore[no-untyped-def]
    from kring.casework.tsi import actions

    case = actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Hjälp.")
    response = login(client, principal).get(f"/cases/{case.pk}/assess/", headers={"accept-language": "en"})

    assert response.status_code == 403
    assert "You may not take this step" in response.content.decode()


def test_error_page_of_a_failed_csrf_check_says_to_reload(teacher: User) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, teacher)

    response = client.post("/concerns/", {"anything": "x"}, headers={"accept-language": "en"})

    body = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in body and "CSRF verification failed" not in body


def test_error_page_500_is_krings_own_and_needs_no_database(world) -> None:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    with translation.override("sv"):
        response = server_error(request)

    body = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel hos oss" in body and "Server Error" not in body


def test_error_page_503_when_the_database_is_unreachable(
    client: Client, teacher: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    def unreachable(user: object) -> None:
        raise OperationalError("connection failed: FATAL: sorry, too many clients already")

    login(client, teacher)
    monkeypatch.setattr("kring.directory.views.role_grants", unreachable)
    client.raise_request_exception = False

    response = client.get("/", headers={"accept-language": "en"})

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Kring cannot reach its database just now" in response.content.decode()
