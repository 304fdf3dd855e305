"""An approval in the browser: where the municipality asks for it, a TSI plan waits for the team's unit manager,
who returns it with a comment from the start page; the team agrees a new version; the manager approves it and the
plan is in force. Screenshots in test-artifacts/ (77–79)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kring.casework.models import ApprovalSettings, PlanVersion
from kring.casework.tsi import actions as tsi_actions
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.casework.conftest import consent_input
from tests.conftest import World, _staff

pytestmark = pytest.mark.browser


def _plan(case, member) -> PlanVersion:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    plan = tsi_actions.PlanInput(
        today, [{"text": "Alva går till skolan varje dag"}], [{"text": "Väckning och följe"}],
        today + dt.timedelta(days=30), "Teamet",
    )  # fmt: skip
    return tsi_actions.agree_plan(by=member, case=case, plan=plan)


def test_a_plan_waits_is_returned_and_then_approved(
    page: Page, live_server, world: World, tsi_team, principal, tsi_member, guardians, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.set_default_timeout(10_000)
    ApprovalSettings.objects.create(municipality=world.municipality, tsi_plan=True)
    manager = _staff(world.municipality, tsi_team, "unit_manager", "chef.tsi@kommun.example")
    case = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ofta borta.")
    tsi_actions.assess_request(by=tsi_member, case=case, decision=tsi_actions.Decision.ACCEPT, note="Ja.")
    tsi_actions.record_consent(by=tsi_member, case=case, given=consent_input(guardians))
    _plan(case, tsi_member)

    _log_in(page, f"{live_server.url}/", manager)
    item = page.locator(".worklist__item", has_text="Godkänn: Den gemensamma planen, version 1")
    item.locator("a").click()
    _screenshots(page, screenshot_dir, "77-approval-to-decide")
    page.get_by_label("Vad som bör ändras").fill("Skriv in Alvas egna ord i målet.")
    page.get_by_role("button", name="Skicka tillbaka med kommentaren").click()
    expect(page.locator(".message--success")).to_contain_text("Tillbakaskickat")

    second = _plan(case, tsi_member)
    page.goto(f"{live_server.url}/")
    page.locator(".worklist__item", has_text="version 2").locator("a").click()
    page.get_by_role("button", name="Godkänn").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#plan-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Skriv in Alvas egna ord i målet.")
    _screenshots(page, screenshot_dir, "78-approval-approved-case")
    second.refresh_from_db()
    assert second.approval == "approved"
