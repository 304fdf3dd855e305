"""The evaluation of TSI for the demo municipality in the browser: the coordinator sees the attendance beside the
comparison group with intervals, the difference in differences in plain words, the balance, the ratings and the
method's fidelity, and the chart, at 1,280 px and on a phone, with no accessibility violation; the principal of one
school sees that there are too few cases to show. Screenshots in test-artifacts/ (150-…)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from playwright.sync_api import Page, expect

from kring.demo.actions import seed_demo
from kring.directory.models import User
from kring.insights.investment.views import REPORT_TEMPLATE, report_context
from tests.browser.accessibility import axe_violations
from tests.browser.test_demo_start_pages import _log_in
from tests.browser.test_start_page import _screenshots

pytestmark = pytest.mark.browser


def _logged_in(new_context, live_server, login, **options) -> Page:  # type: ignore[no-untyped-def]
    """A new browser page with the demo login logged in (two-factor code and all)."""
    page = new_context(**options).new_page()
    page.set_default_timeout(10_000)
    _log_in(page, f"{live_server.url}/", login.email, login.password, login.totp_secret)
    return page


def _assert_chart(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The page's chart is an SVG the browser can fetch."""
    chart = page.request.get(live_server.url + (page.locator("main img.chart").get_attribute("src") or ""))
    assert chart.ok and b"<svg" in chart.body()


def test_the_demo_evaluation_shows_outcomes_beside_a_comparison_group(
    new_context, live_server, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    demo = seed_demo(size="small", seed=11)
    logins = {login.role: login for login in demo.logins}

    coordinator = logins["coordinator"]
    page = _logged_in(new_context, live_server, coordinator)
    page.goto(f"{live_server.url}/statistics/")
    page.get_by_role("link", name="Utvärdering av TSI").click()

    expect(page.locator("main h1")).to_have_text("Utvärdering av TSI: hjälpte samverkan?")
    expect(page.locator("main h2")).to_have_count(5)
    expect(page.get_by_text("Skillnad, med 95 % intervall")).to_be_visible()
    expect(page.locator("main img.chart")).to_be_visible()
    _assert_chart(page, live_server)
    assert axe_violations(page) == []
    _screenshots(page, screenshot_dir, "150-evaluation")

    principal = logins["principal"]
    page = _logged_in(new_context, live_server, principal)
    page.goto(f"{live_server.url}/statistics/evaluation/")
    assert "Skillnad i skillnader" not in page.locator("main").inner_text()
    _screenshots(page, screenshot_dir, "151-evaluation-principal")


def test_the_coordinator_defines_a_study_and_releases_its_data_set(
    new_context, live_server, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    demo = seed_demo(size="small", seed=11)
    coordinator = next(login for login in demo.logins if login.role == "coordinator")
    page = _logged_in(new_context, live_server, coordinator, accept_downloads=True)
    page.goto(f"{live_server.url}/statistics/evaluation/")
    page.get_by_role("link", name="Uppgifter för forskning").click()

    page.get_by_label("Studiens titel").fill("Närvaro efter TSI i Laholm")
    page.get_by_label("Syfte").fill("Följa närvaron före och efter TSI.")
    page.get_by_label("Forskningshuvudman").fill("Högskolan i Halmstad")
    page.get_by_label("Huvudansvarig forskare").fill("Forskare Påhittad")
    page.get_by_label("Diarienummer för etikgodkännandet").fill("Dnr 2026-01234-01")
    for label in ("Skola", "Årskurs när ärendet begärdes", "Närvaro före (%)", "Närvaro efter (%)"):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("Ärenden begärda från").fill("2024-01-01")
    page.get_by_label("Ärenden begärda till och med").fill("2026-12-31")
    page.get_by_label("Studien slutar").fill("2030-06-30")
    assert axe_violations(page) == []
    _screenshots(page, screenshot_dir, "152-research-study-form")
    page.get_by_role("button", name="Spara studien").click()

    expect(page.locator("main h1")).to_have_text("Närvaro efter TSI i Laholm")
    with page.expect_download() as download:
        page.get_by_role("button", name="Lämna ut datamängden").click()
    text = Path(download.value.path()).read_text()
    assert text.startswith("pseudonym,group,matched_to,school,grade,attendance_before,attendance_after")
    page.reload()
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert axe_violations(page) == []
    _screenshots(page, screenshot_dir, "153-research-study-released")


def test_the_social_investment_and_its_report_for_the_politicians(
    new_context, live_server, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    demo = seed_demo(size="small", seed=11)
    coordinator = next(login for login in demo.logins if login.role == "coordinator")
    page = _logged_in(new_context, live_server, coordinator)
    page.goto(f"{live_server.url}/statistics/")
    page.get_by_role("link", name="Den sociala investeringen").click()

    expect(page.locator("main h1")).to_have_text("Den sociala investeringen i TSI")
    expect(page.get_by_text("Undvikna kostnader per ärende")).to_be_visible()
    expect(page.locator("main img.chart")).to_be_visible()
    report = page.request.get(f"{live_server.url}/statistics/investment/report.pdf?lang=sv")
    assert report.ok and report.body().startswith(b"%PDF")
    assert axe_violations(page) == []
    _screenshots(page, screenshot_dir, "154-social-investment")

    # The report as WeasyPrint lays it out from HTML: the same HTML in Chromium, to look at (no PDF viewer here).
    user = User.objects.get(email=coordinator.email)
    for language in ("sv", "en"):
        with translation.override(language):
            html = render_to_string(REPORT_TEMPLATE, report_context(user))
        report_page = new_context().new_page()
        report_page.set_content(html)
        report_page.screenshot(
            path=str(screenshot_dir / f"155-social-investment-report-{language}.png"), full_page=True
        )
        assert "Vad siffrorna inte visar" in html if language == "sv" else "What the figures do not show" in html


def test_the_violence_prevention_follow_up(new_context, live_server, screenshot_dir: Path) -> None:  # type: ignore[no-untyped-def]
    demo = seed_demo(size="small", seed=11)
    coordinator = next(login for login in demo.logins if login.role == "coordinator")
    page = _logged_in(new_context, live_server, coordinator)
    page.goto(f"{live_server.url}/statistics/")
    page.get_by_role("link", name="Våldsprevention").click()

    expect(page.locator("main h1")).to_have_text("Våldsprevention: uppföljning")
    expect(page.locator("main img.chart")).to_be_visible()
    _assert_chart(page, live_server)
    assert axe_violations(page) == []
    _screenshots(page, screenshot_dir, "156-violence-prevention")
