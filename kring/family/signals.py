"""A family account's login marks its session as a family session (kring.family.middleware confines it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from kring.access.auth import FAMILY_SESSION_KEY
from kring.family.models import FamilyAccount


@receiver(user_logged_in)
def mark_family_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    account = FamilyAccount.objects.filter(user_id=user.pk).only("pk").first()
    if account is None:
        return
    request.session[FAMILY_SESSION_KEY] = account.pk
    request.session.set_expiry(settings.KRING_FAMILY_IDLE_SECONDS)
