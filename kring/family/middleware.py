"""A family member's session reaches the family pages and nothing else, and ends after a short idle time (and
when the browser closes: the session cookie never outlives it)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from kring.access.auth import FAMILY_SESSION_KEY

Handler = Callable[[HttpRequest], HttpResponse]
FAMILY_NAMESPACE = "family"
SEEN_SESSION_KEY = "kring_family_seen"


def is_family_session(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.session.get(FAMILY_SESSION_KEY))


class FamilySessionMiddleware:
    """Placed before the staff MFA check: a family session asking for any page outside /family/ gets a 404, as if
    the page did not exist (a guardian never learns what staff pages there are)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_family_session(request):
            now = int(time.time())
            if now - int(request.session.get(SEEN_SESSION_KEY, now)) > settings.KRING_FAMILY_IDLE_SECONDS:
                logout(request)  # idle too long: the cookie is a browser-session cookie, the idle time is ours
                return redirect("family:login")
            request.session[SEEN_SESSION_KEY] = now
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not is_family_session(request):
            return None
        match = request.resolver_match
        if match is None or FAMILY_NAMESPACE not in match.namespaces:
            raise Http404
        return None
