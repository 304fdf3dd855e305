"""Log review (loggkontroll): filters, reads without a routine basis, tenancy, refusal and constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kring.access.audit import record_event
from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import Basis
from tests.conftest import World, login

CONSENT_BASIS = Basis(
    kind="consent", child_id=0, reason="Samtycke från vårdnadshavare", legal_reference="OSL 12 kap", origins=frozenset()
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


def test_log_review_lists_reads_without_a_placement_or_case_basis(
    client: Client, world: World, teacher, social_worker, administrator
) -> None:  # type: ignore[no-untyped-def]
    login(client, teacher).get(f"/children/{world.child.pk}/")  # a read under the placement basis
    _read(social_worker, world.child.pk, CONSENT_BASIS)
    _read(social_worker, world.protected_child.pk)
    login(client, administrator)

    body = client.get("/audit/", {"unexplained": "on"}).content.decode()

    assert _rows(body) == 2
    assert teacher.email not in body
    assert "Samtycke från vårdnadshavare" in body
    assert "Sigge Skyddad" in body


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
