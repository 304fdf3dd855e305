"""Trygg bas in the browser, on a tablet: the mentor goes through the class list one tap a pupil (and by keyboard),
the class review agrees a rating and a next step, and the principal acts on a gap. Screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.prevention.models import AgreedRating, RelationAssignment, SafeAdultEntry, WellbeingRating
from tests.browser.test_start_page import _screenshots
from tests.browser.test_tsi_case import _log_in
from tests.conftest import World

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


def _idle(page: Page) -> None:
    """Wait until htmx has sent, swapped and settled what it was doing (a line swapped in while a test chooses on
    it would take the choice with it)."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def test_mentor_inventories_the_class_and_rates_it_on_a_tablet(
    page: Page,
    live_server,
    world: World,
    group,
    mentor,
    classmate,
    screenshot_dir: Path,
) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(10_000)
    page.set_viewport_size(TABLET)
    _log_in(page, f"{live_server.url}/prevention/", mentor)
    page.get_by_role("link", name="5A").click()
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined")  # a choice made before htmx listens is lost

    alva = page.locator(f"#pupil-{world.child.pk}")
    alva.get_by_label("Har en trygg vuxen").check()
    expect(alva.locator(".error-summary")).to_be_visible(timeout=10_000)  # who? the line asks, nothing is saved
    _idle(page)
    alva = page.locator(f"#pupil-{world.child.pk}")
    alva.get_by_label("Vuxen i skolan").select_option(label="Maja Mentorsson")
    expect(page.locator(f"#pupil-{world.child.pk} .message--success")).to_be_visible()
    _idle(page)
    page.locator(f"#pupil-{classmate.pk}").get_by_label("Ingen ännu").check()
    expect(page.locator(f"#pupil-{classmate.pk} .message--success")).to_be_visible()
    _idle(page)

    # by keyboard: focus the first wellbeing choice of Nils and move with the arrow keys (a radio group)
    nils = page.locator(f"#pupil-{classmate.pk}")
    nils.get_by_label("Grön: mår bra").focus()
    page.keyboard.press("ArrowRight")
    _idle(page)
    expect(page.locator(f"#pupil-{classmate.pk} .message--success")).to_be_visible()
    page.locator(f"#pupil-{world.child.pk}").get_by_label("Grön: mår bra").check()
    expect(page.locator(f"#pupil-{world.child.pk} .message--success")).to_be_visible()
    page.screenshot(path=screenshot_dir / "80-trygg-bas-class-tablet.png", full_page=True)
    _screenshots(page, screenshot_dir, "80-trygg-bas-class")

    entries = dict(SafeAdultEntry.objects.values_list("child_id", "status"))
    assert entries == {world.child.pk: "named", classmate.pk: "none_yet"}
    assert SafeAdultEntry.objects.get(child=world.child).adult == mentor
    ratings = dict(WellbeingRating.objects.values_list("child_id", "rating"))
    assert ratings[world.child.pk] == "green"
    assert ratings[classmate.pk] in ("yellow", "red")  # the arrow keys moved on from green


def test_the_class_review_agrees_a_rating_and_the_principal_acts_on_a_gap(
    page: Page,
    live_server,
    world: World,
    group,
    mentor,
    classmate,
    principal,
    kurator,
    screenshot_dir: Path,
) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from kring.prevention.tryggbas import actions

    today = timezone.localdate()
    actions.record_safe_adult(child=classmate, group=group, status="none_yet", by=mentor, today=today)
    actions.rate_wellbeing(child=classmate, group=group, rating="red", by=mentor, today=today)
    page.set_default_timeout(10_000)
    page.set_viewport_size(TABLET)
    _log_in(page, f"{live_server.url}/prevention/classes/{group.pk}/review/", principal)

    nils = page.locator(f"#pupil-{classmate.pk}")
    expect(nils).to_contain_text("Maja Mentorsson: Röd: allvarlig oro")
    nils.get_by_label("Röd: allvarlig oro").check()
    nils.get_by_label("Nästa steg", exact=True).select_option(label="Samtal med vårdnadshavarna")
    nils.get_by_label("Vem", exact=True).select_option(label=kurator.get_full_name())
    nils.get_by_label("Klart senast", exact=True).fill((today + timezone.timedelta(days=7)).isoformat())
    nils.get_by_role("button", name="Spara den gemensamma bedömningen").click()
    expect(page.locator(f"#pupil-{classmate.pk} .message--success")).to_be_visible()
    page.screenshot(path=screenshot_dir / "81-class-review.png", full_page=True)
    agreed = AgreedRating.objects.get(child=classmate)
    assert (agreed.rating, agreed.next_step, agreed.responsible) == ("red", "guardians", kurator)

    page.goto(f"{live_server.url}/prevention/schools/{world.school.pk}/gaps/")
    gap = page.locator(f"#pupil-{classmate.pk}")
    gap.get_by_text("Utse en vuxen").click()
    gap.get_by_label("Vuxen som bygger relationen").select_option(label="Maja Mentorsson")
    gap.get_by_label("Följs upp senast").fill((today + timezone.timedelta(days=14)).isoformat())
    gap.get_by_label("Hur", exact=True).fill("Schackklubben på onsdagar")
    gap.locator("form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    page.screenshot(path=screenshot_dir / "82-trygg-bas-gaps.png", full_page=True)
    assert RelationAssignment.objects.get().adult == mentor

    page.goto(f"{live_server.url}/prevention/schools/{world.school.pk}/")
    expect(page.locator("img.chart").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "83-trygg-bas-coverage.png", full_page=True)
