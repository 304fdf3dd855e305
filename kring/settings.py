"""Kring settings: one file, read from environment variables through small typed helpers.

Every variable is listed in `.env.example` and the README.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kring.database import REPLICA, database_settings, replica_settings, reporting_database

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def read_toml_list(path: str, table: str) -> list[dict[str, Any]]:
    """The array of tables `[[table]]` of a TOML file (a configuration file named by an environment variable)."""
    try:
        with Path(path).open("rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(f"Cannot read the TOML file {path}: {error}") from error
    items = data.get(table, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImproperlyConfigured(f"{path}: [[{table}]] must be an array of tables.")
    return items


DEBUG = env_bool("KRING_DEBUG", False)
# The test suite (pytest) and the type checker run with the development secret, a fast hasher and plain-HTTP cookies.
TESTING = "pytest" in sys.modules or "mypy" in sys.modules
# The development key only works with KRING_DEBUG or in tests; production must set KRING_SECRET_KEY.
_DEV_SECRET = "kring-development-only-secret-key-never-in-production"  # noqa: S105
SECRET_KEY = env_str(
    "KRING_SECRET_KEY", _DEV_SECRET if DEBUG or TESTING or env_bool("KRING_ALLOW_DEV_SECRET", False) else None
)
# Keys that encrypt the login's stored secrets (TOTP, recovery codes), apart from SECRET_KEY: Fernet keys separated
# by commas, the first encrypting, all decrypting (rotation: put a new key first, run `kring rotate-field-keys`).
# Development and tests use a fixed key derived from a development string; production must set its own.
_DEV_FIELD_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"kring-development-only-field-key").digest()).decode()
KRING_FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in env_str(
        "KRING_FIELD_ENCRYPTION_KEYS",
        _DEV_FIELD_KEY if DEBUG or TESTING or env_bool("KRING_ALLOW_DEV_SECRET", False) else None,
    ).split(",")
    if key.strip()
]
# The key of the blind index an e-ID login is matched on (kring.people.identity.identity_index), apart from SECRET_KEY
# and the field keys; changing it needs `kring reindex-identities`.
KRING_IDENTITY_INDEX_KEY = env_str(
    "KRING_IDENTITY_INDEX_KEY",
    "kring-development-only-identity-index-key"
    if DEBUG or TESTING or env_bool("KRING_ALLOW_DEV_SECRET", False)
    else None,
)
ALLOWED_HOSTS = [h for h in env_str("KRING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("KRING_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "template_partials",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "kring.access",
    "kring.directory",
    "kring.people",
    "kring.casework",
    "kring.insights",
    "kring.schooldata",
    "kring.prevention",
    "kring.collaboration",
    "kring.family",
    "kring.records",
    "kring.api",
    "kring.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kring.access.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kring.family.middleware.FamilySessionMiddleware",
    "kring.access.middleware.RequireMfaMiddleware",
    "kring.access.middleware.OncePerSubmitMiddleware",
    "kring.access.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "kring.urls"
WSGI_APPLICATION = "kring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kring.access.context_processors.kring",
                "kring.directory.context_processors.work_counts",
            ],
            "builtins": ["kring.access.templatetags.kring_forms", "kring.directory.templatetags.kring_labels"],
        },
    }
]

_SQLITE_PATH = env_str("KRING_SQLITE_PATH", str(BASE_DIR / "var" / "kring.sqlite3"))
if not os.environ.get("DATABASE_URL"):
    Path(_SQLITE_PATH).parent.mkdir(parents=True, exist_ok=True)
try:
    DATABASES = {"default": database_settings(os.environ, sqlite_path=_SQLITE_PATH, debug=DEBUG)}
    _REPLICA = replica_settings(os.environ, default=DATABASES["default"], debug=DEBUG, testing=TESTING)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error
# A read replica (DATABASE_REPLICA_URL) for statistics and exports: reads inside `reading_from_replica()` go there,
# everything else (every write, the audit log, all casework) stays on `default` (docs/adr/0019).
if _REPLICA is not None:
    DATABASES[REPLICA] = _REPLICA
    DATABASE_ROUTERS = ["kring.database.PrimaryWritesRouter"]
KRING_REPORTING_DATABASE = reporting_database(os.environ, testing=TESTING)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING or env_bool("KRING_FAST_PASSWORD_HASHER", False)
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "kring.access.auth.KringAccountAdapter"
MFA_ADAPTER = "kring.access.auth.KringMFAAdapter"
ACCOUNT_FORMS = {"login": "kring.access.auth.KringLoginForm"}
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env_str("KRING_LOGIN_FAILED_RATE", "5/5m/ip,5/5m/key"),
    "reset_password": "5/m/ip,3/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kring"
# Accept the code of the 30-second step before and after the server's (RFC 6238 section 5.2: at most one step of
# clock drift), so that a code typed at the end of its window is not refused; a used code stays refused.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

# Log out after inactivity (every request renews the session).
# Guardians and young people log in with Swedish e-ID (BankID, Freja eID) through OpenID Connect: a broker's or
# Sweden Connect's provider in production; `kring serve-eid` on this machine in development (its defaults below).
KRING_EID_SERVER_URL = env_str("KRING_EID_SERVER_URL", "http://127.0.0.1:8766" if DEBUG or TESTING else "")
KRING_EID_CLIENT_ID = env_str("KRING_EID_CLIENT_ID", "kring-family-dev" if DEBUG or TESTING else "")
KRING_EID_CLIENT_SECRET = env_str("KRING_EID_CLIENT_SECRET", "kring-family-dev-secret" if DEBUG or TESTING else "")
SOCIALACCOUNT_ADAPTER = "kring.family.eid.adapter.FamilySocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "kring.family.eid.oidc.EidProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "eid",
                "name": "BankID / Freja eID",
                "client_id": KRING_EID_CLIENT_ID,
                "secret": KRING_EID_CLIENT_SECRET,
                "settings": {
                    "server_url": KRING_EID_SERVER_URL,
                    "token_auth_method": "client_secret_post",
                    "oauth_pkce_enabled": True,
                    "scope": ["openid", "profile", "https://id.oidc.se/scope/naturalPersonNumber"],
                },
            }
        ]
        if KRING_EID_SERVER_URL
        else [],
    }
}
# Staff single sign-on (ADR 0015, docs/operations.md): a TOML file with one [[provider]] table per login service of
# a municipality (OpenID Connect or SAML 2.0). Without it, staff log in with e-mail, password and TOTP only.
KRING_SSO_CONFIG = env_str("KRING_SSO_CONFIG", "")
# In development without a file, two providers point at `kring serve-sso` (started by `kring demo`), for the demo.
KRING_SSO_DEV_URL = env_str("KRING_SSO_DEV_URL", "http://127.0.0.1:8767" if DEBUG and not TESTING else "")
_DEV_SSO: dict[str, Any] = {
    "municipality": "9980",
    "match_field": "email",
    "assured": ["http://id.elegnamnden.se/loa/1.0/loa3"],
}
KRING_SSO_PROVIDERS: list[dict[str, Any]] = (
    read_toml_list(KRING_SSO_CONFIG, "provider")
    if KRING_SSO_CONFIG
    else [
        {
            **_DEV_SSO,
            "slug": "dev-oidc",
            "kind": "oidc",
            "label": "test-OIDC (kring serve-sso)",
            "match_claim": "email",
            "server_url": KRING_SSO_DEV_URL,
            "client_id": "kring-staff-dev",
            "client_secret": "kring-staff-dev-secret",
        },
        {
            **_DEV_SSO,
            "slug": "dev-saml",
            "kind": "saml",
            "label": "test-SAML (kring serve-sso)",
            "match_claim": "urn:oid:0.9.2342.19200300.100.1.3",  # mail
            "idp_entity_id": f"{KRING_SSO_DEV_URL}/saml/metadata",
            "idp_sso_url": f"{KRING_SSO_DEV_URL}/saml/sso",
            "idp_certificate": "dev:kring serve-sso",
            "sp_entity_id": "http://127.0.0.1:8000/sso/dev-saml/saml/metadata/",
        },
    ]
    if KRING_SSO_DEV_URL
    else []
)
# A family member's session ends after this many idle seconds (staff: KRING_SESSION_IDLE_SECONDS).
KRING_FAMILY_IDLE_SECONDS = env_int("KRING_FAMILY_IDLE_SECONDS", 15 * 60)
# The audit log is one chain for the whole deployment: it is kept this many years (the longest any municipality's
# plan asks), then cleared in whole segments exported to this directory first (kring.records.retention.audit_log).
KRING_AUDIT_KEEP_YEARS = env_int("KRING_AUDIT_KEEP_YEARS", 10)
KRING_AUDIT_ARCHIVE_DIR = env_str("KRING_AUDIT_ARCHIVE_DIR", str(BASE_DIR / "var" / "audit-archive"))
# Where the archive packages of records handed to the archive are written (kring.records.archive), one folder each,
# for the municipality's archive (e-arkiv) to take in; docs/operations.md.
KRING_ARCHIVE_DIR = env_str("KRING_ARCHIVE_DIR", str(BASE_DIR / "var" / "archive"))
# The open API (kring.api): calls per token per minute; over it, 429 with Retry-After. Counted in the default cache,
# which must be shared (the database cache, Redis) when Kring runs in more than one process (docs/operations.md).
KRING_API_RATE_LIMIT = env_int("KRING_API_RATE_LIMIT", 120)
SESSION_COOKIE_AGE = env_int("KRING_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("KRING_SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script reads the CSRF cookie (forms carry the token), so it is HttpOnly, and sent only from Kring's own pages.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The language cookie gets the flags the session cookie has.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS (docs/operations.md, "Production settings"). HSTS is off until set: once a browser has seen it, the site
# cannot go back to plain HTTP for that many seconds, so turn it on when HTTPS works (e.g. 300, then 31536000).
SECURE_HSTS_SECONDS = env_int("KRING_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KRING_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env_bool("KRING_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer asks over plain HTTP inside the network
# Behind a reverse proxy that ends TLS, Kring trusts its X-Forwarded-Proto header to know a request came over HTTPS.
# Only then: without a proxy that always sets (or removes) the header, any client could claim HTTPS with it.
KRING_BEHIND_PROXY = env_bool("KRING_BEHIND_PROXY", False)
if KRING_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# What must hold across processes lives in the default cache: login and API rate limits, SAML assertions already used.
# "memory" (the default: one process, the demo, tests) or "database" (shared by every process of an installation;
# create its table once with `kring createcachetable`; docs/operations.md).
KRING_CACHE = env_str("KRING_CACHE", "memory")
if KRING_CACHE not in ("memory", "database"):
    raise ImproperlyConfigured("KRING_CACHE is 'memory' or 'database'")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kring_cache"}
        if KRING_CACHE == "database"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Look a static file up when it is asked for, not all of them when the middleware is built: in development, and in
# the tests, whose client builds the middleware for every test (the scan cost 20 to 40 ms each time).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env_str("KRING_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The SMTP server (with KRING_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): STARTTLS on port 587 by
# default, or implicit TLS (KRING_EMAIL_USE_SSL, port 465); never in clear. Tests always use the memory backend.
EMAIL_HOST = env_str("KRING_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KRING_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("KRING_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KRING_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = env_bool("KRING_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("KRING_EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = env_int("KRING_EMAIL_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set KRING_EMAIL_USE_TLS (STARTTLS) or KRING_EMAIL_USE_SSL (implicit TLS), not both.")
DEFAULT_FROM_EMAIL = env_str("KRING_FROM_EMAIL", "kring@example.invalid")
# The clocks of a report of concern (kring/casework/deadlines.py): days from receipt.
KRING_INITIAL_ASSESSMENT_DAYS = env_int("KRING_INITIAL_ASSESSMENT_DAYS", 14)
KRING_FEEDBACK_DAYS = env_int("KRING_FEEDBACK_DAYS", 14)
KRING_DEADLINE_SKIP_WEEKENDS = env_bool("KRING_DEADLINE_SKIP_WEEKENDS", False)

# Where Kring is reached, for links in e-mails (reminders, invitations).
KRING_BASE_URL = env_str("KRING_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where `kring audit-witness` appends the audit chain's head (outside the database; also to syslog with --syslog),
# and against which `kring audit-verify` checks that the chain was not cut short. Empty: no witness file.
KRING_AUDIT_WITNESS_FILE = env_str("KRING_AUDIT_WITNESS_FILE", "")

# The schools' SS 12000 API (see docs/school-data.md): its root, and either a fixed bearer token or OAuth2 client
# credentials at a token URL.
KRING_SS12000_URL = env_str("KRING_SS12000_URL", "")
KRING_SS12000_TOKEN = env_str("KRING_SS12000_TOKEN", "")
KRING_SS12000_TOKEN_URL = env_str("KRING_SS12000_TOKEN_URL", "")
KRING_SS12000_CLIENT_ID = env_str("KRING_SS12000_CLIENT_ID", "")
KRING_SS12000_CLIENT_SECRET = env_str("KRING_SS12000_CLIENT_SECRET", "")
KRING_SS12000_MUNICIPALITY = env_str("KRING_SS12000_MUNICIPALITY", "")
KRING_SS12000_TIMEOUT = env_int("KRING_SS12000_TIMEOUT", 30)
KRING_SS12000_SCOPE = env_str("KRING_SS12000_SCOPE", "")  # the OAuth scope, if the provider asks for one
KRING_SS12000_AUTH_METHOD = env_str("KRING_SS12000_AUTH_METHOD", "client_secret_basic")  # or client_secret_post
KRING_SS12000_CLIENT_CERT = env_str("KRING_SS12000_CLIENT_CERT", "")  # mutual TLS: PEM file of the certificate
KRING_SS12000_CLIENT_KEY = env_str("KRING_SS12000_CLIENT_KEY", "")  # and of its key
KRING_SS12000_CA_BUNDLE = env_str("KRING_SS12000_CA_BUNDLE", "")  # the provider's own CA, if not a public one
KRING_SS12000_TIME_ZONE = env_str("KRING_SS12000_TIME_ZONE", "Europe/Stockholm")  # for times without an offset

# Logs (docs/operations.md, "Logs"): one JSON object per line on standard error ("json", the default) or plain
# text ("text", the default with KRING_DEBUG); either way without query strings, identity numbers or e-mail
# addresses (kring.access.logs). Django's own loggers go the same way, so nothing reaches a log unfiltered.
KRING_LOG_FORMAT = env_str("KRING_LOG_FORMAT", "text" if DEBUG else "json")
if KRING_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("KRING_LOG_FORMAT is 'json' or 'text'")
KRING_LOG_LEVEL = env_str("KRING_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "kring.access.logs.RedactPersonalData"}},
    "formatters": {
        "json": {"()": "kring.access.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": KRING_LOG_FORMAT,
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": KRING_LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": KRING_LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO" if DEBUG else KRING_LOG_LEVEL, "propagate": False},
    },
}
