"""One TSI case from request to closure in the browser: the school asks, the team works with the family (whose
consent it records), the school follows the plan, and the case is closed. Screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kring.access.auth import current_totp_code
from kring.casework.models import CaseStage, TsiCase
from tests.conftest import PASSWORD, TOTP_SECRET, World

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()


def _log_in(page: Page, url: str, user) -> None:  # type: ignore[no-untyped-def]
    """Each person logs in once, in their own browser: a TOTP code is accepted only once."""
    page.goto(url)
    page.locator("[name=login]").fill(user.email)
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.locator("[name=code]").fill(current_totp_code(TOTP_SECRET))
    page.locator("main button[type=submit]").first.click()


def _submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()


def test_tsi_case_from_request_to_closure(
    page: Page, new_context, live_server, world: World, tsi_team, principal, tsi_member, guardians, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    school_page = page
    team_page = new_context().new_page()
    for browser_page in (school_page, team_page):
        browser_page.set_default_timeout(10_000)
    shot = 20

    def screenshot(name: str) -> None:
        nonlocal shot
        page.screenshot(path=screenshot_dir / f"{shot}-tsi-{name}.png", full_page=True)
        shot += 1

    # The principal asks the team for help from the child's overview.
    page = school_page
    _log_in(page, f"{live_server.url}/children/{world.child.pk}/", principal)
    page.locator(f"a[href='/cases/request/{world.child.pk}/']").click()
    page.locator("[name=team]").select_option(str(tsi_team.pk))
    page.locator("[name=reason]").fill("Alva är borta från skolan flera dagar i veckan och verkar ledsen.")
    page.locator("[name=tried]").fill("Samtal med mentor och kurator, anpassat schema.")
    screenshot("request")
    _submit(page)
    case = TsiCase.objects.get()
    screenshot("requested")

    # The team assesses the fit, records the guardians' consent and does the work of the case.
    page = team_page
    _log_in(page, f"{live_server.url}/cases/", tsi_member)
    expect(page.get_by_role("link", name="Alva Testsson")).to_be_visible()
    screenshot("work-list")
    base = f"{live_server.url}/cases/{case.pk}"
    page.goto(f"{base}/assess/")
    page.locator("[name=decision][value=accept]").check()
    page.locator("[name=note]").fill("Passar TSI: skolfrånvaro och oro hemma, ingen akut risk.")
    _submit(page)

    page.goto(f"{base}/meetings/new/?kind=information")
    page.locator("[name=starts_at]").fill(f"{TODAY:%Y-%m-%d}T09:00")
    page.locator("[name=place]").fill("Familjecentralen")
    page.locator("[name=participant_0_name]").fill(guardians[0].full_name)
    page.locator("[name=participant_0_role]").select_option("guardian")
    _submit(page)

    page.goto(f"{base}/consent/")
    for guardian in guardians:  # each guardian's own answer, dated today, in writing
        page.locator(f"[name=answer_{guardian.pk}][value='gives']").check()
    page.locator("[name=child_view_note]").fill("Alva vill att någon lyssnar på henne.")
    # the second question, apart from the first: the team may share the plan and the meetings with the school
    page.locator("[name=share_with][value='school']").check()
    page.locator("[name=share_categories][value='plan']").check()
    page.locator("[name=share_categories][value='meeting']").check()
    screenshot("consent")
    _submit(page)
    page.goto(f"{base}/letter/?lang=sv")
    expect(page.get_by_text("2. Vad teamet får berätta för andra.")).to_be_visible()
    screenshot("letter")

    for teller, text in (("guardians", "Mamma berättar om bråk vid läggdags."), ("child", "Jag är trött på morgonen.")):
        page.goto(f"{base}/stories/new/?teller={teller}")
        page.locator("[name=told_by]").fill("Mamma" if teller == "guardians" else "Alva")
        page.locator("[name=text]").fill(text)
        _submit(page)
    for area, text in (
        ("child", "Behöver sova mer"),
        ("school", "Trygg vuxen finns: fritidspedagogen"),
        ("home", "Rutiner"),
    ):
        page.goto(f"{base}/needs/new/?area={area}")
        page.locator("[name=text]").fill(text)
        _submit(page)
    page.goto(f"{base}/interventions/new/?area=home")
    page.locator("[name=kind]").select_option("home_routines")
    page.locator("[name=description]").fill("Kvällsrutin med skärmfri timme")
    page.locator("[name=responsible]").fill("Vårdnadshavarna")
    _submit(page)

    page.goto(f"{base}/meetings/new/?kind=network")
    an_hour_ago = timezone.localtime() - dt.timedelta(hours=1)  # held already: its notes are written afterwards
    page.locator("[name=starts_at]").fill(f"{an_hour_ago:%Y-%m-%dT%H:%M}")
    page.locator("[name=place]").fill("Stadsbiblioteket")
    page.locator("[name=neutral_arena]").check()
    page.locator("[name=participant_0_name]").fill("Lisa på fritids")
    page.locator("[name=participant_0_role]").select_option("trusted_adult")
    _submit(page)
    page.locator(".card", has_text="Nätverksmöte").locator("a[href*='/notes/']").click()
    page.locator("[name=notes]").fill("Vi kom överens om en gemensam plan.")
    page.locator("[name=attended]").first.check()
    _submit(page)

    page.goto(f"{base}/plan/new/")
    page.locator("[name=goal_0]").fill("Alva är i skolan varje dag")
    page.locator("[name=goal_0_child_words]").fill("Jag vill orka gå till skolan")
    page.locator("[name=action_0]").fill("Lisa möter Alva vid entrén varje morgon")
    page.locator("[name=action_0_responsible]").fill("Lisa, fritids")
    page.locator("[name=overall_responsible]").fill("TSI-teamet")
    page.locator("[name=next_follow_up]").fill(f"{TODAY + dt.timedelta(days=42):%Y-%m-%d}")
    screenshot("plan-form")
    _submit(page)

    page.goto(f"{base}/outcomes/new/")
    page.locator("[name=attendance_percent]").fill("72")
    page.locator("[name=home_conflicts]").fill("4")
    page.locator("[name=listened_to]").fill("2")
    _submit(page)
    screenshot("case-team")

    # The school follows the plan through the consent.
    page = school_page
    page.goto(base + "/")
    expect(page.get_by_text("Alva är i skolan varje dag").first).to_be_visible()
    screenshot("case-school")

    # The team follows up and closes the case with a reason.
    page = team_page
    page.goto(base + "/")
    page.locator("a[href*='/follow-ups/']").first.click()
    page.locator("[name=notes]").fill("Närvaron har ökat; Alva säger att hon blir lyssnad på.")
    _submit(page)
    page.goto(f"{base}/close/")
    page.locator("[name=reason]").select_option("goals_reached")
    _submit(page)
    screenshot("closed")
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED
