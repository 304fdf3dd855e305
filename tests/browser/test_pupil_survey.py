"""A pupil answers the survey on a tablet-sized screen with a code from a slip, in Swedish and in Arabic (right to
left), one question a screen; the coordinator sees the results with a school too small to be shown suppressed.
Screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.people.models import Group
from kring.prevention.models import SurveyResponse, WaveClass
from kring.prevention.surveys import actions
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World
from tests.factories import ChildFactory, PlacementFactory, UnitFactory
from tests.prevention import surveys

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


def _answer_all(page: Page, choice: str, send: str) -> None:
    """Choose `choice` on every question that has it, write a line where the question is free, then send."""
    for _ in range(12):
        if page.locator("button[value=send]").count():
            page.locator("input[name=link0]").fill("a") if page.locator("input[name=link0]").count() else None
            page.locator("input[name=link1]").fill("7") if page.locator("input[name=link1]").count() else None
            page.locator("input[name=link2]").fill("m") if page.locator("input[name=link2]").count() else None
            if page.locator("textarea").count():
                page.locator("textarea").fill("Bra")
            page.get_by_role("button", name=send).click()
            return
        radio = page.get_by_label(choice, exact=True)
        if radio.count():
            radio.check()
        elif page.locator("textarea").count():
            page.locator("textarea").fill("Bra")
        else:
            page.locator(".survey__choice input").first.check()
        page.locator("button[value=next]").click()
    raise AssertionError("the survey did not end")


def test_a_pupil_answers_in_swedish_and_another_in_arabic_on_a_tablet(
    page: Page, live_server, world: World, group: Group, coordinator, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    series = surveys.survey(coordinator)
    wave_class = surveys.add_class(series, "after", group, coordinator)
    first, second = actions.make_codes(wave_class=wave_class, count=2, by=coordinator)
    page.set_default_timeout(10_000)
    page.set_viewport_size(TABLET)

    page.goto(f"{live_server.url}/enkat/")
    page.get_by_label("Din kod").fill(first.lower())
    page.screenshot(path=screenshot_dir / "90-survey-start.png", full_page=True)
    page.locator("button[type=submit]").click()
    expect(page.locator("legend")).to_contain_text("Det finns en vuxen som verkligen bryr sig om mig.")
    expect(page.get_by_text("Fråga 1 av 9")).to_be_visible()
    page.screenshot(path=screenshot_dir / "91-survey-question-sv.png", full_page=True)
    _answer_all(page, "Stämmer helt och hållet", "Skicka mina svar")
    expect(page.get_by_role("heading", name="Tack för dina svar!")).to_be_visible()

    page.goto(f"{live_server.url}/enkat/?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label("رمزك").fill(second)
    page.locator("button[type=submit]").click()
    expect(page.locator("legend")).to_contain_text("يوجد شخص بالغ يهتم بي حقًا.")
    direction = page.evaluate("getComputedStyle(document.querySelector('legend')).direction")
    assert direction == "rtl"
    page.screenshot(path=screenshot_dir / "92-survey-question-ar.png", full_page=True)
    _screenshots(page, screenshot_dir, "92-survey-question-ar")
    _answer_all(page, "صحيح إلى حد ما", "أرسل إجاباتي")
    expect(page.get_by_role("heading", name="شكرًا على إجاباتك!")).to_be_visible()

    languages = sorted(SurveyResponse.objects.values_list("language", flat=True))
    assert languages == ["ar", "sv"]
    assert SurveyResponse.objects.get(language="ar").answers.filter(value=3, question__scale="agree4").count() == 6


def test_the_coordinator_sees_results_with_a_suppressed_school(
    page: Page, live_server, world: World, coordinator, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    series = surveys.survey(coordinator)
    schools = [world.school, world.other_school, UnitFactory(organisation=world.school.organisation, name="Lillskolan")]
    for index, school in enumerate(schools):
        group = Group.objects.create(municipality_id=school.municipality_id, unit=school, name=f"5{'ABC'[index]}")
        PlacementFactory(child=ChildFactory(municipality=world.municipality), unit=school, group=group)
        for kind, positive in (("before", 0.5), ("after", 0.75)):
            wave_class = surveys.add_class(series, kind, group, coordinator)
            WaveClass.objects.filter(pk=wave_class.pk).update(invited=30 if index < 2 else 8)
            surveys.answers(wave_class, 25 if index < 2 else 5, positive=positive, seed=index)
    page.set_default_timeout(10_000)

    _log_in(page, f"{live_server.url}/prevention/surveys/{series.pk}/results/", coordinator)

    expect(page.locator("img.chart")).to_be_visible()
    row = page.locator("main table").nth(3).locator("tr", has_text="Lillskolan").first
    expect(row).to_contain_text("..")
    expect(page.get_by_role("heading", name="Efter jämfört med före")).to_be_visible()
    expect(page.locator("img.chart")).to_be_visible()
    page.screenshot(path=screenshot_dir / "93-survey-results.png", full_page=True)


def test_the_principal_records_a_programme_session(
    page: Page, live_server, world: World, group: Group, principal, kurator, coordinator, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from kring.prevention.programmes import actions as programme_actions

    given = programme_actions.ProgrammeInput(
        "Börja prata",
        "Att våga prata om det som är svårt.",
        ["5"],
        [world.school.organisation],
        ["Känslor", "Gränser", "Vart vänder jag mig?"],
    )
    programme = programme_actions.save_programme(given=given, by=coordinator)
    page.set_default_timeout(10_000)
    _log_in(page, f"{live_server.url}/prevention/programmes/{programme.pk}/schools/{world.school.pk}/", principal)
    page.get_by_role("button", name="Starta programmet denna termin").click()
    page.get_by_text("Registrera ett tillfälle").click()
    page.locator("[name=session-group]").select_option(label="5A")
    page.locator("[name=session-held_on]").fill(timezone.localdate().isoformat())
    page.locator("[name=session-manual_session]").select_option(index=1)
    page.locator("[name=session-facilitators]").select_option(label=kurator.get_full_name())
    page.locator("[name=session-pupils_present]").fill("22")
    page.get_by_role("button", name="Spara tillfället").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("main table").first).to_contain_text("1. Känslor")
    page.screenshot(path=screenshot_dir / "94-programme-school.png", full_page=True)
    page.goto(f"{live_server.url}/prevention/programmes/{programme.pk}/")
    expect(page.locator("img.chart")).to_be_visible()
    page.screenshot(path=screenshot_dir / "95-programme-reach.png", full_page=True)
