"""The configured providers of staff single sign-on, per municipality, from `KRING_SSO_PROVIDERS` (read by the
settings from the TOML file named by `KRING_SSO_CONFIG`; see docs/operations.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,48}")
MATCH_FIELDS = ("email", "sso_identifier")  # the User field a provider's identifier is compared with
DEFAULT_ASSURANCE_CLAIM = {"oidc": "acr", "saml": ""}  # "" for SAML: the AuthnContextClassRef of the assertion


@dataclass(frozen=True)
class SsoProvider:
    slug: str
    kind: str  # "oidc" or "saml"
    municipality_code: str
    label: str
    match_claim: str  # the claim (OIDC) or attribute name (SAML) holding the person's identifier
    match_field: str  # "email" or "sso_identifier"
    assured: tuple[str, ...]  # the levels of assurance that replace Kring's own TOTP
    assurance_claim: str
    # OpenID Connect
    server_url: str = ""
    client_id: str = ""
    client_secret: str = ""
    scope: str = "openid profile email"
    # SAML 2.0
    idp_entity_id: str = ""
    idp_sso_url: str = ""
    idp_certificate: str = ""  # PEM
    sp_entity_id: str = ""
    authn_context: tuple[str, ...] = ()  # asked for in the AuthnRequest (RequestedAuthnContext, minimum), if any


_REQUIRED = {
    "oidc": ("server_url", "client_id", "client_secret"),
    "saml": ("idp_entity_id", "idp_sso_url", "idp_certificate", "sp_entity_id"),
}


DEV_CERTIFICATE = "dev:kring serve-sso"  # the fixed certificate of the local test provider (KRING_DEBUG only)


def _certificate(value: str) -> str:
    """A PEM certificate given inline or as the path of a file."""
    if value == DEV_CERTIFICATE and settings.DEBUG:
        from kring.directory.sso.testprovider import dev_certificate_pem

        return dev_certificate_pem()
    if value.strip().startswith("-----BEGIN CERTIFICATE-----"):
        return value.strip()
    try:
        return Path(value).read_text(encoding="ascii").strip()
    except OSError as error:
        raise ImproperlyConfigured(f"KRING_SSO_CONFIG: cannot read the certificate {value!r}: {error}") from error


def parse_provider(raw: dict[str, Any]) -> SsoProvider:
    """One provider of the configuration, checked; ImproperlyConfigured with a hint when something is wrong."""
    slug = str(raw.get("slug", ""))
    where = f"KRING_SSO_CONFIG, provider {slug or '(no slug)'}"
    kind = str(raw.get("kind", ""))
    if not SLUG.fullmatch(slug):
        raise ImproperlyConfigured(f"{where}: slug must be lower-case letters, digits and hyphens")
    if kind not in _REQUIRED:
        raise ImproperlyConfigured(f"{where}: kind must be 'oidc' or 'saml'")
    missing = [name for name in ("municipality", "label", "match_claim", *_REQUIRED[kind]) if not raw.get(name)]
    if missing:
        raise ImproperlyConfigured(f"{where}: missing {', '.join(missing)}")
    match_field = str(raw.get("match_field", "email"))
    if match_field not in MATCH_FIELDS:
        raise ImproperlyConfigured(f"{where}: match_field must be one of {', '.join(MATCH_FIELDS)}")
    known = set(SsoProvider.__dataclass_fields__) | {"municipality"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ImproperlyConfigured(f"{where}: unknown settings {', '.join(unknown)}")
    fields: dict[str, Any] = {
        name: str(raw[name]) for name in ("server_url", "client_id", "client_secret", "scope") if name in raw
    }
    fields.update({name: str(raw[name]) for name in ("idp_entity_id", "idp_sso_url", "sp_entity_id") if name in raw})
    if kind == "saml":
        fields["idp_certificate"] = _certificate(str(raw["idp_certificate"]))
        fields["authn_context"] = tuple(str(value) for value in raw.get("authn_context", ()))
    if kind == "oidc":
        fields["server_url"] = fields["server_url"].rstrip("/")
    return SsoProvider(
        slug=slug,
        kind=kind,
        municipality_code=str(raw["municipality"]),
        label=str(raw["label"]),
        match_claim=str(raw["match_claim"]),
        match_field=match_field,
        assured=tuple(str(value) for value in raw.get("assured", ())),
        assurance_claim=str(raw.get("assurance_claim", DEFAULT_ASSURANCE_CLAIM[kind])),
        **fields,
    )


def all_providers() -> list[SsoProvider]:
    providers = [parse_provider(raw) for raw in settings.KRING_SSO_PROVIDERS]
    slugs = [provider.slug for provider in providers]
    if len(set(slugs)) != len(slugs):
        raise ImproperlyConfigured("KRING_SSO_CONFIG: two providers have the same slug")
    return providers


def get_provider(slug: str) -> SsoProvider | None:
    return next((provider for provider in all_providers() if provider.slug == slug), None)
