"""A guardian on a phone (360 px): logs in with e-ID against the local provider, reads the plan in Arabic (right to
left) and in Somali, withdraws the consent; the school loses its view at once and the other guardian's page shows
the withdrawal. axe-core finds no WCAG 2.1 AA violation. Screenshots in test-artifacts/ (100–106)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from kring.access.policy import visible_to
from kring.casework.models import PlanVersion, TsiCase
from kring.family.eid.testprovider import EidPerson, TestEidProvider, serve_in_thread
from kring.people.models import Guardian
from tests.browser.accessibility import axe_violations
from tests.browser.test_start_page import _no_horizontal_scroll
from tests.casework.conftest import accepted_case, consented_case, requested_case  # noqa: F401
from tests.family.conftest import SECRET_STORY, family_case  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 800}


@contextmanager
def _provider(settings, live_server, people: list[EidPerson]) -> Iterator[TestEidProvider]:  # type: ignore[no-untyped-def]
    """The local e-ID provider, offering these people, and Kring configured to use it."""
    provider = TestEidProvider(
        issuer="", client_id="kring-browser", client_secret="kring-browser-secret",
        redirect_uri_prefixes=(f"{live_server.url}/",), people=people,
    )  # fmt: skip
    server, base_url = serve_in_thread(provider)
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app = {**app, "client_id": "kring-browser", "secret": "kring-browser-secret"}
    app["settings"] = {**app["settings"], "server_url": base_url}
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {**settings.SOCIALACCOUNT_PROVIDERS["openid_connect"], "APPS": [app]}
    }
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def eid(settings, live_server, guardians: list[Guardian]) -> Iterator[TestEidProvider]:  # type: ignore[no-untyped-def]
    people = [EidPerson(g.identity_number, g.first_name, g.last_name, "vårdnadshavare") for g in guardians]
    with _provider(settings, live_server, people) as provider:
        yield provider


def _log_in_with_e_id(page: Page, url: str, person: str) -> None:
    page.goto(f"{url}/family/login/")
    page.locator("button.family-big-button").click()
    expect(page.locator("body")).to_contain_text("Test-e-legitimation")
    page.locator(f"button[name=person][value={person}]").click()
    expect(page).to_have_url(f"{url}/family/")


def _choose_language(page: Page, code: str) -> None:
    page.locator("#family-language").select_option(code)
    page.locator(".family-language button").click()
    page.wait_for_load_state("networkidle")


def _in(language: str, text: str) -> str:
    """The family catalogue's translation (which the catalogue test proves complete)."""
    with translation.override(language):
        translated = gettext(text)
    assert translated != text, f"{text!r} is not translated into {language}"
    return translated


def _check(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=directory / f"{name}.png", full_page=True)
    _no_horizontal_scroll(page)
    assert axe_violations(page) == [], name


def test_a_guardian_logs_in_reads_the_plan_in_arabic_and_withdraws(
    page: Page, browser: Browser, live_server, eid: TestEidProvider, family_case: TsiCase,  # noqa: F811
    guardians: list[Guardian], principal, screenshot_dir: Path,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.set_default_timeout(10_000)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/family/login/")
    _check(page, screenshot_dir, "100-family-login")
    _log_in_with_e_id(page, live_server.url, "p0")
    expect(page.locator("h1")).to_have_text("Mina barn")
    _check(page, screenshot_dir, "101-family-home")

    _choose_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator(".family-links a").first.click()
    expect(page.locator("h1")).to_contain_text("Alva")
    expect(page.locator("#plan-heading")).to_have_text(_in("ar", "The plan"))
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    expect(page.locator("main")).to_contain_text("Alva går till skolan varje dag")
    expect(page.locator("main")).not_to_contain_text(SECRET_STORY)
    _check(page, screenshot_dir, "102-family-plan-ar")

    _choose_language(page, "so")
    assert page.locator("html").get_attribute("dir") == "ltr"
    expect(page.locator("#plan-heading")).to_have_text(_in("so", "The plan"))
    _check(page, screenshot_dir, "103-family-plan-so")

    plans = PlanVersion.objects.filter(case=family_case)
    assert visible_to(principal, plans).exists()  # the consent lets the team share the plan with the school
    _choose_language(page, "ar")
    page.locator("a[href$='/withdraw/']").click()
    _check(page, screenshot_dir, "104-family-withdraw-ar")
    page.locator("form button.button--warning").click()
    expect(page.locator(".family-status--warning")).to_be_visible()
    _check(page, screenshot_dir, "105-family-withdrawn-ar")
    assert not visible_to(principal, plans).exists()  # at once

    other = browser.new_context(locale="sv-SE").new_page()
    other.set_default_timeout(10_000)
    other.set_viewport_size(PHONE)
    _log_in_with_e_id(other, live_server.url, "p1")
    other.locator(".family-links a").first.click()
    expect(other.locator(".family-status--warning")).to_contain_text(guardians[0].full_name)
    expect(other.locator(".family-status--warning")).to_contain_text("tog tillbaka samtycket")
    _check(other, screenshot_dir, "106-family-other-guardian")
    other.context.close()


def test_a_young_person_answers_the_consent_and_tells_how_it_is_going(
    page: Page, live_server, settings, world, accepted_case: TsiCase, guardians: list[Guardian],  # noqa: F811
    tsi_member, screenshot_dir: Path,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    import datetime as dt

    from kring.casework.models import ChildVoice, ConsentRequest
    from kring.casework.tsi import actions
    from tests.family.conftest import TODAY

    child = world.child
    child.birth_date = dt.date(TODAY.year - 16, 1, 1)
    child.save()
    actions.request_consent(
        by=tsi_member, case=accepted_case,
        given=actions.ConsentInput(
            guardians=[], parties=["school", "student_health"], categories=["plan", "meeting"], method="digital",
            given_on=TODAY, valid_until=TODAY + dt.timedelta(days=200), child_agreement="agrees",
        ),
    )  # fmt: skip
    for guardian in guardians:
        actions.answer_consent_request(
            by=tsi_member, proposal=ConsentRequest.objects.get(), answer="gives", guardian=guardian
        )
    people = [EidPerson(child.identity_number, child.first_name, child.last_name, "ung person")]
    with _provider(settings, live_server, people):
        page.set_default_timeout(10_000)
        page.set_viewport_size(PHONE)
        _log_in_with_e_id(page, live_server.url, "p0")
        _choose_language(page, "ti")
        page.locator(".family-links a").first.click()
        page.locator(f"a[href$='/case/{accepted_case.pk}/consent/']").click()
        _check(page, screenshot_dir, "107-family-young-consent-ti")
        page.locator("input[value=gives]").check()
        page.locator("form button.family-big-button").click()
        expect(page.locator(".family-status--ok")).to_be_visible()  # the last answer: the consent is in force

        page.locator(f"a[href$='/case/{accepted_case.pk}/voice/']").click()
        page.locator("#id_how_it_goes_0").focus()
        page.keyboard.press("ArrowDown")  # the faces are radio buttons: the keyboard moves between them
        page.keyboard.press("ArrowDown")
        page.locator("label[for=id_listened_to_4]").click()
        page.locator("textarea").fill("Det är lite bättre nu.")
        page.locator("label[for=id_secret_from_guardians]").click()
        _check(page, screenshot_dir, "108-family-young-voice-ti")
        page.locator("form button.family-big-button").click()
        expect(page).to_have_url(f"{live_server.url}/family/case/{accepted_case.pk}/")
        voice = ChildVoice.objects.get()
        assert (voice.how_it_goes, voice.listened_to, voice.secret_from_guardians) == (3, 5, True)

        page.locator(f"a[href$='/case/{accepted_case.pk}/letter/']").click()
        _check(page, screenshot_dir, "109-family-letter-ti")
