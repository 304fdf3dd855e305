"""The error page for an uncaught exception: Kring's own, and a 503 that asks to try again when the database cannot
take the request just now instead of a 500: unreachable (a restart, too many clients, a full disk, a file it may not
write) or read-only (a standby, `default_transaction_read_only`). Rendered without the database.

Nothing of the error reaches the page: no message, no stack trace, no query (they may hold a child's data); the
server log has the exception (docs/operations.md, "When the database fails")."""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 30
# SQLSTATE of PostgreSQL's "cannot execute … in a read-only transaction" (psycopg's ReadOnlySqlTransaction, which
# Django raises as an InternalError, not as an OperationalError).
READ_ONLY_SQL_TRANSACTION = "25006"


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot take the request now (rather than that Kring has a bug)."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    cause = getattr(error, "__cause__", None)
    return isinstance(error, DatabaseError) and getattr(cause, "sqlstate", None) == READ_ONLY_SQL_TRANSACTION


def _from_unavailable_database(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised while handling, says the database is unavailable."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if database_unavailable(error):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _unavailable() -> HttpResponse:
    return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its `except` block, so the exception is the one being handled."""
    if _from_unavailable_database(sys.exc_info()[1]):
        return _unavailable()
    return HttpResponse(render_to_string("500.html"), status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400, except when the session could not be saved because the database failed: Django then raises
    SessionInterrupted ("the session was deleted"), a 400, while the truth is the 503."""
    if _from_unavailable_database(exception):
        return _unavailable()
    return defaults.bad_request(request, exception)
