"""The shared cache: KRING_CACHE=database gives every process one cache (rate limits, SAML assertions used)."""

from __future__ import annotations

import os
import subprocess
import sys


def _caches(value: str) -> subprocess.CompletedProcess[str]:
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "KRING_CACHE": value, "KRING_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "kring.settings"}
    return subprocess.run(  # noqa: S603 (the test's own interpreter)
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )


def test_the_database_cache_is_shared_and_memory_is_the_default() -> None:
    assert _caches("database").stdout.strip() == "django.core.cache.backends.db.DatabaseCache"
    assert _caches("memory").stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
    refused = _caches("redis")
    assert refused.returncode != 0 and "KRING_CACHE" in refused.stderr
