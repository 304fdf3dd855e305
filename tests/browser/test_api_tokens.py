"""The organisation admin makes an API token for the e-service in the browser, copies it from the page that shows it
once, and revokes it; the API answers the token as its state says. No WCAG 2.1 AA violation (axe-core).
Screenshots 120–122."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kring.api.models import ApiToken
from kring.directory.models import UnitKind
from tests.browser.accessibility import axe_violations
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World, _staff
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser


def test_the_administrator_makes_and_revokes_a_token(
    page: Page, live_server, world: World, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    administrator = _staff(world.municipality, world.school, "administrator", "admin@kommun.example")
    centre = UnitFactory(
        organisation=world.social_services.organisation, name="Kontaktcenter", kind=UnitKind.OTHER,
        school_forms=[], grades=[],
    )  # fmt: skip
    page.set_default_timeout(10_000)
    _log_in(page, f"{live_server.url}/organisation/api-tokens/", administrator)
    assert axe_violations(page) == []

    page.locator("a[href='/organisation/api-tokens/new/']").click()
    page.locator("[name=name]").fill("E-tjänst orosanmälan")
    page.locator("[name=unit]").select_option(str(centre.pk))
    page.locator("[name=role]").select_option("e_service")
    page.locator("[name=expires_on]").fill((timezone.localdate() + dt.timedelta(days=180)).isoformat())
    _screenshots(page, screenshot_dir, "120-api-token-new")
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()

    secret = page.locator("#api-token-secret").input_value()
    _screenshots(page, screenshot_dir, "121-api-token-created")
    assert axe_violations(page) == []
    token = ApiToken.objects.get()
    assert secret.startswith(token.prefix) and token.secret_hash != secret
    bearer = {"Authorization": f"Bearer {secret}"}
    waiting = page.request.get(f"{live_server.url}/api/v1/units", headers=bearer)
    assert waiting.status == 403 and waiting.headers["content-type"] == "application/problem+json"

    page.goto(f"{live_server.url}/organisation/api-tokens/")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert secret not in page.content()
    page.locator("main table form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    _screenshots(page, screenshot_dir, "122-api-token-revoked")
    assert page.request.get(f"{live_server.url}/api/v1/units", headers=bearer).status == 401
