"""Who a single sign-on logs in: an existing, active staff account of the provider's municipality, matched on the
configured claim. The provider proves who; Kring decides what (roles stay Kring's). Nothing is ever created here.

A level of assurance the provider vouches for, and the municipality counts as assured, replaces Kring's own TOTP for
that session; otherwise allauth's login asks for the TOTP code as after a password (or, without TOTP, the MFA
middleware has it set up first)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.login import perform_login, record_authentication
from allauth.account.models import Login
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kring.access.audit import record_event
from kring.access.auth import MFA_CHECKED_SESSION_KEY, SSO_SESSION_KEY
from kring.access.models import AuditAction
from kring.directory.models import Municipality, User
from kring.directory.sso.config import SsoProvider


def match_staff(provider: SsoProvider, identifier: str) -> tuple[User | None, str]:
    """The one staff user the identifier names for this provider, or None and the reason for the refusal."""
    identifier = identifier.strip()
    if not identifier:
        return None, "no_identifier"
    people = User.objects.filter(is_system=False)  # an integration's system user never logs in
    if provider.match_field == "email":
        candidates = people.filter(email__iexact=identifier)
    else:
        candidates = people.filter(sso_identifier=identifier)
    municipality = Municipality.objects.filter(code=provider.municipality_code).first()
    found = list(candidates.select_related("municipality")[:10])
    if not found:
        return None, "unknown_subject"
    ours = [user for user in found if municipality is not None and user.municipality_id == municipality.pk]
    if not ours:
        return None, "wrong_municipality"
    if len(ours) > 1:
        return None, "ambiguous"
    if not ours[0].is_active:
        return None, "inactive"
    return ours[0], ""


def is_assured(provider: SsoProvider, values: Iterable[str]) -> bool:
    return any(value in provider.assured for value in values if value)


def refuse(
    request: HttpRequest, provider: SsoProvider, *, reason: str, identifier: str = "", error: str = ""
) -> HttpResponse:
    """Audited as a failed login; the person is told that this login cannot be used, never why."""
    details: dict[str, Any] = {"provider": provider.slug, "reason": reason, "ip": request.META.get("REMOTE_ADDR", "")}
    if error:
        details["error"] = error[:300]
    record_event(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        target_type="sso_login",
        actor_label=identifier[:200],
        details=details,
    )
    return render(request, "directory/sso/refused.html", {"provider": provider}, status=403)


def sign_in(
    request: HttpRequest, provider: SsoProvider, *, identifier: str, assurance: list[str], next_url: str
) -> HttpResponse:
    user, reason = match_staff(provider, identifier)
    if user is None:
        return refuse(request, provider, reason=reason, identifier=identifier)
    assured = is_assured(provider, assurance)
    request.session[SSO_SESSION_KEY] = {
        "user": user.pk,
        "provider": provider.slug,
        "assurance": [value for value in assurance if value][:5],
        "assured": assured,
    }
    record_authentication(request, user, method="sso", provider=provider.slug, assured=assured)
    if not assured:
        return perform_login(request, Login(user=user, redirect_url=next_url or None))  # the TOTP step follows
    get_account_adapter(request).login(request, user)
    request.session[MFA_CHECKED_SESSION_KEY] = True
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
