"""An administrator logs in with TOTP and reviews the log for reads without a placement or case basis."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.access.audit import record_event
from kring.access.auth import current_totp_code
from kring.access.models import AuditAction
from tests.conftest import PASSWORD, TOTP_SECRET, World

pytestmark = pytest.mark.browser


def test_administrator_reviews_reads_without_a_basis(
    page: Page, live_server, world: World, administrator, teacher, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    # a read by a teacher (the administrator's own organisation, the education administration) with no basis
    record_event(actor=teacher, action=AuditAction.READ, target_type="child_overview", child_id=world.child.pk)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("E-postadress").fill(administrator.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Kod").fill(current_totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Loggkontroll")
    page.get_by_label("Endast läsningar", exact=False).check()
    page.get_by_role("button", name="Visa händelser").click()
    expect(page.get_by_role("cell", name=teacher.email)).to_be_visible()
    expect(page.get_by_text("Alva Testsson")).to_be_visible()
    page.screenshot(path=screenshot_dir / "10-log-review.png", full_page=True)

    # the review itself is recorded, with what was concluded
    page.get_by_label("Slutsats").select_option("followed_up")
    page.get_by_label("Anteckning").fill("Frågar läraren och rektor varför.")
    page.get_by_role("button", name="Registrera loggkontrollen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrerade loggkontroller")
    expect(page.get_by_text("Frågar läraren och rektor varför.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "10-log-review-recorded.png", full_page=True)
    page.goto(f"{live_server.url}/audit/")

    page.get_by_label("Barnets personnummer").fill("20120113-0000")
    page.get_by_role("button", name="Visa händelser").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Barnets personnummer")).to_have_value("20120113-0000")
    page.screenshot(path=screenshot_dir / "11-log-review-error.png", full_page=True)
