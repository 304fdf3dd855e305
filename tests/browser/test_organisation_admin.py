"""An administrator looks after the organisation: the overview, units, a new staff member with a mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.access.auth import current_totp_code
from tests.conftest import PASSWORD, TOTP_SECRET, World

pytestmark = pytest.mark.browser


def test_administrator_manages_the_organisation(
    page: Page, live_server, world: World, administrator, teacher, social_worker, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/organisation/")
    page.locator("[name=login]").fill(administrator.email)
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.locator("[name=code]").fill(current_totp_code(TOTP_SECRET))
    page.locator("main button[type=submit]").first.click()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=screenshot_dir / "30-organisation.png", full_page=True)
    page.goto(f"{live_server.url}/organisation/units/{world.school.pk}/contacts/")
    expect(page.get_by_text(social_worker.email).first).to_be_visible()
    page.screenshot(path=screenshot_dir / "31-contact-persons.png", full_page=True)

    page.goto(f"{live_server.url}/organisation/staff/new/")
    page.locator("[name=first_name]").fill("Ny")
    page.locator("[name=last_name]").fill("Person")
    page.locator("[name=email]").fill(teacher.email)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("[name=first_name]")).to_have_value("Ny")
    page.screenshot(path=screenshot_dir / "32-staff-error.png", full_page=True)
