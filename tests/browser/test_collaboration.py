"""Collaboration in the browser: a coordinator adds the group that closes the map's gap, and is reminded of an
agreement's review and opens it; the map and the agreement as PDF. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kring.collaboration.agreements.reminders import send_review_reminders
from kring.collaboration.models import CollaborationGroup, Issue
from kring.directory.models import User
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.collaboration.conftest import add_agreement, add_group
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_a_coordinator_adds_a_group_and_the_gap_closes_on_the_map(
    page: Page, live_server, world: World, coordinator: User, social_worker: User, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(10_000)
    everything_but_absence = [issue for issue in Issue.values if issue != Issue.ABSENCE]
    add_group(world, coordinator, "SSPF Centrum", issues=everything_but_absence, members=[social_worker])
    add_group(world, coordinator, "Skolnärvarogruppen", issues=[Issue.ABSENCE], ages=(0, 16))
    _log_in(page, f"{live_server.url}/collaboration/", coordinator)

    gaps = page.locator("table", has=page.get_by_role("columnheader", name="Åldrar som ingen grupp täcker"))
    expect(gaps.get_by_role("row", name="Skolfrånvaro 17–20")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the map is drawn on the server: let it arrive
    _screenshots(page, screenshot_dir, "90-collaboration-map-with-gap")

    page.get_by_role("link", name="Ny grupp").click()
    page.locator("#id_name").fill("Gymnasiets närvaroteam")
    page.get_by_label("Operativ").check()
    page.locator("#id_mandate").fill("Följer upp frånvaron bland gymnasieelever.")
    page.locator("#id_owner").select_option(label="Utbildningsförvaltningen")
    page.get_by_label("Skolfrånvaro").check()
    page.locator("#id_age_from").fill("16")
    page.locator("#id_age_to").fill("20")
    page.locator("#id_members-0-email").fill(social_worker.email)
    page.locator("#id_members-0-organisation").select_option(label="Socialförvaltningen")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.get_by_role("heading", name="Gymnasiets närvaroteam")).to_be_visible()

    page.get_by_role("link", name="Samverkansgrupper").click()
    expect(page.get_by_text("Varje fråga täcks för alla åldrar.")).to_be_visible()
    expect(page.locator("img.chart")).to_be_visible()
    page.wait_for_load_state("networkidle")
    _screenshots(page, screenshot_dir, "91-collaboration-map-gap-closed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Skriv ut kartan till en nämnd (pdf)").click()
    assert download.value.suggested_filename == "samverkansgrupper.pdf"
    Path(download.value.path()).rename(screenshot_dir / "96-collaboration-map.pdf")
    assert CollaborationGroup.objects.get(name="Gymnasiets närvaroteam").members.get().user == social_worker

    page.get_by_role("link", name="Grupper per person").click()
    expect(page.get_by_role("row", name=f"{social_worker.get_full_name()} Socialförvaltningen 2")).to_be_visible()


def test_the_coordinator_is_reminded_of_an_agreements_review_and_prints_it(
    page: Page, live_server, world: World, coordinator: User, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(10_000)
    today = timezone.localdate()
    version = add_agreement(
        world, coordinator, valid_from=today - timedelta(days=300), review_on=today + timedelta(days=10)
    )
    assert send_review_reminders(today) == 1
    _log_in(page, f"{live_server.url}/", coordinator)

    expect(page.get_by_text("Se över överenskommelsen")).to_be_visible()
    page.get_by_role("link", name="Överenskommelse mot våld").first.click()
    expect(page.get_by_text("dags för översyn")).to_be_visible()
    expect(page.get_by_role("heading", name="Vilka problem vill vi lösa?")).to_be_visible()
    _screenshots(page, screenshot_dir, "92-agreement-review-due")
    with page.expect_download() as download:
        page.get_by_role("link", name="Version 1 som pdf").click()
    assert download.value.suggested_filename == f"overenskommelse-{version.agreement_id}-v1.pdf"
    Path(download.value.path()).rename(screenshot_dir / "93-agreement.pdf")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_text("Översynen av överenskommelsen ”Överenskommelse mot våld”")).to_be_visible()


def test_a_police_officer_at_a_group_meeting_sees_one_child_only_after_social_services_decide(
    page: Page, new_context, live_server, world: World, coordinator: User, social_worker: User,
    police_officer: User, principal: User, screenshot_dir: Path,
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    from kring.casework.reports import actions as report_actions
    from kring.collaboration.meetings import actions as meeting_actions
    from kring.collaboration.models import GroupMember

    page.set_default_timeout(10_000)
    group = add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME], members=[social_worker])
    GroupMember.objects.create(
        municipality_id=group.municipality_id,
        group=group,
        user=police_officer,
        organisation=world.police_unit.organisation,
        role="member",
    )
    today = timezone.localdate()
    meeting = meeting_actions.save_meeting(
        group=group, given=meeting_actions.MeetingInput(held_on=today, agenda="Unga vi oroar oss för"), by=social_worker
    )
    school = world.school.organisation
    for text in ("En flicka i åk 9 som umgås med äldre.", "En pojke i åk 8 som har slutat komma till skolan."):
        meeting_actions.add_discussion(
            meeting=meeting, age_band="13-15", issue=Issue.CRIME, description=text, brought_by=school, by=social_worker
        )
    report_actions.file_report(
        by=principal, child=world.child,
        report=report_actions.ReportInput("Bråk hemma.", "I skolan", True, "normal"),
    )  # fmt: skip
    url = f"{live_server.url}/collaboration/meetings/{meeting.pk}/"

    _log_in(page, url, police_officer)
    expect(page.get_by_role("heading", name="Barn 1 (anonymt)")).to_be_visible()
    expect(page.get_by_role("heading", name="Barn 2 (anonymt)")).to_be_visible()
    expect(page.get_by_text("Alva Testsson")).to_have_count(0)
    expect(page.get_by_role("link", name="Identifiera barnet med en registrerad grund").first).to_be_visible()

    social = new_context().new_page()
    social.set_default_timeout(10_000)
    _log_in(social, url, social_worker)
    social.get_by_role("link", name="Identifiera barnet med en registrerad grund").nth(1).click()
    social.get_by_label("Barnets personnummer").fill(world.child.identity_number)
    social.get_by_label("Vad gruppen vet och kom överens om").fill("Familjen har stöd. Risk för rekrytering.")
    social.get_by_label("Socialtjänstens beslut att lämna uppgifter till polisen").check()
    social.get_by_label("Varför uppgifterna kan förebygga brott").fill("Han har setts med äldre som begår brott.")
    social.get_by_label("Det finns särskilda omständigheter", exact=False).check()
    social.get_by_label("Att lämna uppgifterna är inte olämpligt", exact=False).check()
    social.screenshot(path=screenshot_dir / "94-osl-10-18a-decision.png", full_page=True)
    social.locator("main form button[type=submit]").click()
    expect(social.locator(".message--success")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="Barn 1 (anonymt)")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Alva Testsson, {world.child.birth_date.isoformat()}")).to_be_visible()
    expect(page.get_by_text("Familjen har stöd. Risk för rekrytering.")).to_be_visible()
    _screenshots(page, screenshot_dir, "95-police-at-group-meeting")
    page.goto(f"{live_server.url}/children/{world.child.pk}/")
    expect(page.get_by_text("Alva Testsson")).to_have_count(0)  # that discussion only: not the child's overview


def test_a_child_impact_assessment_from_start_to_pdf(
    page: Page, live_server, world: World, coordinator: User, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(10_000)
    _log_in(page, f"{live_server.url}/collaboration/assessments/", coordinator)
    page.get_by_role("link", name="Ny analys").click()
    page.locator("#id_title").fill("Barnkonsekvensanalys av samverkansstrukturen")
    page.locator("#id_matter").fill("Kommunen har femton samverkansgrupper med delvis överlappande uppdrag.")
    page.locator("#id_decision_to_make").fill("Ska SSPF Centrum och Trygghetsgruppen slås ihop?")
    page.locator("#id_children_affected").fill("Unga 12–20 år i centrum.")
    page.locator("#id_vulnerable_children").fill("Unga som redan har insatser från socialtjänsten.")
    page.locator("#id_views_method").fill("Samtal med ungdomsrådet och två klasser i åk 8.")
    page.locator("#id_views_count").fill("46")
    page.locator("#id_views_summary").fill("”Det är för många vuxna som frågar samma sak.”")
    page.locator("#id_guardians_views").fill("Föräldrarna vill veta vem de ska ringa.")
    page.locator("#id_options").fill("Behåll båda grupperna\nSlå ihop: en grupp med ett uppdrag")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator(".checklist__missing")).to_have_count(6)

    page.get_by_role("link", name="Fortsätt i en ny version").click()
    for option in (0, 1):
        for article in (2, 3, 6, 12):
            effect = "Stärks" if option == 1 else "Neutral"
            page.locator(f"#id_effect_{option}_{article}").select_option(label=effect)
            page.locator(f"#id_term_{option}_{article}").select_option(label="På lång sikt")
    page.locator("#id_weighing").fill("Barnets bästa: färre vuxna med samma fråga och en tydlig kontakt.")
    page.locator("#id_compensating_measures").fill("En namngiven kontaktperson under övergången.")
    page.locator("#id_decision").fill("Grupperna slås ihop från och med vårterminen.")
    page.locator("#id_decided_by").fill("Socialnämnden")
    page.locator("#id_decided_on").fill("2026-11-20")
    page.locator("#id_feedback_how").fill("Ungdomsrådet får beskedet på sitt nästa möte.")
    page.locator("#id_feedback_on").fill("2026-12-10")
    page.locator("#id_follow_up_on").fill("2027-11-20")
    page.locator("#id_change_note").fill("Konsekvenser, avvägning och beslut.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator(".checklist__missing")).to_have_count(0)
    expect(page.locator(".checklist__done")).to_have_count(12)
    _screenshots(page, screenshot_dir, "97-child-impact-assessment")
    with page.expect_download() as download:
        page.get_by_role("link", name="Version 2 som pdf").click()
    Path(download.value.path()).rename(screenshot_dir / "98-child-impact-assessment.pdf")
