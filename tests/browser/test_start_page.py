"""The start page in the browser: the social worker's "to do today" lists a report due today and leads to it; the
principal's and the TSI team's start pages, and the child's whole picture, at 1,280 px and on a phone (390 px),
with no horizontal scroll. Screenshots in test-artifacts/ (70–79)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.casework.reports import actions as report_actions
from kring.casework.tsi import actions as tsi_actions
from tests.browser.test_tsi_case import _log_in
from tests.casework.test_start_page import concern_input, report_input
from tests.conftest import World

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


def _no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >"
        " document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5).join(', ')"
        " + ' | table parent: ' + (document.querySelector('main table') || {parentElement: {className: '-'}})"
        ".parentElement.className"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px: {wide}"


def _screenshots(page: Page, directory: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=directory / f"{name}-{width}.png", full_page=True)
        _no_horizontal_scroll(page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_the_social_worker_starts_on_the_report_due_today(
    page: Page, new_context, live_server, world: World, principal, teacher, social_worker, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.set_default_timeout(10_000)
    report = report_actions.file_report(by=principal, child=world.child, report=report_input())
    report_actions.record_concern(by=teacher, child=world.child, concern=concern_input())

    _log_in(page, f"{live_server.url}/", social_worker)
    item = page.locator(".worklist__item").first
    expect(item).to_contain_text("Registrera anmälan som mottagen")
    expect(item).to_contain_text("Alva Testsson")
    expect(page.locator(".site-nav .nav-count")).to_have_count(1)
    _screenshots(page, screenshot_dir, "70-start-social-worker")

    item.locator("a").click()
    expect(page).to_have_url(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator("h1")).to_contain_text(str(report.pk))

    school = new_context().new_page()
    school.set_default_timeout(10_000)
    _log_in(school, f"{live_server.url}/", principal)
    expect(school.locator(".worklist")).to_contain_text("Besluta om fortsättningen för en oro")
    _screenshots(school, screenshot_dir, "71-start-principal")

    school.goto(f"{live_server.url}/children/{world.child.pk}/")
    expect(school.locator("#picture-heading")).to_be_visible()
    expect(school.locator(".chronology")).to_contain_text("Orosanmälan gjord av Ekskolan")
    _screenshots(school, screenshot_dir, "72-child-whole-picture")


def test_the_tsi_team_starts_on_the_request_to_assess(
    page: Page, live_server, world: World, tsi_team, principal, tsi_member, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.set_default_timeout(10_000)
    case = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ofta borta, ledsen.")
    _log_in(page, f"{live_server.url}/", tsi_member)
    expect(page.locator(".worklist")).to_contain_text("Bedöm en förfrågan om hjälp")
    _screenshots(page, screenshot_dir, "73-start-tsi-team")
    page.locator(".worklist__item a").first.click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")
