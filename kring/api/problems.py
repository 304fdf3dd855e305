"""Errors as RFC 9457 problem details (`application/problem+json`): type, title, status, detail, instance, and for
invalid input the fields at fault (never the values that were sent)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
# The problem types Kring's API answers with, documented in docs/api.md. A plain HTTP status has type about:blank.
TYPE_BASE = "urn:kring:problem:"
VALIDATION = TYPE_BASE + "validation"
RATE_LIMITED = TYPE_BASE + "rate-limited"
NOT_CLOSED = TYPE_BASE + "case-not-closed"
UNAUTHENTICATED = TYPE_BASE + "unauthenticated"


class RateLimited(Exception):
    """The token has made more calls than its limit in the current window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class Conflict(Exception):
    """The request is understood but cannot be met in the resource's state (a case that is still open)."""

    def __init__(self, problem_type: str, detail: str) -> None:
        super().__init__(detail)
        self.problem_type, self.detail = problem_type, detail


def problem(
    request: HttpRequest,
    status: int,
    *,
    detail: str = "",
    problem_type: str = "about:blank",
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": problem_type,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors(raw: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic's errors as {field, message}: where and what, without echoing the input."""
    errors = []
    for error in raw:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        errors.append({"field": ".".join(location), "message": str(error.get("msg", ""))})
    return errors
