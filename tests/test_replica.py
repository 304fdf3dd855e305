"""A read replica for statistics and exports (issue 19 §5, docs/adr/0019): configured by DATABASE_REPLICA_URL, read
only inside `reading_from_replica()`, and never written to, not even by the audit event of the read.

The stand-in replica is a second test database (`replica`) that `tests.replica.replicate()` fills with a copy of the
primary; rows written afterwards are on the primary only, so a figure tells which database it came from. The
statistics read their summary (`refresh_statistics`), refreshed on the primary before and after the copy."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kring.access.audit import record_event
from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import Concern
from kring.database import (
    REPLICA,
    reading_from_replica,
    replica_settings,
    reporting_alias,
    reporting_database,
)
from kring.directory.models import User
from kring.insights.actions import refresh_statistics
from kring.insights.statistics import statistics_for_user
from tests.conftest import World, _staff, login
from tests.insights.test_statistics import add_concerns
from tests.replica import replicate

BOTH = ["default", REPLICA]
EN = {"accept-language": "en"}


@pytest.fixture
def coordinator(world: World) -> User:
    return _staff(world.municipality, world.school, "coordinator", "samordnare@kommun.example")


@pytest.fixture
def with_replica(settings: Any) -> None:
    settings.KRING_REPORTING_DATABASE = REPLICA


def test_without_the_variable_there_is_no_replica_and_reports_read_the_primary() -> None:
    default = {"ENGINE": "django.db.backends.sqlite3", "NAME": "kring.sqlite3"}

    assert replica_settings({}, default=default, debug=False, testing=False) is None
    assert reporting_database({}, testing=False) == "default"


def test_the_replica_url_is_read_like_the_database_url() -> None:
    env = {"DATABASE_REPLICA_URL": "postgres://kring@replica.example:5432/kring", "KRING_DB_POOL": "true"}

    config = replica_settings(env, default={}, debug=False, testing=False)

    assert config is not None and config["HOST"] == "replica.example" and config["NAME"] == "kring"
    assert config["OPTIONS"]["pool"]["max_size"] == 8
    assert reporting_database(env, testing=False) == REPLICA


def test_under_the_tests_the_replica_is_a_second_database_of_its_own() -> None:
    default = {"ENGINE": "django.db.backends.postgresql", "NAME": "kring"}

    stand_in = replica_settings({}, default=default, debug=False, testing=True)

    assert stand_in is not None and stand_in["TEST"] == {"NAME": "test_kring_replica"}
    assert reporting_database({"DATABASE_REPLICA_URL": "postgres://x@y/z"}, testing=True) == "default"


@pytest.mark.django_db(databases=BOTH)
def test_statistics_are_counted_on_the_replica_and_their_audit_event_lands_on_the_primary(
    client: Client, world: World, coordinator: User, teacher: User, with_replica: None
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 6)
    refresh_statistics(municipality=world.municipality)
    replicate()
    add_concerns(world, teacher, world.school, "wellbeing", 7)  # on the primary only: the replica is behind
    refresh_statistics(municipality=world.municipality)
    replica_events = AuditEvent.objects.using(REPLICA).count()
    login(client, coordinator)

    response = client.get("/statistics/", headers=EN)

    assert response.status_code == 200
    stats = statistics_for_user(coordinator)
    assert stats.concerns is not None and stats.concerns.counts.total == 6
    assert Concern.objects.count() == 13
    events = AuditEvent.objects.filter(action=AuditAction.READ, target_type="statistics", actor_id=coordinator.pk)
    assert events.count() == 2
    assert AuditEvent.objects.using(REPLICA).count() == replica_events


@pytest.mark.django_db(databases=BOTH)
def test_without_a_replica_configured_the_statistics_count_the_primary(
    world: World, coordinator: User, teacher: User
) -> None:
    add_concerns(world, teacher, world.school, "wellbeing", 6)
    refresh_statistics(municipality=world.municipality)
    replicate()
    add_concerns(world, teacher, world.school, "wellbeing", 7)
    refresh_statistics(municipality=world.municipality)

    stats = statistics_for_user(coordinator)

    assert reporting_alias() == "default"
    assert stats.concerns is not None and stats.concerns.counts.total == 13


@pytest.mark.django_db(databases=BOTH)
def test_inside_the_block_reads_go_to_the_replica_and_writes_to_the_primary(
    world: World, teacher: User, with_replica: None
) -> None:
    replicate()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, reading_from_replica() as alias:
        seen = Concern.objects.count()
        add_concerns(world, teacher, world.school, "absence", 1)

    assert alias == REPLICA and seen == 0
    assert Concern.objects.count() == 1 and Concern.objects.using(REPLICA).count() == 0
    assert on_replica.captured_queries and all("INSERT" not in q["sql"] for q in on_replica.captured_queries)


@pytest.mark.django_db(databases=BOTH)
def test_an_audit_event_written_inside_the_block_reads_its_chain_from_the_primary(
    world: World, teacher: User, with_replica: None
) -> None:
    replicate()
    record_event(actor=teacher, action=AuditAction.READ, target_type="test", target_id=1)
    with reading_from_replica():
        event = record_event(actor=teacher, action=AuditAction.READ, target_type="test", target_id=2)

    previous = AuditEvent.objects.get(target_type="test", target_id="1")
    assert event.sequence == previous.sequence + 1 and event.previous_hash == previous.hash
