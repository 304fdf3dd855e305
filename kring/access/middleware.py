"""Request id for the audit log, MFA required for every staff user, and no caching of pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kring.access.audit import current_request_id
from kring.access.auth import MFA_CHECKED_SESSION_KEY, has_totp

Handler = Callable[[HttpRequest], HttpResponse]

# The only views a logged-in user without two-factor authentication may reach: setting it up (with the password
# confirmation allauth may ask for first), changing language, and logging out. Static files never get this far.
_OPEN_WITHOUT_MFA = frozenset({"mfa_activate_totp", "account_reauthenticate", "account_logout", "set_language"})


class RequestIdMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequireMfaMiddleware:
    """Every staff user must have TOTP set up before they see anything else, the Django admin included.

    Checked once the URL is resolved (so the check is by view name, not by path prefix); once the user has TOTP the
    session remembers it, until an MFA change (kring.access.auth.audit_mfa_change) makes it look again."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or request.session.get(MFA_CHECKED_SESSION_KEY):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_WITHOUT_MFA:
            return None
        if not has_totp(user):
            messages.warning(request, _("Set up two-factor authentication before you continue."))
            return redirect("mfa_activate_totp")
        request.session[MFA_CHECKED_SESSION_KEY] = True
        return None


class NoStoreMiddleware:
    """Pages may hold a child's data: browsers and proxies must not keep them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
