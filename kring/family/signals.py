"""A family account's login marks its session as a family session (kring.family.middleware confines it)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from kring.access.auth import FAMILY_SESSION_KEY
from kring.family.middleware import SEEN_SESSION_KEY
from kring.family.models import FamilyAccount


@receiver(user_logged_in)
def mark_family_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    account = FamilyAccount.objects.filter(user_id=user.pk).only("pk").first()
    if account is None:
        return
    request.session[FAMILY_SESSION_KEY] = account.pk
    request.session[SEEN_SESSION_KEY] = int(time.time())
