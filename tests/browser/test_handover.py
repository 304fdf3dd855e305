"""A handover in the browser: the case lead offers a TSI case to another team; the receiver sees the offer without
the child and declines; the lead offers again; the receiver accepts and only then opens the case. Screenshots in
test-artifacts/ (74–76)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.casework.tsi import actions as tsi_actions
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_a_case_is_declined_offered_again_and_accepted_by_another_team(
    page: Page, new_context, live_server, world: World, tsi_team, principal, tsi_member, other_team_member,
    screenshot_dir: Path,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    case = tsi_actions.request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ofta borta.")
    tsi_actions.assess_request(by=tsi_member, case=case, decision=tsi_actions.Decision.ACCEPT, note="Ja.")
    other_team = other_team_member.memberships.get().unit
    lead, receiver = page, new_context().new_page()
    for browser_page in (lead, receiver):
        browser_page.set_default_timeout(10_000)

    def offer(reason: str) -> None:
        lead.goto(f"{live_server.url}/cases/{case.pk}/")
        lead.get_by_role("link", name="Lämna över ärendet").click()
        lead.get_by_label("Eller till en annan enhet").select_option(str(other_team.pk))
        lead.get_by_label("Varför").fill(reason)
        lead.locator("main form[method=post] button[type=submit]").click()
        expect(lead.locator(".message--warning")).to_contain_text("Erbjuden till Annat team")

    _log_in(lead, f"{live_server.url}/", tsi_member)
    offer("Familjen har flyttat till ert område.")
    _screenshots(lead, screenshot_dir, "74-handover-waiting")

    _log_in(receiver, f"{live_server.url}/", other_team_member)
    assert receiver.goto(f"{live_server.url}/cases/{case.pk}/").status == 404
    receiver.goto(f"{live_server.url}/")
    receiver.locator(".worklist__item a").first.click()
    expect(receiver.locator("main")).to_contain_text("Familjen har flyttat till ert område.")
    expect(receiver.locator("main")).not_to_contain_text("Testsson")
    _screenshots(receiver, screenshot_dir, "75-handover-to-answer")
    receiver.get_by_label("Varför du avböjer").fill("Vi har ingen plats förrän i januari.")
    receiver.get_by_role("button", name="Avböj överlämningen").click()
    expect(receiver.locator(".message--success")).to_contain_text("Du har avböjt")
    assert receiver.goto(f"{live_server.url}/cases/{case.pk}/").status == 404

    offer("Nu finns plats hos er enligt er samordnare.")
    receiver.goto(f"{live_server.url}/")
    receiver.locator(".worklist__item a").first.click()
    receiver.get_by_role("button", name="Ta emot och ta över").click()
    expect(receiver).to_have_url(f"{live_server.url}/cases/{case.pk}/")
    expect(receiver.locator("h1")).to_contain_text("Alva Testsson")
    _screenshots(receiver, screenshot_dir, "76-handover-accepted")
    assert lead.goto(f"{live_server.url}/cases/{case.pk}/").status == 404
