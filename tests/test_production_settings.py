"""Production settings come from the environment with safe defaults: secure cookies, HSTS only when set, the proxy's
HTTPS header trusted only behind a proxy, SMTP with TLS, JSON logs (issue 19, section 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

NAMES = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_HOST_USER",
    "KRING_LOG_FORMAT",
]
PRODUCTION = {
    "KRING_SECRET_KEY": "x" * 50,
    "KRING_FIELD_ENCRYPTION_KEYS": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=",
    "KRING_IDENTITY_INDEX_KEY": "y" * 50,
}


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {NAMES!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KRING_") and k != "DATABASE_URL"}
    full = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "kring.settings",
        "KRING_SQLITE_PATH": str(Path(tempfile.gettempdir()) / "kring-settings.sqlite3"),
    }
    # Not under pytest: the settings see a production process (no TESTING), as gunicorn would start it.
    return subprocess.run(  # noqa: S603 (the test's own interpreter)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**full, **env},
        capture_output=True,
        text=True,
    )


def _values(**env: str) -> dict[str, object]:
    result = _settings(**env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_production_defaults_are_safe() -> None:
    values = _values(**PRODUCTION)

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True and values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] == 0 and values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # a client's X-Forwarded-Proto is not trusted
    assert values["EMAIL_USE_TLS"] is True and values["EMAIL_USE_SSL"] is False and values["EMAIL_PORT"] == 587
    assert values["KRING_LOG_FORMAT"] == "json"


def test_behind_a_proxy_with_hsts_and_smtp_over_implicit_tls() -> None:
    values = _values(
        **PRODUCTION,
        KRING_BEHIND_PROXY="true",
        KRING_HSTS_SECONDS="31536000",
        KRING_SSL_REDIRECT="true",
        KRING_EMAIL_HOST="smtp.kommun.example",
        KRING_EMAIL_PORT="465",
        KRING_EMAIL_USE_SSL="true",
        KRING_EMAIL_USER="kring",
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000 and values["SECURE_SSL_REDIRECT"] is True
    assert values["EMAIL_HOST"] == "smtp.kommun.example" and values["EMAIL_PORT"] == 465
    assert values["EMAIL_USE_SSL"] is True and values["EMAIL_USE_TLS"] is False and values["EMAIL_HOST_USER"] == "kring"


def test_development_logs_text_and_wrong_values_are_refused_by_name() -> None:
    assert _values(KRING_DEBUG="true")["KRING_LOG_FORMAT"] == "text"
    both = _settings(**PRODUCTION, KRING_EMAIL_USE_TLS="true", KRING_EMAIL_USE_SSL="true")
    assert both.returncode != 0 and "KRING_EMAIL_USE_SSL" in both.stderr
    wrong = _settings(**PRODUCTION, KRING_LOG_FORMAT="xml")
    assert wrong.returncode != 0 and "KRING_LOG_FORMAT" in wrong.stderr
