"""Who may log in with e-ID, and as whom: a guardian with custody of a child in Kring, or a young person of 15 or
more. Anyone else is told, in their language, that Kring has nothing for them (never why)."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.family.eid.oidc import EID_PROVIDER_ID
from kring.family.models import FamilyAccount
from kring.family.queries import has_anything_to_show

FAMILY_EMAIL_DOMAIN = "family.kring.invalid"  # a family account's placeholder address: it receives no mail


def _refuse(request: HttpRequest, *, reason: str) -> ImmediateHttpResponse:
    record_event(actor=None, action=AuditAction.LOGIN_FAILED, target_type="family_login", details={"reason": reason})
    return ImmediateHttpResponse(render(request, "family/not_found.html", status=403))


class FamilySocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.account.provider != EID_PROVIDER_ID:
            raise _refuse(request, reason="provider")
        index = sociallogin.account.uid
        if not index:
            raise _refuse(request, reason="no_identity_number")
        if not has_anything_to_show(index, timezone.localdate()):
            raise _refuse(request, reason="nothing_to_show")
        if sociallogin.is_existing:
            if not FamilyAccount.objects.filter(user_id=sociallogin.user.pk).exists():
                raise _refuse(request, reason="not_a_family_account")  # an e-ID never opens a staff account
            return
        account = FamilyAccount.objects.filter(identity_index=index).select_related("user").first()
        if account is not None:
            sociallogin.connect(request, account.user)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return sociallogin.account.provider == EID_PROVIDER_ID and bool(sociallogin.account.uid)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.email = f"{uuid.uuid4().hex}@{FAMILY_EMAIL_DOMAIN}"
        user.is_staff = False
        user.is_superuser = False
        user.notify_by_email = False
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        with transaction.atomic():
            sociallogin.user.set_unusable_password()
            user = super().save_user(request, sociallogin, form)
            account = FamilyAccount.objects.create(
                user=user, identity_index=sociallogin.account.uid, created_at=timezone.now()
            )
            record_event(actor=user, action=AuditAction.WRITE, target_type="family_account", target_id=account.pk)
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        record_event(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            target_type="family_login",
            details={"reason": str(error or "error"), "exception": type(exception).__name__ if exception else ""},
        )
        raise ImmediateHttpResponse(render(request, "family/login_failed.html", status=400))
