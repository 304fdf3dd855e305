"""Login with django-allauth: no self sign-up, TOTP for every staff user, audited logins and MFA changes."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from kring.access.acting import StaffUser
from kring.access.models import AuditAction
from kring.access.secrets import decrypt_text, encrypt_text

# Set in the session once the MFA middleware has seen that the user has TOTP; cleared when their MFA changes.
MFA_CHECKED_SESSION_KEY = "kring_mfa_ok"
# Set only by the family login (kring.family): a guardian or young person logged in with e-ID, not a member of staff.
FAMILY_SESSION_KEY = "kring_family_account"
# Set by staff single sign-on (kring.directory.sso) before the login: the provider and the level of assurance it
# vouched for, which the login's audit event records.
SSO_SESSION_KEY = "kring_sso"


class KringMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted (`kring.access.secrets`), not in plain text."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)


class KringAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by an administrator, never by sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        """A system user (an integration's, kring.api) acts only through its API token: it never logs in, whatever
        password or link it might have come by."""
        if getattr(user, "is_system", False):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            _record_login_failed(request, {"email": getattr(user, "email", "")}, reason="system_user")
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth refuses the attempt once too many have failed; that refusal is a failed login too."""
        request.session.pop(SSO_SESSION_KEY, None)  # a password login, not the single sign-on begun before
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            _record_login_failed(request, credentials, reason="rate_limited")
            raise


class KringLoginForm(LoginForm):
    """allauth's login form, with the e-mail field marked as the user name for password managers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs["autocomplete"] = "username"


def has_totp(user: StaffUser) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def audit_login(sender: Any, request: HttpRequest, user: StaffUser, **kwargs: Any) -> None:
    from kring.access.audit import record_event

    sso = request.session.get(SSO_SESSION_KEY) if request is not None else None
    details: dict[str, Any] = {}
    if isinstance(sso, dict) and sso.get("user") == user.pk:
        details = {"method": "sso", **{name: sso.get(name) for name in ("provider", "assurance", "assured")}}
    record_event(actor=user, action=AuditAction.LOGIN, target_type="user", target_id=user.pk, details=details or None)


def audit_logout(sender: Any, request: HttpRequest, user: StaffUser, **kwargs: Any) -> None:
    from kring.access.audit import record_event

    if user is not None:
        record_event(actor=user, action=AuditAction.LOGOUT, target_type="user", target_id=user.pk)


def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    _record_login_failed(request, credentials, reason="bad_credentials")


def _record_login_failed(request: HttpRequest | None, credentials: dict[str, Any], *, reason: str) -> None:
    from kring.access.audit import record_event

    attempted = str(credentials.get("email") or credentials.get("username") or "")[:200]
    record_event(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        target_type="login",
        actor_label=attempted,
        details={"ip": request.META.get("REMOTE_ADDR", "") if request is not None else "", "reason": reason},
    )


def audit_mfa_change(change: str) -> Any:
    """A receiver for one of allauth's MFA signals (added, removed, reset, failed).

    A wrong code is a failed login (or a failed confirmation of a logged-in person); the others change how the person
    logs in, and make the MFA middleware look again (see RequireMfaMiddleware)."""

    def receiver(sender: Any, request: HttpRequest | None, user: StaffUser, **kwargs: Any) -> None:
        from kring.access.audit import record_event

        authenticator = kwargs.get("authenticator")
        details: dict[str, Any] = {"authenticator": str(getattr(authenticator, "type", "")), "change": change}
        if change == "failed":
            details["reason"] = "wrong_code"
            details["reauthentication"] = bool(kwargs.get("reauthentication"))
        elif request is not None:
            request.session.pop(MFA_CHECKED_SESSION_KEY, None)
        record_event(
            actor=user,
            action=AuditAction.LOGIN_FAILED if change == "failed" else AuditAction.MFA_CHANGE,
            target_type="user",
            target_id=user.pk,
            details=details,
        )

    return receiver


def activate_totp(user: StaffUser, secret: str) -> None:
    """Give a user a TOTP authenticator with a known secret (demo logins and tests)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


def current_totp_code(secret: str) -> str:
    """The code an authenticator app would show now for this secret."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
