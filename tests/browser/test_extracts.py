# ruff: noqa: F811
"""The data protection coordinator answers a guardian's request for the child's register extract in the browser:
registers it (a wrong number refused, nothing typed lost), compiles it, reviews every item (the child's secret story
withheld from the start), releases it; no WCAG 2.1 AA violation (axe-core). Screenshots 113–116."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.casework.models import TsiCase
from kring.records.models import ExtractStatus, RegisterExtract
from tests.browser.accessibility import axe_violations
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.casework.conftest import accepted_case, consented_case, requested_case  # noqa: F401
from tests.conftest import World, _staff
from tests.factories import UnitFactory
from tests.family.conftest import SECRET_STORY, family_case  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_register_extract_from_request_to_release(  # type: ignore[no-untyped-def]
    page: Page,
    live_server,
    world: World,
    family_case: TsiCase,
    screenshot_dir: Path,  # noqa: F811
) -> None:
    office = UnitFactory(organisation=world.school.organisation, name="Kommunkansliet", school_forms=[], grades=[])
    officer = _staff(world.municipality, office, "privacy_officer", "dataskydd@kommun.example")
    page.set_default_timeout(15_000)
    _log_in(page, f"{live_server.url}/records/extracts/new/", officer)
    page.locator("label[for=id_subject_kind_0]").click()
    page.locator("[name=subject]").fill("19000101-0000")
    page.locator("[name=requested_by]").fill("Vårdnadshavaren i receptionen, id-kort")
    page.locator("label[for=id_by_guardian]").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("[name=requested_by]")).to_have_value("Vårdnadshavaren i receptionen, id-kort")
    _screenshots(page, screenshot_dir, "113-extract-request-error")
    assert axe_violations(page) == []

    page.locator("[name=subject]").fill(family_case.child.identity_number)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    page.get_by_role("button", name="Sammanställ utdraget").click()
    expect(page.get_by_text(SECRET_STORY)).to_be_visible()
    expect(page.get_by_text("inne från början").first).to_be_visible()
    _screenshots(page, screenshot_dir, "114-extract-draft")
    assert axe_violations(page) == []

    page.locator("[name=note]").fill("Granskat mot OSL; barnets berättelse hålls inne.")
    page.get_by_role("button", name="Spara granskningen").click()
    expect(page.get_by_role("link", name="Ladda ner utdraget (PDF)")).to_be_visible()
    _screenshots(page, screenshot_dir, "115-extract-reviewed")
    page.locator("[name=how]").fill("Rekommenderat brev till folkbokföringsadressen")
    page.get_by_role("button", name="Registrera utdraget som utlämnat").click()
    expect(page.locator(".message--success")).to_be_visible()
    _screenshots(page, screenshot_dir, "116-extract-released")
    assert axe_violations(page) == []
    extract = RegisterExtract.objects.get()
    assert extract.status == ExtractStatus.RELEASED and extract.by_guardian
