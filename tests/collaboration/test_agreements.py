"""Agreements: versions that answer "what did we agree on this day", review reminders, PDF, who reads and keeps."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kring.access.models import AuditEvent
from kring.casework.workflow import WorkflowError
from kring.collaboration.agreements.actions import AgreementInput, save_agreement
from kring.collaboration.agreements.reminders import send_review_reminders
from kring.collaboration.agreements.today import agreement_work
from kring.collaboration.models import AgreementVersion, Issue
from kring.directory.models import Notification, User
from tests.collaboration.conftest import add_agreement, add_group, organisations
from tests.conftest import World, login


def test_a_new_version_keeps_the_old_one_and_answers_what_was_agreed_on_a_day(
    client: Client, world: World, coordinator: User, teacher: User
) -> None:
    first = add_agreement(world, coordinator)
    school, social, police = organisations(world)
    second = save_agreement(
        given=AgreementInput(
            title=first.agreement.title, responsible=coordinator, parties=[school, social, police],
            purpose="Att förebygga våld och brott.", needs="Samma behov.", valid_from=date(2027, 1, 1),
            review_on=date(2028, 6, 30), change_note="Brott lades till.",
        ),
        by=coordinator, agreement=first.agreement,
    )  # fmt: skip
    assert second.number == 2
    assert AgreementVersion.objects.get(pk=first.pk).purpose == "Att förebygga våld bland unga."
    login(client, teacher)
    url = reverse("collaboration_agreement", args=[first.agreement_id])
    in_2026 = client.get(url, {"on": "2026-06-01"}).content.decode()
    assert "Att förebygga våld bland unga." in in_2026 and "och brott" not in in_2026
    assert "Att förebygga våld och brott." in client.get(url).content.decode()
    assert "Att förebygga våld bland unga." in client.get(url, {"version": 1}).content.decode()


def test_the_same_title_twice_is_refused(world: World, coordinator: User) -> None:
    add_agreement(world, coordinator)
    with pytest.raises(WorkflowError):
        add_agreement(world, coordinator)


def test_an_agreement_binds_two_parties_and_only_parties_commit(world: World, coordinator: User) -> None:
    school, social, police = organisations(world)
    with pytest.raises(WorkflowError):
        add_agreement(world, coordinator, parties=[school], commitments=[], signatories=[])
    with pytest.raises(WorkflowError):
        add_agreement(world, coordinator, parties=[school, social])  # the police commit without being a party


def test_only_a_coordinator_makes_an_agreement(world: World, principal: User, coordinator: User) -> None:
    with pytest.raises(PermissionDenied):
        add_agreement(world, principal, responsible=coordinator)


def test_the_review_is_reminded_once_thirty_days_before(world: World, coordinator: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    add_agreement(world, coordinator, review_on=date(2027, 3, 31))
    assert send_review_reminders(date(2027, 2, 28)) == 0
    assert send_review_reminders(date(2027, 3, 1)) == 1
    assert send_review_reminders(date(2027, 3, 2)) == 0
    notification = Notification.objects.get(user=coordinator)
    assert notification.kind == "review"
    assert AuditEvent.objects.filter(target_type="agreement", details__reminded="review").count() == 1


def test_a_new_review_date_is_reminded_again(world: World, coordinator: User) -> None:
    version = add_agreement(world, coordinator, review_on=date(2027, 3, 31))
    assert send_review_reminders(date(2027, 3, 20)) == 1
    school, social, police = organisations(world)
    save_agreement(
        given=AgreementInput(
            title=version.agreement.title, responsible=coordinator, parties=[school, social, police], purpose="p",
            needs="n", valid_from=date(2027, 4, 1), review_on=date(2028, 3, 31),
        ),
        by=coordinator, agreement=version.agreement,
    )  # fmt: skip
    assert send_review_reminders(date(2027, 4, 2)) == 0
    assert send_review_reminders(date(2028, 3, 5)) == 1


def test_the_start_page_shows_the_review_to_the_responsible_and_the_coordinators(
    world: World, coordinator: User, teacher: User
) -> None:
    add_agreement(world, coordinator, review_on=date(2027, 3, 31))
    groups = agreement_work(coordinator, date(2027, 3, 10))
    assert groups[0].count == 1 and groups[0].items[0].subject == "Överenskommelse mot våld"
    assert agreement_work(coordinator, date(2027, 1, 10))[0].count == 0
    assert agreement_work(teacher, date(2027, 3, 10))[0].count == 0


def test_reviews_due_page_lists_agreements_and_groups(
    client: Client, world: World, coordinator: User, time_machine
) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to("2027-03-10 09:00+01:00", tick=False)
    add_agreement(world, coordinator, review_on=date(2027, 3, 31))
    add_agreement(world, coordinator, title="Långt fram", review_on=date(2028, 3, 31))
    group = add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    group.review_on = date(2027, 2, 1)
    group.save()
    page = login(client, coordinator).get(reverse("collaboration_reviews")).content.decode()
    assert "Överenskommelse mot våld" in page and "SSPF Centrum" in page and "Långt fram" not in page


def test_a_group_links_to_the_agreements_that_govern_it(
    client: Client, world: World, coordinator: User, time_machine
) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-06-01 09:00+02:00", tick=False)
    group = add_group(world, coordinator, "SSPF Centrum", issues=[Issue.CRIME])
    version = add_agreement(world, coordinator, groups=[group])
    page = login(client, coordinator).get(reverse("collaboration_group", args=[group.pk])).content.decode()
    assert reverse("collaboration_agreement", args=[version.agreement_id]) in page


def test_the_agreement_pdf_is_audited(client: Client, world: World, coordinator: User, police_officer: User) -> None:
    version = add_agreement(world, coordinator)
    response = login(client, police_officer).get(
        reverse("collaboration_agreement_pdf", args=[version.agreement_id, version.number])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(target_type="agreement_pdf", actor_id=police_officer.pk).count() == 1


def test_another_municipality_cannot_open_an_agreement(
    client: Client, world: World, coordinator: User, outsider: User
) -> None:
    version = add_agreement(world, coordinator)
    login(client, outsider)
    assert client.get(reverse("collaboration_agreement", args=[version.agreement_id])).status_code == 404
    assert client.get(reverse("collaboration_agreement_pdf", args=[version.agreement_id, 1])).status_code == 404
    assert "mot våld" not in client.get(reverse("collaboration_agreements")).content.decode()
    assert "mot våld" not in client.get(reverse("collaboration_reviews")).content.decode()


def test_a_new_version_from_the_form_keeps_what_was_typed_on_error(
    client: Client, world: World, coordinator: User
) -> None:
    version = add_agreement(world, coordinator)
    school, social, police = organisations(world)
    data = {
        "title": version.agreement.title, "responsible": coordinator.pk, "parties": [school.pk, social.pk, police.pk],
        "needs": "Nya behov som ska finnas kvar.", "purpose": "Syfte.", "valid_from": "2027-01-01",
        "valid_to": "2026-01-01", "review_on": "2028-01-01",
        "commitments-TOTAL_FORMS": 1, "commitments-INITIAL_FORMS": 0, "commitments-MIN_NUM_FORMS": 0,
        "commitments-MAX_NUM_FORMS": 40, "commitments-0-text": "Ett åtagande utan part.",
        "signatories-TOTAL_FORMS": 0, "signatories-INITIAL_FORMS": 0, "signatories-MIN_NUM_FORMS": 0,
        "signatories-MAX_NUM_FORMS": 20,
    }  # fmt: skip
    url = reverse("collaboration_agreement_edit", args=[version.agreement_id])
    page = login(client, coordinator).post(url, data, headers={"accept-language": "en"}).content.decode()
    assert "Nya behov som ska finnas kvar." in page and "Ett åtagande utan part." in page
    assert "The agreement ends before it begins." in page
    assert "Choose the party that commits to this." in page
    data["valid_to"] = ""
    data["commitments-0-organisation"] = police.pk
    response = client.post(url, data)
    assert response.status_code == 302
    assert version.agreement.versions.count() == 2
