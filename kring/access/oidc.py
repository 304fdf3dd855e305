"""The strict parts of an OpenID Connect login that every login of Kring shares: the family's e-ID (kring.family)
and the staff's single sign-on (kring.directory.sso).

OpenID Connect Core 1.0 §3.1.3.7: the ID token's signature is always verified against the provider's published keys
(even when the token came straight from the token endpoint), with an asymmetric algorithm only (never `none` or a
shared-secret HMAC); its issuer, audience and expiry are checked; and its `nonce` must be the one this browser's
login sent. PKCE (RFC 7636) with S256 only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

import jwt
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

ALLOWED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    return secrets.token_urlsafe(48)  # 64 characters of [A-Za-z0-9_-], within RFC 7636 §4.1's 43-128


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verify_id_token(id_token: str, *, jwks_uri: str, issuer: str, audience: str, nonce: str) -> dict[str, Any]:
    """The claims of a signed ID token, or OAuth2Error. Signature, algorithm, issuer, audience, expiry, subject and
    nonce are all required."""
    try:
        algorithm = jwt.get_unverified_header(id_token).get("alg")
    except jwt.PyJWTError as error:
        raise OAuth2Error("The ID token is not a JWT.") from error
    if algorithm not in ALLOWED_ALGORITHMS:
        raise OAuth2Error("The ID token is not signed with an accepted algorithm.")
    claims: dict[str, Any] = jwtkit.verify_and_decode(
        credential=id_token,
        keys_url=jwks_uri,
        issuer=issuer,
        audience=audience,
        lookup_kid=jwtkit.lookup_kid_jwk,
        verify_signature=True,
    )
    if "exp" not in claims or not claims.get("sub"):
        raise OAuth2Error("The ID token has no expiry or no subject.")
    received = str(claims.get("nonce") or "")
    if not nonce or not hmac.compare_digest(received, nonce):
        raise OAuth2Error("The ID token's nonce is not the one this login sent.")
    return claims
