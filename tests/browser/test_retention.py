"""The archivist keeps the retention rules in the browser: the list with what each makes due today, a rule changed
with its source, a refusal keeping what was typed; no WCAG 2.1 AA violation (axe-core). Screenshots 110–112."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.records.models import RetentionRule
from tests.browser.accessibility import axe_violations
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World, _staff
from tests.factories import UnitFactory

pytestmark = pytest.mark.browser


def test_the_archivist_changes_a_rule(page: Page, live_server, world: World, screenshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    office = UnitFactory(organisation=world.school.organisation, name="Kommunarkivet", school_forms=[], grades=[])
    archivist = _staff(world.municipality, office, "archivist", "arkivarie@kommun.example")
    page.set_default_timeout(10_000)
    _log_in(page, f"{live_server.url}/records/retention/", archivist)
    expect(page.locator("h1")).to_have_text("Gallringsregler")
    _screenshots(page, screenshot_dir, "110-retention-rules")
    assert axe_violations(page) == []

    page.locator("a[href='/records/retention/concern/']").click()
    page.locator("[name=source]").fill("")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _screenshots(page, screenshot_dir, "111-retention-rule-error")
    assert axe_violations(page) == []
    page.locator("[name=keep_years]").fill("7")
    page.locator("[name=source]").fill("DHP Barn- och utbildningsnämnden 2026, punkt 4.1")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    _screenshots(page, screenshot_dir, "112-retention-rule-saved")
    assert RetentionRule.objects.get(record_type="concern").keep_years == 7
