"""Request id for the audit log, MFA required for every staff user, no caching of pages, and a form sent twice
doing its work once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import current_channel, current_request_id
from kring.access.auth import FAMILY_SESSION_KEY, MFA_CHECKED_SESSION_KEY, has_totp
from kring.access.request_scope import request_scope

Handler = Callable[[HttpRequest], HttpResponse]

# The only views a logged-in user without two-factor authentication may reach: setting it up (with the password
# confirmation allauth may ask for first), changing language, and logging out. Static files never get this far.
_OPEN_WITHOUT_MFA = frozenset({"mfa_activate_totp", "account_reauthenticate", "account_logout", "set_language"})


class RequestIdMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        # Kept on the request too: Django logs a response's status (django.request) after the middleware is done.
        request.kring_request_id = request_id  # type: ignore[attr-defined]
        token, channel = current_request_id.set(request_id), current_channel.set(None)
        try:
            with request_scope():
                response = self.get_response(request)
        finally:
            current_request_id.reset(token)
            current_channel.reset(channel)
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
        if request.session.get(FAMILY_SESSION_KEY):  # e-ID is two factors; kring.family confines the session
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


SUBMIT_TOKEN = "submit_token"  # noqa: S105 (the name of a form field, not a secret)
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_KEEP_SUBMISSIONS = timedelta(days=1)
# Longer than any request runs (gunicorn's timeout is 60 s): a claim without an answer this old was cut off.
_ABANDONED = timedelta(minutes=2)


class OncePerSubmitMiddleware:
    """A form sent twice does its work once. Every form carries a one-time token (`{% submit_token %}`); the first
    POST with it claims it, and where its answer led (a redirect after a record was created) is kept. A second
    POST with the same token is led there again, with a message, and the view does not run. A POST that does not
    end in a redirect (a form with errors) gives its token back, so that the corrected form can be sent."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = self._token(request)
        if token is None:
            return self.get_response(request)
        from kring.access.models import FormSubmission

        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(
                    token=token, user_id=request.user.pk or 0, submitted_at=timezone.now()
                )
        except IntegrityError:
            claim = self._take_over(request, token)
            if claim is None:
                return self._again(request, token)
        response = self.get_response(request)
        if response.status_code in (301, 302, 303) and response.get("Location"):
            FormSubmission.objects.filter(pk=claim.pk).update(location=response["Location"][:500])
        else:
            FormSubmission.objects.filter(pk=claim.pk).delete()
        if token.startswith("0"):  # now and then, forget the submissions of days ago
            FormSubmission.objects.filter(submitted_at__lt=timezone.now() - _KEEP_SUBMISSIONS).delete()
        return response

    @staticmethod
    def _token(request: HttpRequest) -> str | None:
        if request.method != "POST" or not getattr(request, "user", None) or not request.user.is_authenticated:
            return None
        token = request.POST.get(SUBMIT_TOKEN, "")
        return token if _TOKEN.match(token) else None

    @staticmethod
    def _take_over(request: HttpRequest, token: str) -> Any:
        """A claim still without an answer after `_ABANDONED` was cut off (its worker killed, or the database failed
        before the token could be given back, docs/operations.md "When the database fails"): this POST takes it
        over and does the work, as a form sent again after a failure must be saved, not reported as sent."""
        from kring.access.models import FormSubmission

        now = timezone.now()
        mine = FormSubmission.objects.filter(token=token, user_id=request.user.pk or 0, location="")
        if mine.filter(submitted_at__lt=now - _ABANDONED).update(submitted_at=now) != 1:
            return None
        return mine.get()

    @staticmethod
    def _again(request: HttpRequest, token: str) -> HttpResponse:
        from kring.access.models import FormSubmission

        earlier = FormSubmission.objects.filter(token=token, user_id=request.user.pk or 0).first()
        if earlier is not None and not earlier.location:  # the first is still running, or was cut off
            messages.warning(
                request,
                _("This form is still being sent, or sending it failed. Wait a minute and check whether it was saved."),
            )
            return redirect(request.path)
        messages.info(request, _("This form was already sent; it was not sent again."))
        return redirect(earlier.location if earlier and earlier.location else request.path)
