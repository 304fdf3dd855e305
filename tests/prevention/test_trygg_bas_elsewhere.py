"""Trygg bas on other pages: the start page's work, the early warning's wellbeing column, the child overview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kring.directory.models import User
from kring.people.models import Group
from kring.prevention.tryggbas import actions
from tests.conftest import World, login
from tests.schooldata.test_early_warning import flag

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def test_the_assigned_adult_and_the_principal_see_the_follow_up_on_their_start_page(
    client: Client, world: World, group: Group, mentor: User, principal: User
) -> None:
    today = timezone.localdate()
    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=today)
    assignment = actions.assign_relation(
        child=world.child, unit=world.school, adult=mentor, follow_up_on=today, by=principal, today=today
    )
    login(client, mentor)
    body = client.get("/", headers=EN).content.decode()
    assert "Relations to build" in body
    assert "Alva Testsson" in body
    assert f"/prevention/relations/{assignment.pk}/follow-up/" in body

    type(assignment).objects.filter(pk=assignment.pk).update(follow_up_on=today - dt.timedelta(days=2))
    client.logout()
    login(client, principal)
    body = client.get("/", headers=EN).content.decode()
    assert "Safe adults to follow up" in body
    assert "2 days overdue" in body


def test_the_mentor_is_asked_for_the_rest_of_the_class(
    client: Client, world: World, group: Group, mentor: User, classmate: object
) -> None:
    actions.record_safe_adult(child=world.child, group=group, status="none_yet", by=mentor, today=timezone.localdate())
    login(client, mentor)

    body = client.get("/", headers=EN).content.decode()

    assert "Inventories of safe adults" in body
    assert "1 of 3 pupils" in body


def test_the_responsible_sees_the_next_step_of_a_class_review(
    client: Client, world: World, group: Group, principal: User, kurator: User
) -> None:
    today = timezone.localdate()
    actions.agree_rating(
        child=world.child,
        group=group,
        rating="red",
        by=principal,
        today=today,
        next_step="guardians",
        next_step_by=today + dt.timedelta(days=3),
        responsible=kurator,
    )
    login(client, kurator)

    body = client.get("/", headers=EN).content.decode()

    assert "Class review: Talk with the guardians" in body


def test_the_early_warning_shows_the_agreed_wellbeing_beside_the_absence(
    client: Client, world: World, group: Group, principal: User
) -> None:
    today = timezone.localdate()
    flag(world.child, world.school)
    actions.agree_rating(
        child=world.child,
        group=group,
        rating="yellow",
        by=principal,
        today=today,
        next_step="student_health",
        next_step_by=today,
        responsible=principal,
    )
    login(client, principal)

    body = client.get(f"/absence/{world.school.pk}/", headers=EN).content.decode()

    assert "Wellbeing rating (class review)" in body
    assert "Yellow: some worry" in body


def test_the_child_overview_loads_the_section_for_the_leadership_only(
    client: Client, world: World, group: Group, principal: User, teacher: User
) -> None:
    login(client, principal)
    assert f"/prevention/child/{world.child.pk}/" in client.get(f"/children/{world.child.pk}/").content.decode()
    client.logout()
    login(client, teacher)  # a teacher at the school, not of the class: no basis for the wellbeing
    response = client.get(f"/prevention/child/{world.child.pk}/", headers={"hx-request": "true"})
    assert response.status_code == 204
