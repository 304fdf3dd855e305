"""The archivist hands a closed case to the archive in the browser: the list of closed cases, "Export archive
package" downloads the ZIP, the list then shows when; no WCAG 2.1 AA violation (axe-core). Screenshots 120–121."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.casework.models import TsiCase
from kring.records.models import ArchiveTransfer
from tests.browser.accessibility import axe_violations
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.casework.conftest import accepted_case, consented_case, requested_case  # noqa: F401
from tests.conftest import World, _staff
from tests.factories import UnitFactory
from tests.records.conftest import closed_case  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_archivist_exports_an_archive_package(  # type: ignore[no-untyped-def]
    page: Page,
    live_server,
    world: World,
    closed_case: TsiCase,  # noqa: F811
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    office = UnitFactory(organisation=world.school.organisation, name="Kommunarkivet", school_forms=[], grades=[])
    archivist = _staff(world.municipality, office, "archivist", "arkivarie@kommun.example")
    page.set_default_timeout(20_000)
    _log_in(page, f"{live_server.url}/records/archive/", archivist)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    _screenshots(page, screenshot_dir, "120-archive-packages")
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.locator(f"form[action='/records/archive/tsi_case/{closed_case.pk}/export/'] button").click()
    download = download_info.value
    transfer = ArchiveTransfer.objects.get()
    assert download.suggested_filename == f"{transfer.objid}.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert f"{transfer.objid}/METS.xml" in archive.namelist()

    page.reload()
    expect(page.locator("tbody tr td").nth(3)).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
    _screenshots(page, screenshot_dir, "121-archive-package-exported")
    assert axe_violations(page) == []
