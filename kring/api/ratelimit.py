"""Calls per token per minute, counted in Django's cache (a shared cache such as Redis or the database cache when
Kring runs in more than one process; see docs/operations.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from kring.api.problems import RateLimited

WINDOW_SECONDS = 60


def count_call(token_id: int) -> None:
    """Count one call of the token; RateLimited once it passes its limit in this minute."""
    limit: int = settings.KRING_API_RATE_LIMIT
    now = int(timezone.now().timestamp())
    window = now // WINDOW_SECONDS
    key = f"kring-api-rate:{token_id}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        calls = cache.incr(key)
    except ValueError:  # the key went between add and incr: start again in this window
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        calls = 1
    if calls > limit:
        raise RateLimited(retry_after=WINDOW_SECONDS - now % WINDOW_SECONDS or WINDOW_SECONDS)
