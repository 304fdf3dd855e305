"""A teacher logs in with TOTP, finds a pupil, opens the overview and switches to English."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.access.auth import current_totp_code
from tests.conftest import PASSWORD, TOTP_SECRET, World

pytestmark = pytest.mark.browser


def test_teacher_logs_in_with_totp_finds_a_pupil_and_switches_to_english(
    page: Page, live_server, world: World, teacher, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("E-postadress").fill(teacher.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.screenshot(path=screenshot_dir / "01-login.png", full_page=True)
    page.get_by_role("button", name="Logga in").click()

    page.get_by_label("Kod").fill(current_totp_code(TOTP_SECRET))
    page.screenshot(path=screenshot_dir / "02-totp.png", full_page=True)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    page.screenshot(path=screenshot_dir / "03-start.png", full_page=True)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Hitta ett barn").click()
    page.get_by_label("Namn, födelsedatum eller personnummer").fill("Alva")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("link", name="Alva Testsson")).to_be_visible()
    expect(page.get_by_text("Annansson")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "04-search.png", full_page=True)

    page.get_by_role("link", name="Alva Testsson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Testsson")
    expect(page.get_by_text("Du ser detta eftersom:").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "05-overview-sv.png", full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Guardians and custody")).to_be_visible()
    expect(page.get_by_text("You see this because:").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "06-overview-en.png", full_page=True)
