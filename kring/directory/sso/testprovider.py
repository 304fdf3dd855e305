"""A local stand-in for a municipality's staff login service, for development and tests only.

One server plays both kinds of identity provider a municipality may have:

* an OpenID Connect provider (like Entra ID): discovery, the authorization code flow with PKCE (S256 only),
  `client_secret_post` and `client_secret_basic`, RS256 ID tokens carrying `email`, the identifier claim (`eppn`) and
  `acr`, and a JWKS;
* a SAML 2.0 identity provider (like Skolfederation's or Sambi's): the Web Browser SSO profile with an AuthnRequest by
  HTTP-Redirect and a Response by HTTP-POST, the Assertion signed (RSA-SHA256, exclusive c14n) with a self-signed
  certificate made at start, attributes `mail`, eduPersonPrincipalName and an HSA-id, and an AuthnContextClassRef.

It is NOT an implementation of either standard, and nobody is authenticated: whoever opens the chooser page picks any
test person and the level of assurance to claim. The page says so in a banner. Plain WSGI on the standard library
(and PyJWT, cryptography and signxml), with no Django, so that tests can serve it in a thread:

    provider = TestSsoProvider(client_id="kring", client_secret="secret", redirect_uri_prefixes=("http://127.0.0.1:",),
                               sp_entity_id="http://127.0.0.1:8000/sso/demo-saml/metadata/", people=[SsoPerson(...)])
    server, base_url = serve_in_thread(provider)
    ...
    server.shutdown(); server.server_close()

For tests of refusals, `next_response` changes the next ID token or SAML Response: "tampered" (changed after
signing), "unsigned", "wrong_audience", "expired", or (SAML) "foreign_key" (signed by another key, whose certificate
the signature carries). Every time is read from `time.time()`, so a test can move the clock.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import unquote_plus, urlencode

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm
from lxml import etree
from signxml import XMLSigner  # type: ignore[attr-defined]
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

from kring.access.stand_ins import FormError, form_params, make_provider_server, query_params, serve_in_thread

__all__ = ["SsoPerson", "TestSsoProvider", "make_provider_server", "serve_in_thread"]

logger = logging.getLogger(__name__)

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"  # noqa: S105 (a SAML URI)
EPPN = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"  # eduPersonPrincipalName
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
HSA_ID = "urn:oid:1.2.752.29.6.2.1"  # HSA-id (Inera)
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
CODE_SECONDS = 60
TOKEN_SECONDS = 300
REQUEST_SECONDS = 600
MAX_BODY = 64 * 1024
PKCE_VALUE = re.compile(r"[A-Za-z0-9._~-]{43,128}")
CHANGES = ("tampered", "unsigned", "wrong_audience", "expired", "foreign_key")
DEV_KEY_SEED = b"kring serve-sso: a development key, never for production"

StartResponse = Callable[..., Any]
Params = dict[str, list[str]]
_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Not Allowed"}


@dataclass(frozen=True)
class SsoPerson:
    email: str
    given_name: str
    family_name: str
    identifier: str = ""  # an EPPN or HSA-id
    hint: str = ""  # shown on the chooser page, e.g. "rektor"

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class _Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Pending:
    """One login in progress, waiting for the chooser page's answer."""

    kind: str  # "oidc" or "saml"
    reply_to: str  # the redirect_uri or the AssertionConsumerServiceURL
    state: str  # the OIDC state or the SAML RelayState
    request_id: str  # the SAML AuthnRequest's ID
    nonce: str
    code_challenge: str
    client_id: str
    expires_at: float


@dataclass(frozen=True)
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    person: SsoPerson
    acr: str
    auth_time: int
    expires_at: float


class _OAuthError(Exception):
    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code, self.description, self.status = code, description, status


class _PageError(Exception):
    pass


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json(status: int, data: dict[str, Any]) -> _Response:
    return _Response(
        status, json.dumps(data).encode(), [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    )


def _one(params: Params, name: str) -> str:
    values = params.get(name, [])
    if len(values) > 1:
        raise ValueError(f"{name} is given more than once")
    return values[0] if values else ""


def _instant(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _self_signed(key: SigningKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kring test IdP (not for production)")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
        .sign(key, hashes.SHA256())
    )


def dev_signing_key() -> ec.EllipticCurvePrivateKey:
    """The SAML signing key of `kring serve-sso`: the same on every machine and every start, so that a development
    Kring can trust it without configuration (`idp_certificate = "dev:kring serve-sso"`, only with KRING_DEBUG)."""
    secret = int.from_bytes(hashlib.sha256(DEV_KEY_SEED).digest(), "big")
    return ec.derive_private_key(secret, ec.SECP256R1())


def dev_certificate_pem() -> str:
    return _self_signed(dev_signing_key()).public_bytes(serialization.Encoding.PEM).decode("ascii")


def _pem(key: SigningKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class TestSsoProvider:
    """A WSGI application: the OpenID Connect and SAML identity provider of one test municipality."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        people: list[SsoPerson],
        client_id: str = "",
        client_secret: str = "",
        redirect_uri_prefixes: tuple[str, ...] = (),
        sp_entity_id: str = "",
        issuer: str = "",
        acr: str = LOA3,
        saml_key: SigningKey | None = None,
    ) -> None:
        self.people = list(people)
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri_prefixes = redirect_uri_prefixes
        self.sp_entity_id = sp_entity_id
        self.issuer = issuer  # set from the server's address by make_provider_server when empty
        self.acr = acr  # the level of assurance the chooser page offers first
        self.next_response = ""  # one of CHANGES: how the next ID token or SAML Response is spoiled
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # signs the ID tokens
        self._key_pem = _pem(self._key)
        self._saml_key = saml_key or self._key  # signs the SAML assertions, with this certificate
        self.certificate_pem = _self_signed(self._saml_key).public_bytes(serialization.Encoding.PEM).decode("ascii")
        self.kid = _b64url(hashlib.sha256(self.certificate_pem.encode()).digest()[:12])
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._codes: dict[str, _Grant] = {}

    @property
    def saml_entity_id(self) -> str:
        return f"{self.issuer}/saml/metadata"

    @property
    def saml_sso_url(self) -> str:
        return f"{self.issuer}/saml/sso"

    # --- WSGI -------------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            response = self._route(environ)
        except _PageError as error:
            response = self._page(400, "Inloggningen kan inte göras", f"<p>{escape(str(error))}</p>")
        except Exception:
            logger.exception("Test SSO provider failed")
            response = _Response(500, b"Internal error", [("Content-Type", "text/plain")])
        reason = _REASONS.get(response.status, "Error")
        start_response(f"{response.status} {reason}", [*response.headers, ("Content-Length", str(len(response.body)))])
        return [response.body]

    def _route(self, environ: dict[str, Any]) -> _Response:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        with self._lock:
            self._purge()
        routes: dict[tuple[str, str], Callable[[dict[str, Any]], _Response]] = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/jwks"): self._jwks,
            ("GET", "/authorize"): self._authorize,
            ("POST", "/token"): self._token,
            ("GET", "/saml/metadata"): self._saml_metadata,
            ("GET", "/saml/sso"): self._saml_sso,
            ("POST", "/choose"): self._choose,
        }
        handler = routes.get((method, path))
        if handler is None:
            known = {route_path for _method, route_path in routes}
            return _Response(405 if path in known else 404, b"", [("Content-Type", "text/plain")])
        return handler(environ)

    # --- OpenID Connect ---------------------------------------------------------------------------------------

    def _discovery(self, environ: dict[str, Any]) -> _Response:
        return _json(
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "scopes_supported": ["openid", "profile", "email"],
                "acr_values_supported": [LOA3, LOA2],
            },
        )

    def _jwks(self, environ: dict[str, Any]) -> _Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        return _json(200, {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]})

    def _authorize(self, environ: dict[str, Any]) -> _Response:
        params = self._query(environ)
        try:
            values = {
                name: _one(params, name)
                for name in (
                    "response_type",
                    "client_id",
                    "redirect_uri",
                    "scope",
                    "state",
                    "nonce",
                    "code_challenge",
                    "code_challenge_method",
                )
            }
        except ValueError as error:
            raise _PageError(str(error)) from error
        if values["client_id"] != self.client_id:
            raise _PageError("Okänd klient.")
        if not values["redirect_uri"].startswith(self.redirect_uri_prefixes):
            raise _PageError("Okänd redirect_uri.")
        if values["response_type"] != "code" or "openid" not in values["scope"].split():
            raise _PageError("Endast response_type=code med scope openid.")
        if values["code_challenge_method"] != "S256" or not PKCE_VALUE.fullmatch(values["code_challenge"]):
            raise _PageError("PKCE med S256 krävs.")
        if not values["state"] or not values["nonce"]:
            raise _PageError("state och nonce krävs.")
        pending = _Pending(
            kind="oidc",
            reply_to=values["redirect_uri"],
            state=values["state"],
            request_id="",
            nonce=values["nonce"],
            code_challenge=values["code_challenge"],
            client_id=values["client_id"],
            expires_at=time.time() + REQUEST_SECONDS,
        )
        return self._chooser(pending, "OpenID Connect")

    def _token(self, environ: dict[str, Any]) -> _Response:
        try:
            form = self._form(environ)
            self._authenticate_client(environ, form)
            grant = self._redeem(form)
        except _OAuthError as error:
            return _json(error.status, {"error": error.code, "error_description": error.description})
        now = int(time.time())
        change, self.next_response = self.next_response, ""
        claims = {
            "iss": self.issuer,
            "aud": "someone-else" if change == "wrong_audience" else grant.client_id,
            "sub": hmac.new(self._key_pem[:64], grant.person.email.encode(), hashlib.sha256).hexdigest(),
            "iat": now - (3 * TOKEN_SECONDS if change == "expired" else 0),
            "exp": now + TOKEN_SECONDS - (4 * TOKEN_SECONDS if change == "expired" else 0),
            "auth_time": grant.auth_time,
            "nonce": grant.nonce,
            "email": grant.person.email,
            "eppn": grant.person.identifier,
            "given_name": grant.person.given_name,
            "family_name": grant.person.family_name,
            "name": grant.person.name,
        }
        if grant.acr:
            claims["acr"] = grant.acr
        if change == "unsigned":
            id_token = jwt.encode(claims, "", algorithm="none")
        else:
            id_token = jwt.encode(claims, self._key_pem, algorithm="RS256", headers={"kid": self.kid})
        if change == "tampered":
            header, payload, signature = id_token.split(".")
            changed = {**claims, "email": "admin@" + grant.person.email.partition("@")[2]}
            id_token = ".".join([header, _b64url(json.dumps(changed).encode()), signature])
        body = {"access_token": secrets.token_urlsafe(32), "token_type": "Bearer", "expires_in": TOKEN_SECONDS}
        return _json(200, {**body, "id_token": id_token})

    def _authenticate_client(self, environ: dict[str, Any], form: Params) -> None:
        client_id, secret = _one(form, "client_id"), _one(form, "client_secret")
        scheme, _, value = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError) as error:
                raise _OAuthError("invalid_client", "malformed Basic credentials", 401) from error
            basic_id, _, basic_secret = decoded.partition(":")
            client_id, secret = unquote_plus(basic_id), unquote_plus(basic_secret)
        good_id = hmac.compare_digest(client_id.encode(), self.client_id.encode())
        if not (secret and good_id and hmac.compare_digest(secret.encode(), self.client_secret.encode())):
            raise _OAuthError("invalid_client", "client authentication failed", 401)

    def _redeem(self, form: Params) -> _Grant:
        if _one(form, "grant_type") != "authorization_code":
            raise _OAuthError("unsupported_grant_type", "only authorization_code is supported")
        with self._lock:
            grant = self._codes.pop(_one(form, "code"), None)  # single use
        if grant is None or grant.expires_at < time.time():
            raise _OAuthError("invalid_grant", "the code is unknown, expired or already used")
        if _one(form, "redirect_uri") != grant.redirect_uri:
            raise _OAuthError("invalid_grant", "redirect_uri differs from the authorization request's")
        verifier = _one(form, "code_verifier")
        challenge = _b64url(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
        if not PKCE_VALUE.fullmatch(verifier) or not hmac.compare_digest(challenge, grant.code_challenge):
            raise _OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        return grant

    # --- SAML 2.0 ---------------------------------------------------------------------------------------------

    def _saml_metadata(self, environ: dict[str, Any]) -> _Response:
        certificate = "".join(self.certificate_pem.strip().splitlines()[1:-1])
        body = (
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'entityID="{escape(self.saml_entity_id)}">'
            f'<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="{SAMLP}">'
            f'<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{DS}"><ds:X509Data><ds:X509Certificate>'
            f"{certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="{escape(self.saml_sso_url)}"/></md:IDPSSODescriptor></md:EntityDescriptor>'
        )
        return _Response(200, body.encode(), [("Content-Type", "application/samlmetadata+xml")])

    def _saml_sso(self, environ: dict[str, Any]) -> _Response:
        params = self._query(environ)
        try:
            encoded, relay_state = _one(params, "SAMLRequest"), _one(params, "RelayState")
            xml = zlib.decompress(base64.b64decode(encoded, validate=True), -15)
        except (ValueError, binascii.Error, zlib.error) as error:
            raise _PageError("SAMLRequest saknas eller går inte att läsa.") from error
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            request = etree.fromstring(xml, parser=parser)
        except etree.XMLSyntaxError as error:
            raise _PageError("SAMLRequest är inte XML.") from error
        if request.tag != f"{{{SAMLP}}}AuthnRequest" or not request.get("ID"):
            raise _PageError("Inte en AuthnRequest.")
        issuer = request.findtext(f"{{{SAML}}}Issuer") or ""
        acs_url = request.get("AssertionConsumerServiceURL") or ""
        if issuer != self.sp_entity_id:
            raise _PageError("Okänd tjänsteleverantör (Issuer).")
        if not acs_url.startswith(self.redirect_uri_prefixes):
            raise _PageError("Okänd AssertionConsumerServiceURL.")
        pending = _Pending(
            kind="saml",
            reply_to=acs_url,
            state=relay_state,
            request_id=str(request.get("ID")),
            nonce="",
            code_challenge="",
            client_id=issuer,
            expires_at=time.time() + REQUEST_SECONDS,
        )
        return self._chooser(pending, "SAML 2.0")

    def _saml_response(self, pending: _Pending, person: SsoPerson, acr: str) -> str:
        now = time.time()
        change, self.next_response = self.next_response, ""
        lifetime = -60 if change == "expired" else 300
        audience = "https://someone-else.invalid/" if change == "wrong_audience" else pending.client_id
        assertion_id = "_" + secrets.token_hex(20)
        attributes = [(MAIL, "mail", person.email), (EPPN, "eduPersonPrincipalName", person.identifier)]
        if person.identifier:
            attributes.append((HSA_ID, "hsaIdentity", person.identifier))
        statements = "".join(
            f'<saml:Attribute Name="{name}" FriendlyName="{friendly}" '
            'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
            f"<saml:AttributeValue>{escape(value)}</saml:AttributeValue></saml:Attribute>"
            for name, friendly, value in attributes
            if value
        )
        assertion_xml = (
            f'<saml:Assertion xmlns:saml="{SAML}" ID="{assertion_id}" Version="2.0" IssueInstant="{_instant(now)}">'
            f"<saml:Issuer>{escape(self.saml_entity_id)}</saml:Issuer>"
            '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"/>'
            '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">'
            f"{secrets.token_hex(16)}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData InResponseTo="{escape(pending.request_id)}" '
            f'NotOnOrAfter="{_instant(now + lifetime)}" Recipient="{escape(pending.reply_to)}"/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(now - 30)}" NotOnOrAfter="{_instant(now + lifetime)}">'
            f"<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="{assertion_id}">'
            f"<saml:AuthnContext><saml:AuthnContextClassRef>{escape(acr or PASSWORD_CONTEXT)}"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{statements}</saml:AttributeStatement></saml:Assertion>"
        )
        assertion = etree.fromstring(assertion_xml.encode())
        if change == "unsigned":
            signature = assertion.find(f"{{{DS}}}Signature")
            assertion.remove(signature)
            signed = assertion
        else:
            key: SigningKey = self._saml_key
            if change == "foreign_key":  # someone else's key, with their own certificate in the signature
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            method = SignatureMethod.ECDSA_SHA256 if isinstance(key, ec.EllipticCurvePrivateKey) else None
            signer = XMLSigner(
                signature_algorithm=method or SignatureMethod.RSA_SHA256,
                digest_algorithm=DigestAlgorithm.SHA256,
                c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
            )
            certificate = _self_signed(key).public_bytes(serialization.Encoding.PEM).decode("ascii")
            signed = signer.sign(assertion, key=_pem(key), cert=certificate, reference_uri=assertion_id)
        if change == "tampered":
            for value in signed.iter(f"{{{SAML}}}AttributeValue"):
                value.text = "admin@" + (value.text or "").partition("@")[2]
        response = etree.fromstring(
            (
                f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_{secrets.token_hex(20)}" '
                f'Version="2.0" IssueInstant="{_instant(now)}" Destination="{escape(pending.reply_to)}" '
                f'InResponseTo="{escape(pending.request_id)}"><saml:Issuer>{escape(self.saml_entity_id)}</saml:Issuer>'
                '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
                "</samlp:Response>"
            ).encode()
        )
        response.append(signed)
        return base64.b64encode(etree.tostring(response)).decode("ascii")

    # --- the chooser page -------------------------------------------------------------------------------------

    def _chooser(self, pending: _Pending, protocol: str) -> _Response:
        handle = secrets.token_urlsafe(24)
        with self._lock:
            self._pending[handle] = pending
        levels = [(self.acr, "Hög (två faktorer)"), ("", "Låg (bara lösenord)")]
        radios = "\n".join(
            f'<li><input type="radio" id="acr-{index}" name="acr" value="{escape(value)}"'
            f'{" checked" if index == 0 else ""}> <label for="acr-{index}">{escape(label)}</label></li>'
            for index, (value, label) in enumerate(levels)
        )
        people = "\n".join(
            f'<li><button type="submit" name="person" value="p{index}"><strong>{escape(person.name)}</strong>'
            f"{' – ' + escape(person.hint) if person.hint else ''} ({escape(person.email)})</button></li>"
            for index, person in enumerate(self.people)
        )
        body = (
            f'<form method="post" action="/choose"><input type="hidden" name="handle" value="{handle}">'
            '<fieldset><legend>Tillitsnivå att intyga</legend><ul class="levels">'
            f"{radios}</ul></fieldset>"
            '<section aria-labelledby="people-heading"><h2 id="people-heading">Logga in som</h2>'
            f'<ul class="people">{people or "<li>Inga testpersoner.</li>"}</ul></section></form>'
        )
        return self._page(200, f"Test-inloggning för personal ({protocol})", body)

    def _choose(self, environ: dict[str, Any]) -> _Response:
        try:
            form = self._form(environ)
        except _OAuthError as error:
            raise _PageError(error.description) from error
        with self._lock:
            pending = self._pending.pop(_one(form, "handle"), None)
        choice = _one(form, "person")
        index = int(choice[1:]) if re.fullmatch(r"p[0-9]{1,4}", choice) else -1
        if pending is None or not 0 <= index < len(self.people):
            raise _PageError("Inloggningen har gått ut. Börja om från Kring.")
        person, acr = self.people[index], _one(form, "acr")
        if acr not in (self.acr, ""):
            raise _PageError("Okänd tillitsnivå.")
        if pending.kind == "oidc":
            code = secrets.token_urlsafe(32)
            grant = _Grant(
                client_id=pending.client_id,
                redirect_uri=pending.reply_to,
                code_challenge=pending.code_challenge,
                nonce=pending.nonce,
                person=person,
                acr=acr,
                auth_time=int(time.time()),
                expires_at=time.time() + CODE_SECONDS,
            )
            with self._lock:
                self._codes[code] = grant
            separator = "&" if "?" in pending.reply_to else "?"
            location = f"{pending.reply_to}{separator}{urlencode({'code': code, 'state': pending.state})}"
            return _Response(302, b"", [("Location", location)])
        saml_response = self._saml_response(pending, person, acr)
        body = (
            f'<form method="post" action="{escape(pending.reply_to)}">'
            f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
            f'<input type="hidden" name="RelayState" value="{escape(pending.state)}">'
            f"<p>Inloggad som {escape(person.name)}.</p>"
            '<p><button type="submit" id="continue">Fortsätt till Kring</button></p></form>'
        )
        return self._page(200, "Skicka svaret till Kring", body)

    @staticmethod
    def _page(status: int, title: str, body: str) -> _Response:
        html = (
            '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;max-width:40rem;margin:1rem auto;"
            "padding:0 1rem}.banner{background:#fde68a;padding:.5rem;border:2px solid #92400e}"
            "ul{list-style:none;padding:0}li{margin:.4rem 0}button{font-size:1rem;padding:.5rem;width:100%;"
            "text-align:left}</style></head><body>"
            '<p class="banner" role="note"><strong>Testmiljö.</strong> Ingen identifieras här: vem som helst kan '
            "välja vilken testperson som helst. Får aldrig användas i drift.</p>"
            f"<main><h1>{escape(title)}</h1>{body}</main></body></html>"
        )
        return _Response(status, html.encode(), [("Content-Type", "text/html; charset=utf-8")])

    # --- plumbing ---------------------------------------------------------------------------------------------

    @staticmethod
    def _query(environ: dict[str, Any]) -> Params:
        return query_params(environ)

    @staticmethod
    def _form(environ: dict[str, Any]) -> Params:
        try:
            return form_params(environ, MAX_BODY)
        except FormError as error:
            raise _OAuthError("invalid_request", str(error)) from error

    def _purge(self) -> None:
        now = time.time()
        for store in (self._pending, self._codes):
            for key in [key for key, item in store.items() if item.expires_at < now]:
                del store[key]
