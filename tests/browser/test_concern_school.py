"""The school's side of a concern in the browser: a teacher records a concern, the principal asks the school's
contact person anonymously, the contact person advises a report, the principal turns the consultation into a
report, social services receive it, assess, decide and give feedback, and the reporter sees exactly the feedback.
The police file a report by identity number. Screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.casework.models import Concern, Consultation, ReportOfConcern
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def _submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()


def test_concern_to_consultation_to_report_with_feedback(
    page: Page, new_context, live_server, world: World, teacher, principal, social_worker, police_officer,
    screenshot_dir: Path,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    shot = 40

    def screenshot(browser_page: Page, name: str) -> None:
        nonlocal shot
        browser_page.screenshot(path=screenshot_dir / f"{shot}-concern-{name}.png", full_page=True)
        shot += 1

    pages = {"teacher": page}
    for name in ("principal", "social_worker", "police"):
        pages[name] = new_context().new_page()
    for browser_page in pages.values():
        browser_page.set_default_timeout(10_000)
    child = world.child

    # A teacher records what Alva said; the words suggest harm, so the page reminds of the duty to report.
    teacher_page = pages["teacher"]
    _log_in(teacher_page, f"{live_server.url}/children/{child.pk}/", teacher)
    teacher_page.locator(f"a[href='/concerns/new/{child.pk}/']").click()
    teacher_page.locator("[name=category]").select_option("wellbeing")
    teacher_page.locator("[name=observed]").fill("Alva satt ensam hela rasten och grät.")
    teacher_page.locator("[name=observed_by]").fill("Jag, rastvakt")
    teacher_page.locator("[name=child_words]").fill("Jag är rädd för att gå hem.")
    screenshot(teacher_page, "form")
    _submit(teacher_page)
    concern = Concern.objects.get()
    expect(teacher_page.locator(f"a[href='/reports/new/{child.pk}/?concern={concern.pk}']")).to_be_visible()
    screenshot(teacher_page, "recorded")

    # The principal sees it in the school's list and asks for an anonymous consultation.
    principal_page = pages["principal"]
    _log_in(principal_page, f"{live_server.url}/concerns/", principal)
    expect(principal_page.locator(f"a[href='/concerns/{concern.pk}/']")).to_be_visible()
    screenshot(principal_page, "list")
    principal_page.goto(f"{live_server.url}/concerns/{concern.pk}/triage/")
    principal_page.locator("[name=triage][value=consultation]").check()
    _submit(principal_page)
    expect(principal_page.locator("[name=question]")).to_have_value("")
    principal_page.locator("[name=age_band]").select_option("10-12")
    principal_page.locator("[name=question]").fill("Alva Testsson är rädd för att gå hem. Vad gör vi?")
    _submit(principal_page)
    expect(principal_page.locator(".error-summary")).to_be_visible()
    expect(principal_page.locator("[name=question]")).to_have_value("Alva Testsson är rädd för att gå hem. Vad gör vi?")
    screenshot(principal_page, "consultation-refused")
    principal_page.locator("[name=question]").fill("En elev i femman säger att hon är rädd för att gå hem. Vad gör vi?")
    _submit(principal_page)
    consultation = Consultation.objects.get()
    expect(principal_page.locator(".message--success")).to_be_visible()

    # The contact person answers from the inbox.
    social_page = pages["social_worker"]
    _log_in(social_page, f"{live_server.url}/consultations/", social_worker)
    social_page.locator(f"a[href='/consultations/{consultation.pk}/']").click()
    expect(social_page.get_by_text("Alva")).to_have_count(0)
    social_page.locator("[name=text]").fill("Det här ska anmälas. Gör en orosanmälan i dag.")
    _submit(social_page)
    screenshot(social_page, "answered")

    # The principal turns the consultation into a report: the moment the child is named.
    principal_page.goto(f"{live_server.url}/consultations/{consultation.pk}/")
    expect(principal_page.get_by_text("Gör en orosanmälan i dag.")).to_be_visible()
    principal_page.locator(f"a[href='/consultations/{consultation.pk}/report/']").click()
    principal_page.locator("[name=pupil]").select_option(str(child.pk))
    principal_page.locator("[name=when_and_where]").fill("I dag på rasten, berättat för rastvakten")
    principal_page.locator("[name=child_words]").fill("Jag är rädd för att gå hem.")
    principal_page.locator("[name=guardians_informed][value=no]").check()
    principal_page.locator("[name=guardians_not_informed_why]").fill("Oron gäller hemmet.")
    principal_page.locator("[name=urgency][value=urgent]").check()
    screenshot(principal_page, "report-form")
    _submit(principal_page)
    expect(principal_page.locator(".message--success")).to_be_visible()
    report = ReportOfConcern.objects.get()

    # Social services receive the report in the inbox, make the protection and initial assessments, decide, and
    # give the feedback — all in the browser.
    social_page.goto(f"{live_server.url}/reports/inbox/")
    social_page.locator(f"a[href='/reports/{report.pk}/']").first.click()
    social_page.locator(f"a[href='/reports/{report.pk}/receive/']").click()
    _submit(social_page)
    social_page.locator(f"a[href='/reports/{report.pk}/protection/']").click()
    social_page.locator("[name=outcome][value=not_needed]").check()
    social_page.locator("[name=note]").fill("Ej akut: barnet är i skolan i dag.")
    _submit(social_page)
    social_page.locator(f"a[href='/reports/{report.pk}/decision/']").click()
    social_page.locator("[name=decision][value=opened]").check()
    social_page.locator("[name=note]").fill("Utredning om hemmet.")
    _submit(social_page)
    social_page.locator(f"a[href='/reports/{report.pk}/feedback/']").click()
    _submit(social_page)
    expect(social_page.locator(".message--success")).to_be_visible()
    screenshot(social_page, "social-services-decided")

    # The principal (the reporter) sees exactly the feedback, and nothing of the assessment.
    principal_page.goto(f"{live_server.url}/reports/mine/")
    expect(principal_page.locator("main")).not_to_contain_text("Utredning om hemmet.")
    principal_page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(principal_page.locator("#feedback-heading")).to_be_visible()
    expect(principal_page.locator("#assessment-heading")).to_have_count(0)
    expect(principal_page.locator("main")).not_to_contain_text("Ej akut: barnet är i skolan i dag.")
    screenshot(principal_page, "feedback")

    # The teacher follows the concern: the report was made; social services' work stays out of sight.
    teacher_page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    expect(teacher_page.locator("main")).not_to_contain_text("Utredning om hemmet.")
    screenshot(teacher_page, "teacher-follows")

    # The police report a child by identity number.
    police_page = pages["police"]
    _log_in(police_page, f"{live_server.url}/reports/new/", police_officer)
    police_page.locator("[name=identity_number]").fill(child.formatted_identity_number)
    police_page.locator("[name=what_happened]").fill("Polisen var på plats vid ett bråk i hemmet i natt.")
    police_page.locator("[name=when_and_where]").fill("I natt, i bostaden, polispatrull")
    police_page.locator("[name=guardians_informed][value=yes]").check()
    police_page.locator("[name=urgency][value=acute]").check()
    _submit(police_page)
    expect(police_page.locator("main")).to_contain_text(child.formatted_identity_number)
    expect(police_page.locator("main")).not_to_contain_text("Testsson")
    screenshot(police_page, "police-reports")
    assert ReportOfConcern.objects.filter(reporter=police_officer, origin="police").exists()
