"""The relying party's half of an OpenID Connect staff login: the authorization code flow with PKCE, and the ID
token checked by the strict verification every login of Kring shares (kring.access.oidc)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

from kring.access.oidc import code_challenge, verify_id_token
from kring.directory.sso.config import SsoProvider

TIMEOUT = httpx.Timeout(10.0)


class OidcError(Exception):
    """The login is refused; `reason` goes to the audit log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def discover(provider: SsoProvider) -> dict[str, Any]:
    """The provider's metadata (OpenID Connect Discovery 1.0); its issuer must be the configured address (§4.3)."""
    try:
        answer = httpx.get(f"{provider.server_url}/.well-known/openid-configuration", timeout=TIMEOUT)
        answer.raise_for_status()
        metadata: dict[str, Any] = answer.json()
    except (httpx.HTTPError, ValueError) as error:
        raise OidcError("provider_unreachable", f"The provider's metadata could not be read: {error}") from error
    if metadata.get("issuer") != provider.server_url:
        raise OidcError("wrong_issuer", "The provider's metadata names another issuer.")
    if not all(metadata.get(name) for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")):
        raise OidcError("provider_unreachable", "The provider's metadata lacks an endpoint.")
    return metadata


def authorization_url(
    provider: SsoProvider, metadata: dict[str, Any], *, redirect_uri: str, state: str, nonce: str, verifier: str
) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": provider.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    endpoint = str(metadata["authorization_endpoint"])
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def redeem(
    provider: SsoProvider, metadata: dict[str, Any], *, code: str, redirect_uri: str, verifier: str, nonce: str
) -> dict[str, Any]:
    """The verified claims of the ID token the code gives, or OidcError."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
    }
    try:
        answer = httpx.post(str(metadata["token_endpoint"]), data=form, timeout=TIMEOUT)
        body: dict[str, Any] = answer.json()
    except (httpx.HTTPError, ValueError) as error:
        raise OidcError("provider_unreachable", f"The token endpoint did not answer: {error}") from error
    if answer.status_code != 200 or not body.get("id_token"):
        raise OidcError("token_refused", f"The token endpoint refused the code: {body.get('error', '')}")
    try:
        return verify_id_token(
            str(body["id_token"]),
            jwks_uri=str(metadata["jwks_uri"]),
            issuer=provider.server_url,
            audience=provider.client_id,
            nonce=nonce,
        )
    except OAuth2Error as error:
        raise OidcError("invalid_token", str(error)) from error
