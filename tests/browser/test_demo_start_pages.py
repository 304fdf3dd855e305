"""Every demo login's start page in the browser, at 1,280 px and on a phone (390 px): work on it, no sideways
scroll. Screenshots in test-artifacts/ (80-…)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.access.auth import current_totp_code
from kring.demo.actions import seed_demo
from tests.browser.test_start_page import _screenshots

pytestmark = pytest.mark.browser


def _log_in(page: Page, url: str, email: str, password: str, secret: str) -> None:
    page.goto(url)
    page.locator("[name=login]").fill(email)
    page.locator("[name=password]").fill(password)
    page.locator("main button[type=submit]").first.click()
    page.locator("[name=code]").fill(current_totp_code(secret))
    page.locator("main button[type=submit]").first.click()


def test_every_demo_start_page_has_work_and_fits(new_context, live_server, screenshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    demo = seed_demo(size="small", seed=11)
    for number, login in enumerate(demo.logins):
        page = new_context().new_page()
        page.set_default_timeout(10_000)
        _log_in(page, f"{live_server.url}/", login.email, login.password, login.totp_secret)
        expect(page.locator(".worklist__item").first).to_be_visible()
        _screenshots(page, screenshot_dir, f"8{number:02d}-start-{login.role}")
        page.context.close()
