"""Bearer tokens: the caller becomes the token's system user, and every audit event of the call names the
integration. Unknown, expired and revoked tokens are all the same 401."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from kring.access.audit import current_channel
from kring.api.models import ApiToken
from kring.api.ratelimit import count_call
from kring.api.tokens import hash_secret
from kring.directory.models import User

_LAST_USED_PRECISION = timedelta(minutes=1)  # last use is written at most once a minute per token


def token_for_secret(secret: str) -> ApiToken | None:
    """The token with this secret if it may be used now: not revoked, not expired, its system user active."""
    token = (
        ApiToken.objects.select_related("system_user")
        .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.system_user.is_active:
        return None
    return token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <secret>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_for_secret(token.strip())
        if found is None:
            return None
        count_call(found.pk)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= _LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        current_channel.set({"via": "api", "integration": found.name, "token": found.prefix})
        request.api_token = found  # type: ignore[attr-defined]
        return found.system_user
