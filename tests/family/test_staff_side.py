"""The staff's side of the family pages: the case team blocks and lets back a guardian by a recorded decision, and
records the child's own voice on a tablet; nobody else on the staff sees either page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kring.access.models import AuditEvent
from kring.casework.models import ChildVoice, OutcomeMeasure, RatingGiver, TsiCase
from kring.family.models import AccessBlock
from kring.people.models import Guardian
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_team_blocks_a_guardian_with_a_reason_and_lifts_it(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    login(client, tsi_member)
    url = reverse("family_staff:guardian_access", args=[family_case.child_id])
    page = client.get(url)
    assert page.status_code == 200 and guardians[0].full_name in page.content.decode()
    empty = client.post(url, {"guardian": guardians[0].pk, "reason": ""})
    assert empty.status_code == 200 and not AccessBlock.objects.exists()
    assert (
        client.post(url, {"guardian": guardians[0].pk, "reason": "Hot mot den andra vårdnadshavaren."}).status_code
        == 302
    )
    block = AccessBlock.objects.get()
    assert (block.guardian, block.decided_by, block.lifted_at) == (guardians[0], tsi_member, None)
    kept = client.post(url, {"lift": block.pk, "reason": ""})
    assert kept.status_code == 200
    client.post(url, {"lift": block.pk, "reason": "Utrett av socialtjänsten."})
    block.refresh_from_db()
    assert block.lifted_by == tsi_member and block.lift_reason == "Utrett av socialtjänsten."
    steps = AuditEvent.objects.filter(target_type="guardian_access_block").values_list("details__step", flat=True)
    assert sorted(steps) == ["block", "lift"]


def test_a_rejected_reason_keeps_what_was_typed(
    client: Client,
    family_case: TsiCase,
    guardians: list[Guardian],
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    login(client, tsi_member)
    url = reverse("family_staff:guardian_access", args=[family_case.child_id])
    typed = "Ett skäl som inte får försvinna. " * 70  # longer than the 2,000 characters a reason may have
    again = client.post(url, {"guardian": guardians[1].pk, "reason": typed})
    assert again.status_code == 200 and not AccessBlock.objects.exists()
    page = again.content.decode()
    assert typed.strip() in page and 'role="alert"' in page


@pytest.mark.parametrize("who", ["teacher", "principal", "other_team_member", "social_worker", "police_officer"])
def test_nobody_else_on_the_staff_sees_the_guardians_access_or_the_childs_voice(
    client: Client, family_case: TsiCase, guardians: list[Guardian], who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    access = client.get(reverse("family_staff:guardian_access", args=[family_case.child_id]))
    assert access.status_code == 404
    assert guardians[0].full_name not in access.content.decode()
    voice = client.get(reverse("family_staff:voice_with_adult", args=[family_case.pk]))
    assert voice.status_code in (403, 404)
    assert "Alva" not in voice.content.decode()


def test_the_child_tells_how_it_is_going_on_the_teams_tablet(
    client: Client,
    family_case: TsiCase,
    tsi_member,  # type: ignore[no-untyped-def]
) -> None:
    login(client, tsi_member)
    url = reverse("family_staff:voice_with_adult", args=[family_case.pk])
    page = client.get(url + "?lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()
    missing = client.post(url, {"occasion": "follow_up", "words": "Det är bättre nu"})
    assert missing.status_code == 400 and "Det är bättre nu" in missing.content.decode()
    client.post(
        url,
        {
            "occasion": "follow_up",
            "how_it_goes": "4",
            "listened_to": "5",
            "words": "Bättre",
            "secret_from_guardians": "on",
        },
    )
    voice = ChildVoice.objects.get()
    assert (voice.how_it_goes, voice.listened_to, voice.secret_from_guardians) == (4, 5, True)
    measure = OutcomeMeasure.objects.get(given_by=RatingGiver.CHILD)
    assert measure.listened_to == 5 and measure.secret_from_guardians


def test_the_team_prints_the_letter_in_the_familys_language(
    client: Client,
    family_case: TsiCase,
    tsi_member,
    teacher,  # type: ignore[no-untyped-def]
) -> None:
    import io

    from django.utils import translation
    from django.utils.translation import gettext
    from pypdf import PdfReader

    family_case.family_language = "ar"
    family_case.save()
    login(client, tsi_member)
    response = client.get(reverse("family_staff:family_letter", args=[family_case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    heading = "Secrecy"  # a heading of the letter (a name, not a literal: the catalogue is the family app's)
    with translation.override("ar"):
        secrecy = gettext(heading)
    assert secrecy != heading and secrecy in text
    assert AuditEvent.objects.filter(target_type="family_letter_pdf", details__language="ar").exists()
    other = Client()
    login(other, teacher)
    assert other.get(reverse("family_staff:family_letter", args=[family_case.pk])).status_code == 404


def test_the_case_page_shows_the_childs_voice_to_the_team_only(
    client: Client,
    family_case: TsiCase,
    tsi_member,
    principal,  # type: ignore[no-untyped-def]
) -> None:
    from kring.casework.tsi import actions as tsi_actions

    tsi_actions.record_child_voice(
        by=tsi_member, case=family_case,
        voice=tsi_actions.VoiceInput(4, 5, "Jag har en kompis nu", True, "follow_up", "Teamet"),
    )  # fmt: skip
    login(client, tsi_member)
    page = client.get(reverse("casework_case", args=[family_case.pk])).content.decode()
    assert "Jag har en kompis nu" in page
    school = Client()
    login(school, principal)
    response = school.get(reverse("casework_case", args=[family_case.pk]))
    assert response.status_code == 200 and "Jag har en kompis nu" not in response.content.decode()
