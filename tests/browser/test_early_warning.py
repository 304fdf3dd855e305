"""Early warning of absence in the browser: the principal finds the school's pupils over the thresholds, starts
the investigation of absence with one click, records it and closes it; the pupil's overview shows the absence.
Screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kring.schooldata.indicators import recompute_indicators
from kring.schooldata.models import AbsenceInvestigation, AbsenceKind, AbsenceRecord, InvestigationStatus
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def _away_the_last_school_days(world: World, days: int) -> None:
    """Whole days away, unexcused, on the last `days` weekdays before today."""
    day, written = timezone.localdate(), 0
    rows = []
    while written < days:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            rows.append(
                AbsenceRecord(
                    municipality=world.municipality, child=world.child, unit=world.school, day=day, minutes=300,
                    kind=AbsenceKind.INVALID, source_id=f"browser-{day}",
                )
            )  # fmt: skip
            written += 1
    AbsenceRecord.objects.bulk_create(rows)
    recompute_indicators(world.municipality.pk)


def test_principal_starts_and_closes_an_investigation_of_absence(
    page: Page, live_server, world: World, principal, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    _away_the_last_school_days(world, 6)
    page.set_default_timeout(10_000)

    _log_in(page, f"{live_server.url}/absence/", principal)
    page.locator(f"a[href='/absence/{world.school.pk}/']").first.click()
    expect(page.get_by_role("link", name=world.child.full_name).first).to_be_visible()
    page.screenshot(path=screenshot_dir / "60-early-warning.png", full_page=True)
    fits = "document.querySelector('main table').scrollWidth <= document.querySelector('main').clientWidth"
    assert page.evaluate(fits)  # the table fits 1,280 px without scrolling
    _screenshots(page, screenshot_dir, "60-early-warning")  # 1,280 px and a phone, no sideways scroll of the page

    page.locator(f"form[action='/absence/{world.school.pk}/investigate/{world.child.pk}/'] button").click()
    investigation = AbsenceInvestigation.objects.get(child=world.child)
    page.locator("[name=background]").fill("Borta sex skoldagar i rad utan anmälan.")
    page.locator("[name=student_health_involved]").check()
    page.locator("[name=measures]").fill("Samtal med vårdnadshavare och kurator.")
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page.locator(".message--success")).to_be_visible()
    page.screenshot(path=screenshot_dir / "61-absence-investigation.png", full_page=True)

    page.locator(f"a[href='/absence/investigations/{investigation.pk}/close/']").click()
    page.locator("[name=conclusion]").fill("Eleven är tillbaka i skolan med anpassningar.")
    page.locator("main form[method=post] button[type=submit]").first.click()
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.CLOSED
    assert investigation.student_health_involved

    page.goto(f"{live_server.url}/children/{world.child.pk}/")
    expect(page.locator("#absence-heading, [id*=absence]").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "62-child-absence.png", full_page=True)
