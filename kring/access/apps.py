from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "kring.access"
    verbose_name = _("Access and audit")

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth import signals as auth_signals

        from kring.access import auth

        auth_signals.user_logged_in.connect(auth.audit_login, dispatch_uid="kring_audit_login")
        auth_signals.user_logged_out.connect(auth.audit_logout, dispatch_uid="kring_audit_logout")
        auth_signals.user_login_failed.connect(auth.audit_login_failed, dispatch_uid="kring_audit_login_failed")
        self._mfa_receivers = {name: auth.audit_mfa_change(name) for name in ("added", "removed", "reset", "failed")}
        mfa_signals.authenticator_added.connect(self._mfa_receivers["added"], dispatch_uid="kring_mfa_added")
        mfa_signals.authenticator_removed.connect(self._mfa_receivers["removed"], dispatch_uid="kring_mfa_removed")
        mfa_signals.authenticator_reset.connect(self._mfa_receivers["reset"], dispatch_uid="kring_mfa_reset")
        mfa_signals.authentication_failed.connect(self._mfa_receivers["failed"], dispatch_uid="kring_mfa_failed")
