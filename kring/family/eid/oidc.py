"""Login with Swedish e-ID through allauth's OpenID Connect provider, made strict.

allauth's `openid_connect` provider does the code flow with PKCE. Kring adds what a login of a guardian needs on top
(OpenID Connect Core 1.0 §3.1.3.7): the ID token's signature is always verified against the provider's keys, even
when it came straight from the token endpoint, and its `nonce` must be the one this browser's login sent. The
personal identity number in the claims is turned into its keyed blind index at once: the index is the account's
uid, and the number itself is taken out of what allauth stores."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from kring.access.oidc import verify_id_token
from kring.people.identity import identity_index, parse_identity_number

EID_PROVIDER_ID = "eid"
# Where a personal identity number may come: Sweden Connect's OIDC profile, and what brokers commonly call it.
PERSONAL_NUMBER_CLAIMS = (
    "https://id.oidc.se/claim/personalIdentityNumber",
    "personalIdentityNumber",
    "personal_identity_number",
    "ssn",
    "nin",
)
# The levels of assurance that prove who a guardian is (Sweden Connect: LoA 3 and 4, and their eIDAS equivalents).
ACCEPTED_ASSURANCE = (
    "http://id.elegnamnden.se/loa/1.0/loa3",
    "http://id.elegnamnden.se/loa/1.0/loa4",
    "http://id.elegnamnden.se/loa/1.0/eidas-sub",
    "http://id.elegnamnden.se/loa/1.0/eidas-high",
)
# Of the claims, only these are kept with the account (never a number, a signature or the evidence of the login).
KEPT_CLAIMS = ("iss", "aud", "sub", "iat", "exp", "auth_time", "acr", "given_name", "family_name", "name")
INDEX_KEY = "kring_identity_index"
NONCE_STATE_KEY = "nonce"


def personal_number(claims: dict[str, Any]) -> str:
    """The canonical twelve-digit number in the claims, or "" when there is none that is valid."""
    for name in PERSONAL_NUMBER_CLAIMS:
        value = claims.get(name)
        if value:
            try:
                return parse_identity_number(str(value)).canonical
            except ValidationError:
                return ""
    return ""


def kept(claims: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in claims.items() if name in KEPT_CLAIMS}


class EidAdapter(OpenIDConnectOAuth2Adapter):
    """The callback comes back to Kring's own view, and the ID token is checked in full."""

    expected_nonce = ""

    def get_callback_url(self, request: HttpRequest, app: SocialApp) -> str:
        return build_absolute_uri(request, reverse("family:eid_callback"), self.redirect_uri_protocol)

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        claims = verify_id_token(
            id_token,
            jwks_uri=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            nonce=self.expected_nonce,
        )
        if claims.get("acr") not in ACCEPTED_ASSURANCE:
            raise OAuth2Error("The e-ID's level of assurance is too low.")
        return claims


class EidProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider with the strict adapter, the blind index as uid, and no number stored."""

    oauth2_adapter_class = EidAdapter

    def sociallogin_from_response(self, request: HttpRequest, response: dict[str, Any]) -> Any:
        id_token = response.get("id_token") or {}
        userinfo = response.get("userinfo") or {}
        if not id_token or (userinfo and userinfo.get("sub") != id_token.get("sub")):
            raise OAuth2Error("The user info is not about the person of the ID token.")  # OIDC Core §5.3.2
        # The signed ID token's number decides; the user info must not contradict it.
        number = personal_number(id_token) or personal_number(userinfo)
        if number and personal_number(userinfo) not in ("", number):
            number = ""
        if not number:
            raise OAuth2Error("The e-ID gave no valid personal identity number.")
        cleaned: dict[str, Any] = {"id_token": kept(id_token), INDEX_KEY: identity_index(number)}
        if userinfo:
            cleaned["userinfo"] = kept(userinfo)
        return super().sociallogin_from_response(request, cleaned)

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data.get(INDEX_KEY) or "")

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = super().extract_common_fields(data)
        fields["email"] = None  # an e-ID gives no e-mail to trust; the family account needs none
        return fields


provider_classes: list[type] = []  # registered through SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]
