"""The error page for an uncaught exception: Kring's own, and a 503 that asks to try again when the database is
briefly unreachable (too many connections, a restart) instead of a 500. Rendered without the database."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its `except` block, so the exception is the one being handled."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return HttpResponse(render_to_string("500.html"), status=500)
