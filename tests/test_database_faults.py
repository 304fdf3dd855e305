"""When the database fails under a request (unreachable, restarted, read-only, full), the person sees Kring's own 503
page with Retry-After and nothing of the error, and the action leaves nothing half-written; SQLite waits for its
lock instead of failing (issue 19, section 3; the real-process faults are in bench/faults.py)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, InterfaceError, InternalError, OperationalError, connection
from django.test import Client, RequestFactory
from django.utils import timezone

from kring.access.models import AuditEvent
from kring.casework.models import Concern
from kring.database import SQLITE_BUSY_SECONDS, SQLITE_OPTIONS
from kring.directory.models import User
from kring.errors import database_unavailable, server_error
from tests.conftest import World, login


def _concern_form() -> dict[str, str]:
    return {
        "category": "wellbeing",
        "observed": "Ledsen på rasten.",
        "observed_on": timezone.localdate().isoformat(),
        "observed_by": "Jag",
    }


def _read_only_error() -> InternalError:
    """What Django raises for PostgreSQL's "cannot execute INSERT in a read-only transaction"."""
    error = InternalError("cannot execute INSERT in a read-only transaction")
    error.__cause__ = psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
    return error


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (OperationalError("connection failed: server closed the connection unexpectedly"), True),
        (OperationalError("database or disk is full"), True),
        (OperationalError("attempt to write a readonly database"), True),
        (InterfaceError("connection already closed"), True),
        (_read_only_error(), True),
        (InternalError("current transaction is aborted"), False),
        (IntegrityError("UNIQUE constraint failed"), False),
        (ValueError("a bug"), False),
        (None, False),
    ],
)
def test_database_unavailable_tells_an_outage_from_a_bug(error: BaseException | None, unavailable: bool) -> None:
    assert database_unavailable(error) is unavailable


def test_a_database_error_is_a_500_when_it_is_a_bug() -> None:
    request = RequestFactory().get("/")
    try:
        raise IntegrityError("UNIQUE constraint failed: casework_concern.id")
    except IntegrityError:
        response = server_error(request)

    assert response.status_code == 500 and "Retry-After" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, _read_only_error])
def test_a_database_failure_in_an_action_is_the_503_page_without_the_error(
    client: Client, world: World, teacher: User, monkeypatch: pytest.MonkeyPatch, error: Any
) -> None:
    child = world.child
    message = f"connection lost while writing {child.first_name} {child.last_name} {child.identity_number}"

    def failing(**kwargs: Any) -> None:
        raise error(message) if error is OperationalError else error()

    monkeypatch.setattr("kring.casework.reports.actions.record_concern", failing)
    login(client, teacher)
    client.raise_request_exception = False

    response = client.post(f"/concerns/new/{child.pk}/", _concern_form(), headers={"accept-language": "sv"})

    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Kring når inte sin databas just nu" in body and 'lang="sv"' in body
    for leak in (child.first_name, child.identity_number, child.identity_number[2:], "Traceback", "Error", "INSERT"):
        assert leak not in body
    assert teacher.email not in body


@pytest.mark.django_db
def test_sqlite_waits_for_its_lock_in_immediate_transactions() -> None:
    assert SQLITE_OPTIONS["timeout"] == SQLITE_BUSY_SECONDS >= 5
    assert SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in SQLITE_OPTIONS["init_command"]
    assert "synchronous=NORMAL" in SQLITE_OPTIONS["init_command"]
    if connection.vendor != "sqlite":
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True  # no stale connection after a restart
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == SQLITE_BUSY_SECONDS * 1000


def _set_read_only(on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
        else:
            cursor.execute(f"SET default_transaction_read_only = {'on' if on else 'off'}")


def test_a_concern_sent_while_the_database_is_read_only_leaves_nothing(
    transactional_db: None, client: Client, world: World, teacher: User
) -> None:
    login(client, teacher)
    client.raise_request_exception = False
    events = AuditEvent.objects.count()
    _set_read_only(True)
    try:
        response = client.post(f"/concerns/new/{world.child.pk}/", _concern_form(), headers={"accept-language": "en"})
    finally:
        _set_read_only(False)

    assert response.status_code == 503
    assert "Kring cannot reach its database just now" in response.content.decode()
    assert not Concern.objects.exists()
    assert AuditEvent.objects.count() == events

    response = client.post(f"/concerns/new/{world.child.pk}/", _concern_form())

    concern = Concern.objects.get()
    assert response.status_code == 302
    assert AuditEvent.objects.filter(target_type="concern", target_id=str(concern.pk)).count() == 1


@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_for_a_database_failure_is_the_503_page_not_a_400(
    client: Client, teacher: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Django turns any database error while saving the session into SessionInterrupted, a 400 ("the session was
    deleted"); when the database is what failed, the person sees the 503 page."""
    from django.contrib.sessions.models import Session

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    login(client, teacher)
    monkeypatch.setattr(Session, "save", unreachable)
    client.raise_request_exception = False

    response = client.get("/accounts/2fa/", headers={"accept-language": "en"})

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Kring cannot reach its database just now" in response.content.decode()


def test_a_bad_request_that_is_not_the_database_stays_a_400() -> None:
    from django.core.exceptions import SuspiciousOperation

    from kring.errors import bad_request

    response = bad_request(RequestFactory().get("/"), SuspiciousOperation("bad"))

    assert response.status_code == 400
