"""Log review (loggkontroll): filters, reads without a routine basis, tenancy, refusal and constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.audit import record_event
from kring.access.models import AuditAction, AuditEvent, LogReview
from kring.access.policy import Basis
from tests.conftest import World, _staff, login

CONSENT_BASIS = Basis(
    kind="consent", child_id=0, reason="Samtycke från vårdnadshavare", legal_reference="OSL 12 kap", origins=frozenset()
)

PLACEMENT_LIKE_BASIS = Basis(
    kind="report_receiver", child_id=0, reason="orosanmälan 1, mottagen", legal_reference="", origins=frozenset()
)


def _read(user, child_id: int, basis: Basis | None = None) -> AuditEvent:  # type: ignore[no-untyped-def]
    return record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="child_overview",
        target_id=child_id,
        child_id=child_id,
        basis=basis,
    )


def _rows(body: str) -> int:
    return body.count("<time datetime=")


def test_log_review_lists_only_the_own_municipalitys_events(
    client: Client, world: World, teacher, administrator, outsider
) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher).get(f"/children/{world.child.pk}/")
    _read(outsider, world.other_municipality_child.pk)
    login(client, administrator)

    body = client.get("/audit/").content.decode()

    assert "Alva Testsson" in body
    assert teacher.email in body
    assert outsider.email not in body
    assert "Annansson" not in body


def test_log_review_filters_by_child_identity_number(client: Client, world: World, teacher, administrator) -> None:  # type: ignore[no-untyped-def]
    _read(teacher, world.child.pk)
    _read(teacher, world.protected_child.pk)
    login(client, administrator)
    number = world.child.identity_number

    body = client.get("/audit/", {"child": f"{number[:8]}-{number[8:]}"}).content.decode()

    assert "Alva Testsson" in body
    assert "Sigge" not in body
    assert _rows(body) == 1


def test_log_review_with_an_invalid_identity_number_explains_and_keeps_the_text(
    client: Client, world: World, administrator
) -> None:  # type: ignore[no-untyped-def]
    login(client, administrator)
    number = world.child.identity_number
    typed = f"{number[:8]}-{number[8:11]}{(int(number[11]) + 1) % 10}"

    swedish = client.get("/audit/", {"child": typed}).content.decode()
    english = client.get("/audit/", {"child": typed}, headers={"accept-language": "en"}).content.decode()

    assert "Kontrollsiffran är fel" in swedish
    assert f'value="{typed}"' in swedish
    assert "The check digit is wrong" in english
    assert _rows(swedish) == 0


def test_log_review_of_a_child_of_another_municipality_finds_no_child(
    client: Client, world: World, administrator
) -> None:  # type: ignore[no-untyped-def]
    login(client, administrator)
    number = world.other_municipality_child.identity_number
    body = client.get("/audit/", {"child": number}, headers={"accept-language": "en"}).content.decode()
    assert "No child in the municipality has this identity number" in body
    assert "Annansson" not in body


def test_log_review_filters_by_user_action_and_date(
    client: Client, world: World, teacher, principal, administrator
) -> None:  # type: ignore[no-untyped-def]
    _read(teacher, world.child.pk)
    _read(principal, world.child.pk)
    record_event(actor=principal, action=AuditAction.SEARCH, target_type="child")
    login(client, administrator)
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    by_user = client.get("/audit/", {"user": "rektor@", "action": "read"}).content.decode()
    by_day = client.get("/audit/", {"date_from": today, "date_to": today, "action": "read"}).content.decode()
    later = client.get("/audit/", {"date_from": tomorrow}).content.decode()

    assert _rows(by_user) == 1
    assert principal.email in by_user
    assert _rows(by_day) == 2
    assert _rows(later) == 0


def test_log_review_refuses_a_to_date_before_the_from_date(client: Client, world: World, administrator) -> None:  # type: ignore[no-untyped-def]
    login(client, administrator)
    body = client.get(
        "/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}, headers={"accept-language": "en"}
    ).content.decode()
    assert "The to date must be on or after the from date" in body
    assert 'value="2026-05-02"' in body


def test_log_review_lists_reads_without_a_placement_or_case_basis(client: Client, world: World, social_worker) -> None:  # type: ignore[no-untyped-def]
    manager = _staff(world.municipality, world.social_services, "unit_manager", "enhetschef@kommun.example")
    colleague = _staff(world.municipality, world.social_services, "social_worker", "kollega@kommun.example")
    login(client, colleague).get(f"/children/{world.child.pk}/")  # no basis: a 404, and no read
    _read(social_worker, world.child.pk, PLACEMENT_LIKE_BASIS)  # a read under a routine basis
    _read(social_worker, world.child.pk, CONSENT_BASIS)
    _read(social_worker, world.protected_child.pk)
    login(client, manager)

    body = client.get("/audit/", {"unexplained": "on"}).content.decode()

    assert _rows(body) == 2
    assert "Samtycke från vårdnadshavare" in body
    assert "Sigge Skyddad" not in body and "Skyddad identitet, ref. " in body


def test_log_review_is_itself_audited(client: Client, world: World, administrator) -> None:  # type: ignore[no-untyped-def]
    login(client, administrator)
    client.get("/audit/", {"user": "larare"})
    event = AuditEvent.objects.get(action=AuditAction.SEARCH, target_type="audit_log")
    assert event.actor_id == administrator.pk
    assert event.details["filters"] == {"user": "larare"}


@pytest.mark.parametrize("persona", ["teacher", "principal", "social_worker", "police_officer", "outsider"])
def test_log_review_refuses_without_the_permission_and_shows_nothing(
    client: Client, world: World, teacher, request, persona: str
) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher).get(f"/children/{world.child.pk}/")
    login(client, request.getfixturevalue(persona))

    response = client.get("/audit/", {"unexplained": "on"})

    assert response.status_code == 404
    assert teacher.email not in response.content.decode()
    assert "Testsson" not in response.content.decode()
    assert not AuditEvent.objects.filter(target_type="audit_log").exists()


def test_log_review_queries_are_constant_with_ten_times_the_events(
    client: Client, world: World, teacher, administrator
) -> None:  # type: ignore[no-untyped-def]
    def measure(reads: int) -> int:
        for _ in range(reads):
            _read(teacher, world.child.pk)
            _read(teacher, world.protected_child.pk)
        with CaptureQueriesContext(connection) as context:
            assert client.get("/audit/").status_code == 200
        return len(context.captured_queries)

    login(client, administrator)
    client.get("/")
    assert measure(3) == measure(30)


def test_identity_numbers_never_travel_in_urls_log_review_posts_and_links_by_reference(
    client: Client, world: World, teacher, administrator, outsider
) -> None:  # type: ignore[no-untyped-def]
    _read(teacher, world.child.pk)
    _read(teacher, world.protected_child.pk)
    login(client, administrator)
    number = world.child.identity_number

    posted = client.post("/audit/", {"child": f"{number[:8]}-{number[8:]}", "action": ""})

    assert posted.status_code == 302
    location = posted["Location"]
    assert number[:8] not in location and "child=ref%3A" in location
    body = client.get(location).content.decode()
    assert "Alva Testsson" in body and "Sigge" not in body and _rows(body) == 1
    login(client, outsider)  # the reference is the municipality's own: elsewhere it names no child
    assert "Alva Testsson" not in client.get(location).content.decode()


def _domains(world: World) -> tuple:  # type: ignore[type-arg]
    school_reviewer = _staff(world.municipality, world.other_school, "administrator", "granskare.skola@kommun.example")
    social_reviewer = _staff(world.municipality, world.social_services, "unit_manager", "enhetschef@kommun.example")
    return school_reviewer, social_reviewer


def test_log_review_domain_each_organisation_reviews_its_own_staff(
    client: Client, world: World, teacher, social_worker, police_officer
) -> None:  # type: ignore[no-untyped-def]
    school_reviewer, social_reviewer = _domains(world)
    _read(teacher, world.child.pk, PLACEMENT_LIKE_BASIS)
    record_event(
        actor=social_worker,
        action=AuditAction.READ,
        target_type="report_of_concern",
        target_id=7,
        child_id=world.child.pk,
        basis=PLACEMENT_LIKE_BASIS,
    )
    _read(police_officer, world.child.pk)

    login(client, school_reviewer)
    school = client.get("/audit/", headers={"accept-language": "en"}).content.decode()
    login(client, social_reviewer)
    social = client.get("/audit/", headers={"accept-language": "en"}).content.decode()

    assert teacher.email in school and social_worker.email not in school and police_officer.email not in school
    assert "report_of_concern" not in school and "Report of concern" not in school
    assert social_worker.email in social and teacher.email not in social and police_officer.email not in social


def test_log_review_domain_filter_by_child_shows_no_other_domains_events(
    client: Client, world: World, social_worker
) -> None:  # type: ignore[no-untyped-def]
    school_reviewer, _ = _domains(world)
    _read(social_worker, world.child.pk, CONSENT_BASIS)
    login(client, school_reviewer)

    response = client.post("/audit/", {"child": world.child.identity_number})
    body = client.get(response["Location"]).content.decode()

    assert social_worker.email not in body and "Samtycke" not in body


def test_log_review_protected_identity_shown_by_reference(client: Client, world: World, principal) -> None:  # type: ignore[no-untyped-def]
    school_reviewer, _ = _domains(world)
    login(client, principal).get(f"/children/{world.protected_child.pk}/")
    login(client, school_reviewer)

    body = client.get("/audit/").content.decode()

    assert "Sigge" not in body and "Skyddad," not in body
    assert world.protected_child.identity_number[:8] not in body
    assert "Skyddad identitet, ref. " in body


def test_log_review_recorded_with_filters_and_conclusion(client: Client, world: World, teacher) -> None:  # type: ignore[no-untyped-def]
    school_reviewer, social_reviewer = _domains(world)
    _read(teacher, world.child.pk, CONSENT_BASIS)
    login(client, school_reviewer)

    refused = client.post("/audit/record/", {"query": "unexplained=on", "conclusion": "followed_up", "note": ""})
    assert refused.status_code == 200
    assert "Säg vad du kommer att följa upp" in refused.content.decode()
    assert 'value="followed_up" selected' in refused.content.decode()
    assert not LogReview.objects.exists()

    done = client.post(
        "/audit/record/",
        {"query": "unexplained=on", "conclusion": "followed_up", "note": "Frågar läraren varför."},
    )

    assert done.status_code == 302
    review = LogReview.objects.get()
    assert (review.reviewer_id, review.events_seen, review.conclusion) == (school_reviewer.pk, 1, "followed_up")
    assert review.filters == {"query": "unexplained=on"}
    event = AuditEvent.objects.get(target_type="log_review")
    assert event.actor_id == school_reviewer.pk and event.details["conclusion"] == "followed_up"
    assert "Frågar läraren varför." in client.get("/audit/reviews/").content.decode()
    login(client, social_reviewer)
    assert "Frågar läraren varför." not in client.get("/audit/reviews/").content.decode()
    login(client, teacher)
    assert client.get("/audit/reviews/").status_code == 404
    assert client.post("/audit/record/", {"conclusion": "nothing_found"}).status_code == 404
