"""A form sent twice does its work once: the second POST with the same one-time token leads to where the first
led, and nothing is created twice; a form with errors gives its token back."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from kring.access.models import FormSubmission
from kring.casework.models import Concern, ReportOfConcern
from kring.directory.models import User
from tests.conftest import World, login

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def token_of(html: str) -> str:
    found = re.search(r'name="submit_token" value="([0-9a-f]{32})"', html)
    assert found is not None
    return found.group(1)


def concern_form(world: World, token: str, **changes: str) -> dict[str, str]:
    data = {
        "category": "wellbeing", "observed": "Ledsen.", "observed_on": timezone.localdate().isoformat(),
        "observed_by": "Mentor", "child_words": "", "submit_token": token,
    }  # fmt: skip
    return data | changes


def test_a_double_submit_records_one_concern(client: Client, world: World, teacher: User) -> None:
    login(client, teacher)
    page = client.get(f"/concerns/new/{world.child.pk}/").content.decode()
    token = token_of(page)
    first = client.post(f"/concerns/new/{world.child.pk}/", concern_form(world, token))
    second = client.post(f"/concerns/new/{world.child.pk}/", concern_form(world, token), **EN)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Concern.objects.count() == 1
    followed = client.get(second["Location"], **EN).content.decode()
    assert "This form was already sent; it was not sent again." in followed


def test_a_form_with_errors_gives_its_token_back(client: Client, world: World, teacher: User) -> None:
    login(client, teacher)
    token = token_of(client.get(f"/concerns/new/{world.child.pk}/").content.decode())
    wrong = client.post(f"/concerns/new/{world.child.pk}/", concern_form(world, token, observed=""))
    assert wrong.status_code == 200
    assert not FormSubmission.objects.filter(token=token).exists()
    client.post(f"/concerns/new/{world.child.pk}/", concern_form(world, token))
    assert Concern.objects.count() == 1


def test_a_double_submit_files_one_report(client: Client, world: World, principal: User, social_worker: User) -> None:
    login(client, principal)
    url = f"/reports/new/{world.child.pk}/"
    token = token_of(client.get(url).content.decode())
    data = {
        "what_happened": "Blåmärken.", "when_and_where": "Idrotten", "guardians_informed": "yes", "urgency": "normal",
        "submit_token": token, "understood": "on",
    }  # fmt: skip
    responses = [client.post(url, data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert ReportOfConcern.objects.count() == 1


def test_every_form_that_posts_carries_a_token() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    missing = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if "{% csrf_token %}" in (text := path.read_text())
        and text.count("{% csrf_token %}")
        != text.count("{% csrf_token %}{% submit_token %}") + text.count("{% csrf_token %}{# a search changes nothing")
    ]
    assert missing == []


def test_a_form_sent_again_after_its_first_sending_was_cut_off_is_saved(
    client: Client, world: World, teacher: User
) -> None:
    """A worker killed, or the database gone, before the token was given back: after two minutes the claim is
    taken over, so the concern sent again is saved rather than reported as sent (docs/operations.md)."""
    login(client, teacher)
    token = token_of(client.get(f"/concerns/new/{world.child.pk}/").content.decode())
    cut_off = timezone.now() - dt.timedelta(minutes=3)
    FormSubmission.objects.create(token=token, user_id=teacher.pk, submitted_at=cut_off)

    response = client.post(f"/concerns/new/{world.child.pk}/", concern_form(world, token))

    concern = Concern.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/concerns/{concern.pk}/"
    assert FormSubmission.objects.get(token=token).location == response["Location"]


def test_a_form_sent_again_while_its_first_sending_has_no_answer_says_so(
    client: Client, world: World, teacher: User
) -> None:
    login(client, teacher)
    token = token_of(client.get(f"/concerns/new/{world.child.pk}/").content.decode())
    FormSubmission.objects.create(token=token, user_id=teacher.pk, submitted_at=timezone.now())

    response = client.post(f"/concerns/new/{world.child.pk}/", concern_form(world, token), **EN)

    assert response.status_code == 302 and response["Location"] == f"/concerns/new/{world.child.pk}/"
    assert not Concern.objects.exists()
    followed = client.get(response["Location"], **EN).content.decode()
    assert "This form is still being sent, or sending it failed." in followed
    assert "it was not sent again" not in followed
