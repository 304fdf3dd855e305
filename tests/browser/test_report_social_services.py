"""Social services' side of a report of concern in the browser: the contact person finds the acute report first in
the inbox, receives it, makes the protection assessment and the decision, and gives the feedback; the principal who
filed it sees exactly the feedback. Then the statistics page. Screenshots in test-artifacts/ (50–57)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.casework.models import ReportAssessment, ReportFeedback
from kring.casework.reports import actions
from kring.insights.actions import refresh_statistics
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World

pytestmark = pytest.mark.browser

DECISION_NOTE = "Utredning inleds; vårdnadshavarna kallas till samtal."
PROTECTION_NOTE = "Talat med Alva och mentor i dag. Ingen akut fara; skolan hör av sig om något händer."


def _report(world: World, principal, urgency: str):  # type: ignore[no-untyped-def]
    return actions.file_report(
        by=principal,
        child=world.child,
        report=actions.ReportInput(
            what_happened="Alva har blåmärken på armarna och säger att pappa blir arg.",
            when_and_where="Idrottslektionen i dag, mentor såg",
            guardians_informed=False,
            guardians_not_informed_why="Misstänkt våld i hemmet.",
            urgency=urgency,
            child_words="Pappa tog hårt i mig när jag kom hem sent.",
        ),
    )


def _submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


def test_social_services_handle_a_report_and_the_reporter_sees_the_feedback(
    page: Page, new_context, live_server, world: World, principal, social_worker, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    shot = 50

    def screenshot(browser_page: Page, name: str) -> None:
        nonlocal shot
        browser_page.screenshot(path=screenshot_dir / f"{shot}-report-{name}.png", full_page=True)
        shot += 1

    page.set_default_timeout(10_000)
    _report(world, principal, "normal")
    acute = _report(world, principal, "acute")

    _log_in(page, f"{live_server.url}/reports/inbox/", social_worker)
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_contain_text(f"{acute.pk}")  # acute before the other, filed at the same time
    screenshot(page, "inbox")

    rows.first.locator(f"a[href='/reports/{acute.pk}/']").click()
    expect(page.locator("blockquote")).to_contain_text("Pappa tog hårt i mig")
    screenshot(page, "received-page")
    page.locator(f"a[href='/reports/{acute.pk}/receive/']").click()
    _submit(page)
    expect(page.locator(".message--success")).to_be_visible()

    page.locator(f"a[href='/reports/{acute.pk}/protection/']").click()
    page.locator("[name=note]").fill(PROTECTION_NOTE)
    _submit(page)  # no outcome chosen: the note is kept
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("[name=note]")).to_have_value(PROTECTION_NOTE)
    screenshot(page, "protection-error")
    page.locator("[name=outcome][value=not_needed]").check()
    _submit(page)
    expect(page.locator(".message--success")).to_be_visible()

    page.locator(f"a[href='/reports/{acute.pk}/decision/']").click()
    page.locator("[name=decision][value=opened]").check()
    page.locator("[name=note]").fill(DECISION_NOTE)
    _submit(page)
    page.locator(f"a[href='/reports/{acute.pk}/feedback/']").click()
    expect(page.locator("[name=kind][value=opened]")).to_be_checked()
    screenshot(page, "feedback-form")
    _submit(page)
    expect(page.locator(".message--success")).to_be_visible()
    screenshot(page, "handled")
    assert ReportAssessment.objects.get(report=acute).decision == "opened"
    assert ReportFeedback.objects.get(report=acute).kind == "opened"

    principal_page = new_context().new_page()
    principal_page.set_default_timeout(10_000)
    _log_in(principal_page, f"{live_server.url}/reports/{acute.pk}/", principal)
    expect(principal_page.locator("#feedback-heading")).to_be_visible()
    expect(principal_page.locator("main")).not_to_contain_text(DECISION_NOTE)
    expect(principal_page.locator("main")).not_to_contain_text(PROTECTION_NOTE)
    expect(principal_page.locator("#assessment-heading")).to_have_count(0)
    screenshot(principal_page, "reporter-feedback")

    refresh_statistics(municipality=world.municipality)  # as the nightly task does
    page.goto(f"{live_server.url}/statistics/")
    expect(page.locator("main table").first).to_be_visible()
    expect(page.locator("main .lead")).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"))  # as of
    screenshot(page, "statistics")
