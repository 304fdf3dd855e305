"""The demo's families: a guardian logs in with the test e-ID to a plan in Arabic with the child's confidential story
kept from them, and another has a consent to give; the test e-ID offers the demo's guardians."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kring.casework.models import ConsentRequest, Story
from kring.demo.families import SECRET_STORY, family_logins
from kring.demo.generator import DemoResult
from kring.family.management.commands.serve_eid import people_from_database
from kring.people.models import Guardian
from tests.family.conftest import log_in_as


@pytest.fixture
def small_demo(shared_small_demo: DemoResult) -> DemoResult:
    return shared_small_demo


def test_the_demo_suggests_two_family_logins(small_demo: DemoResult) -> None:
    logins = family_logins(small_demo.municipality.pk, timezone.localdate())
    assert len(logins) == 2
    offered = {person.name for person in people_from_database(small_demo.municipality.code)}
    assert {login.guardian for login in logins} <= offered


def test_the_arabic_family_reads_their_plan_without_the_childs_secret(client: Client, small_demo: DemoResult) -> None:
    story = Story.objects.get(secret_from_guardians=True, case__municipality=small_demo.municipality)
    case = story.case
    assert case.family_language == "ar"
    guardian = Guardian.objects.filter(custodies__child=case.child).first()
    assert guardian is not None
    log_in_as(client, guardian.identity_index)
    page = client.get(reverse("family:case", args=[case.pk]))
    assert page.status_code == 200 and page["Content-Language"] == "ar"
    assert SECRET_STORY not in page.content.decode()
    assert client.get(reverse("family:plan_pdf", args=[case.pk])).status_code == 200


def test_a_consent_waits_for_the_guardians_answers(client: Client, small_demo: DemoResult) -> None:
    request = ConsentRequest.objects.get(case__municipality=small_demo.municipality, status="open")
    guardian = Guardian.objects.filter(custodies__child=request.case.child).first()
    assert guardian is not None
    log_in_as(client, guardian.identity_index)
    assert client.get(reverse("family:consent_answer", args=[request.case.pk])).status_code == 200
