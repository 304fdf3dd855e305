"""The trygg-bas pages in the browser's place: who sees what (nothing at all for those without a basis), one tap a
pupil with htmx, forms that keep what was typed, constant queries, and the suppressed municipality figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import User
from kring.people.models import Group
from kring.prevention.models import SafeAdultEntry, WellbeingRating
from kring.prevention.tryggbas import actions
from tests.conftest import World, login
from tests.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "mentor",
    "teacher",
    "principal",
    "kurator",
    "social_worker",
    "police_officer",
    "tsi_member",
    "coordinator",
    "outsider",
]
# persona -> (class page, class review, gaps, coverage, municipality, pupil's section)
EXPECTED = {
    "mentor": (200, 403, 404, 404, 404, 200),
    "teacher": (404, 404, 404, 404, 404, 204),  # a teacher at the school, not of this class: the child's overview
    "principal": (200, 200, 200, 200, 404, 200),
    "kurator": (200, 200, 200, 200, 404, 200),
    "social_worker": (404, 404, 404, 404, 404, 404),
    "police_officer": (404, 404, 404, 404, 404, 404),
    "tsi_member": (404, 404, 404, 404, 404, 404),
    "coordinator": (404, 404, 404, 404, 200, 404),
    "outsider": (404, 404, 404, 404, 404, 404),
}


@pytest.fixture
def recorded(world: World, group: Group, mentor: User) -> None:
    today = timezone.localdate()
    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=today)
    actions.rate_wellbeing(child=world.child, group=group, rating="yellow", by=mentor, today=today)


@pytest.mark.parametrize("name", PERSONAS)
def test_each_persona_sees_only_what_they_should(
    client: Client, world: World, group: Group, recorded: None, request: pytest.FixtureRequest, name: str
) -> None:
    person = request.getfixturevalue(name)
    login(client, person)
    school = world.school.pk
    urls = [
        f"/prevention/classes/{group.pk}/",
        f"/prevention/classes/{group.pk}/review/",
        f"/prevention/schools/{school}/gaps/",
        f"/prevention/schools/{school}/",
        "/prevention/municipality/",
        f"/prevention/child/{world.child.pk}/",
    ]

    statuses = []
    for url in urls:
        response = client.get(url, headers={"hx-request": "true"} if "child" in url else {})
        statuses.append(response.status_code)
        if response.status_code != 200:
            assert "Testsson" not in response.content.decode()

    assert tuple(statuses) == EXPECTED[name]


def test_the_municipality_page_names_no_pupil(client: Client, world: World, recorded: None, coordinator: User) -> None:
    login(client, coordinator)

    body = client.get("/prevention/municipality/").content.decode()

    assert "Testsson" not in body
    assert "Ekskolan" in body  # the school's row, its counts suppressed
    assert ".." in body


def test_the_home_page_lists_the_mentors_class_only(client: Client, world: World, group: Group, mentor: User) -> None:
    other = Group.objects.create(
        municipality_id=world.school.municipality_id, unit=world.school, name="9B", school_year="2026/2027"
    )
    PlacementFactory(child=ChildFactory(municipality=world.municipality), unit=world.school, group=other)
    login(client, mentor)

    body = client.get("/prevention/").content.decode()

    assert ">5A<" in body
    assert ">9B<" not in body


def test_a_social_worker_has_no_prevention_page(client: Client, social_worker: User) -> None:
    login(client, social_worker)
    assert client.get("/prevention/").status_code == 404


def test_one_tap_with_htmx_saves_and_returns_the_pupils_line(
    client: Client, world: World, group: Group, mentor: User
) -> None:
    login(client, mentor)
    url = f"/prevention/classes/{group.pk}/pupils/{world.child.pk}/safe-adult/"

    response = client.post(url, {f"s{world.child.pk}-status": "unsure"}, headers={"hx-request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<li class="pupil card"')
    assert "Testsson" in body
    assert "Sparat" in body
    assert 'id="class-progress" role="status" hx-swap-oob="true"' in body  # the page's progress, now true
    assert "Trygg vuxen registrerad för 1 av 2 elever" in body
    assert SafeAdultEntry.objects.get().status == "unsure"


def test_without_javascript_a_save_returns_to_the_pupil(
    client: Client, world: World, group: Group, mentor: User
) -> None:
    login(client, mentor)
    url = f"/prevention/classes/{group.pk}/pupils/{world.child.pk}/rating/"

    response = client.post(url, {f"r{world.child.pk}-rating": "green"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/prevention/classes/{group.pk}/#pupil-{world.child.pk}")
    assert WellbeingRating.objects.get().rating == "green"


def test_a_named_adult_missing_is_a_translated_error_and_keeps_what_was_typed(
    client: Client, world: World, group: Group, mentor: User
) -> None:
    login(client, mentor)
    url = f"/prevention/classes/{group.pk}/pupils/{world.child.pk}/safe-adult/"
    data = {f"s{world.child.pk}-status": "named", f"s{world.child.pk}-relation": "tränare"}

    swedish = client.post(url, data, headers={"hx-request": "true"}).content.decode()
    english = client.post(url, data, headers={"hx-request": "true", "accept-language": "en"}).content.decode()

    assert "Ange den vuxne" in swedish
    assert "Name the adult" in english
    assert 'value="tränare"' in swedish
    assert not SafeAdultEntry.objects.exists()


def test_the_class_page_keeps_its_queries_whatever_the_class_size(
    client: Client, world: World, group: Group, mentor: User
) -> None:
    login(client, mentor)
    url = f"/prevention/classes/{group.pk}/"
    client.get(url)  # warm up: the session, the content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for index in range(12):
        child = ChildFactory(municipality=world.municipality, last_name=f"Elev{index}")
        PlacementFactory(child=child, unit=world.school, group=group)
        actions.record_safe_adult(child=child, group=group, status="none_yet", by=mentor, today=timezone.localdate())
    assert count() == small


def test_a_class_page_read_is_audited_with_the_pupils_shown(
    client: Client, world: World, group: Group, mentor: User
) -> None:
    login(client, mentor)
    client.get(f"/prevention/classes/{group.pk}/")

    event = AuditEvent.objects.get(action=AuditAction.READ, target_type="class_inventory")
    assert world.child.pk in event.details["children"]
    assert world.protected_child.pk in event.details["children"]  # a mentor may know a pupil with protected identity


def test_the_principal_assigns_an_adult_to_a_gap(
    client: Client, world: World, group: Group, recorded: None, principal: User, mentor: User
) -> None:
    login(client, principal)
    url = f"/prevention/schools/{world.school.pk}/gaps/"
    pk = world.child.pk
    follow = (timezone.localdate() + dt.timedelta(days=14)).isoformat()

    bad = client.post(url, {"child": pk, f"g{pk}-adult": mentor.pk, f"g{pk}-note": "Schack"})
    assert "Schack" in bad.content.decode()
    response = client.post(url, {"child": pk, f"g{pk}-adult": mentor.pk, f"g{pk}-follow_up_on": follow})

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Maja Mentorsson" in page


def test_the_pupils_section_shows_the_terms(client: Client, world: World, recorded: None, principal: User) -> None:
    login(client, principal)

    body = client.get(f"/prevention/child/{world.child.pk}/", headers={"accept-language": "en"}).content.decode()

    assert "None yet" in body
    assert AuditEvent.objects.filter(target_type="child_prevention", child_id=world.child.pk).count() == 1


def test_the_coverage_charts_are_svg(client: Client, world: World, recorded: None, principal: User) -> None:
    login(client, principal)
    for url in (
        f"/prevention/schools/{world.school.pk}/coverage.svg",
        f"/prevention/schools/{world.school.pk}/wellbeing.svg",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert b"<svg" in response.content
