"""`/health/` for the load balancer: 200 when the database answers, every migration is applied and the audit chain
has a head; 503 naming the check that failed; no login, no personal data, a few queries (issue 19, section 4)."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from kring.access.audit import record_event
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_health_is_200_with_the_audit_chains_head_without_a_login(
    client: Client, world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    event = record_event(actor=None, action="write", target_type="health-test", target_id="1")

    with django_assert_max_num_queries(4):
        response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "migrations": "ok", "audit_chain": {"sequence": event.sequence}}
    assert response["Cache-Control"] == "no-store" and "sessionid" not in response.cookies
    body = response.content.decode()
    assert world.child.first_name not in body and world.child.identity_number not in body


def test_health_is_503_when_a_migration_is_not_applied(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.migrations.executor import MigrationExecutor

    real_plan = MigrationExecutor.migration_plan

    def one_unapplied(self: MigrationExecutor, targets: object, clean_start: bool = False) -> list[object]:
        assert real_plan(self, targets, clean_start) == []  # the test database is migrated
        return [("a migration", False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", one_unapplied)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["migrations"] == {"unapplied": 1} and response.json()["database"] == "ok"


def test_health_is_503_when_the_database_does_not_answer(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.backends.utils import CursorWrapper

    def unreachable(self: CursorWrapper, sql: str, params: object = None) -> None:
        raise OperationalError("connection failed: FATAL: the database system is starting up")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "migrations": "unknown", "audit_chain": "unknown"}


def test_health_answers_only_get(client: Client) -> None:
    assert client.post("/health/").status_code == 405
