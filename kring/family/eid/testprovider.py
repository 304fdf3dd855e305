"""A local stand-in for a Swedish e-ID OpenID Connect provider, for development and tests only.

It behaves like a broker of BankID or Freja eID that follows Sweden Connect's OpenID Connect profile closely enough
for Kring's guardian login to run on a machine without internet: discovery, the authorization code flow with PKCE
(S256 only), `client_secret_post` and `client_secret_basic`, RS256 id_tokens with pairwise subjects and the claim
`https://id.oidc.se/claim/personalIdentityNumber`, userinfo and a JWKS. It is NOT an implementation of the standard
or of the profile, and nobody is authenticated: whoever opens the chooser page picks any test person. The page says
so in a banner. Plain WSGI on the standard library, with no Django, so that tests can serve it in a thread:

    provider = TestEidProvider(issuer="", client_id="kring", client_secret="secret",
                               redirect_uri_prefixes=("http://127.0.0.1:",), people=[EidPerson(...)])
    server, base_url = serve_in_thread(provider)
    ...
    server.shutdown(); server.server_close()

`tamper_next_token = True` makes the next id_token carry a payload changed after signing (its signature fails).
Every time is read from `time.time()`, so a test can move the clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from kring.access.stand_ins import FormError, form_params, make_provider_server, query_params, serve_in_thread

__all__ = ["EidPerson", "TestEidProvider", "make_provider_server", "serve_in_thread"]

logger = logging.getLogger(__name__)

PERSONAL_NUMBER_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
PERSONAL_NUMBER_SCOPE = "https://id.oidc.se/scope/naturalPersonNumber"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
CODE_SECONDS = 60
TOKEN_SECONDS = 300
REQUEST_SECONDS = 600  # how long the chooser page of one authorization request stays usable
SEARCH_LIMIT = 20
MAX_BODY = 64 * 1024
PKCE_VALUE = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1 (verifier) and §4.2 (S256 challenge)
IDENTITY_NUMBER = re.compile(r"[0-9]{12}")

StartResponse = Callable[..., Any]
Params = dict[str, list[str]]

_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Internal Server Error",
}


@dataclass(frozen=True)
class EidPerson:
    identity_number: str  # 12 digits, YYYYMMDDNNNC
    given_name: str
    family_name: str
    hint: str = ""  # shown on the chooser page, e.g. "vårdnadshavare till Alva"

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def masked_identity_number(self) -> str:
        return f"{self.identity_number[:8]}-XXXX"


@dataclass
class _Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _AuthRequest:
    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    scope: str
    expires_at: float
    choices: dict[str, EidPerson]  # button value -> person; search results are added under random values


@dataclass(frozen=True)
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    scope: str
    person: EidPerson
    auth_time: int
    expires_at: float


@dataclass(frozen=True)
class _AccessToken:
    person: EidPerson
    sub: str
    expires_at: float


class _OAuthError(Exception):
    """An error answered as JSON by the token and userinfo endpoints."""

    def __init__(self, code: str, description: str, status: int = 400, headers: Iterable[tuple[str, str]] = ()):
        super().__init__(description)
        self.code, self.description, self.status, self.headers = code, description, status, list(headers)


class _RedirectError(Exception):
    """An authorization error sent back to the client's redirect_uri."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


class _PageError(Exception):
    """An authorization error shown to the user (when redirecting back would be unsafe or impossible)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _s256(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _json(status: int, data: dict[str, Any], *, no_store: bool = False) -> _Response:
    headers = [("Content-Type", "application/json")]
    if no_store:
        headers += [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
    return _Response(status, json.dumps(data).encode(), headers)


def _html(status: int, body: str) -> _Response:
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *"),
        ("X-Frame-Options", "DENY"),
    ]
    return _Response(status, body.encode(), headers)


def _redirect(uri: str, params: dict[str, str]) -> _Response:
    """302 to `uri` with `params` added to (not replacing) the query it already has."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in params.items() if v]
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    return _Response(302, b"", [("Location", location), ("Cache-Control", "no-store")])


def _one(params: Params, name: str) -> str:
    """The value of a parameter given at most once (RFC 6749 §3.1: "MUST NOT be included more than once")."""
    values = params.get(name, [])
    if len(values) > 1:
        raise ValueError(f"{name} is given more than once")
    return values[0] if values else ""


_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.4; }}
.banner {{ background: #fff3cd; border: 2px solid #8a6d00; padding: .75rem; }}
ul {{ list-style: none; padding: 0; }}
li {{ margin: .4rem 0; }}
button {{ font: inherit; padding: .4rem .8rem; text-align: left; }}
.people button {{ width: 100%; }}
</style>
</head>
<body>
<p class="banner" role="note"><strong>Test-e-legitimation – inte BankID. Endast för utveckling och test.</strong><br>
<span lang="en">Test e-ID – not BankID. For development and testing only.</span></p>
<main>
{main}
</main>
</body>
</html>
"""


def _page(title: str, main: str) -> str:
    return _PAGE.format(title=escape(title), main=main)


def _error_page(message: str) -> _Response:
    main = (
        "<h1>Inloggningen kan inte fortsätta</h1>\n"
        f"<p>{escape(message)}</p>\n"
        '<p lang="en">The sign-in request was refused; you were not sent back to the service.</p>'
    )
    return _html(400, _page("Fel – test-e-legitimation", main))


class TestEidProvider:
    """A WSGI OpenID Connect provider offering `people` to choose from (see the module docstring)."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        redirect_uri_prefixes: tuple[str, ...],
        people: list[EidPerson],
        search: Callable[[str], list[EidPerson]] | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri_prefixes = redirect_uri_prefixes
        self.people = list(people)
        self.search = search
        self.tamper_next_token = False
        self.acr = LOA3  # the level of assurance the tokens state (a test may lower it)
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_der = self._private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = _b64url(hashlib.sha256(public_der).digest())[:16]
        self._subject_secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._requests: dict[str, _AuthRequest] = {}
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, _AccessToken] = {}

    # --- WSGI -------------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            response = self._dispatch(environ)
        except Exception:
            logger.exception("Test e-ID provider: an error answering %s", environ.get("PATH_INFO"))
            response = _json(500, {"error": "server_error", "error_description": "internal error"})
        status = f"{response.status} {_REASONS.get(response.status, 'Status')}"
        start_response(status, [*response.headers, ("Content-Length", str(len(response.body)))])
        return [response.body]

    def _dispatch(self, environ: dict[str, Any]) -> _Response:
        routes: dict[str, dict[str, Callable[[dict[str, Any]], _Response]]] = {
            "/.well-known/openid-configuration": {"GET": self._discovery},
            "/authorize": {"GET": self._authorize_page, "POST": self._authorize_choice},
            "/token": {"POST": self._token},
            "/userinfo": {"GET": self._userinfo, "POST": self._userinfo},
            "/jwks": {"GET": self._jwks},
        }
        methods = routes.get(self._route(environ.get("PATH_INFO", "")))
        if methods is None:
            return _json(404, {"error": "not_found"})
        handler = methods.get(environ.get("REQUEST_METHOD", "GET").upper())
        if handler is None:
            return _Response(405, b"", [("Allow", ", ".join(methods))])
        return handler(environ)

    def _route(self, path: str) -> str:
        """The path relative to the issuer's (an issuer may live under a path such as /eid)."""
        prefix = urlsplit(self.issuer).path.rstrip("/")
        if prefix and path.startswith(prefix + "/"):
            return path[len(prefix) :]
        return path

    # --- discovery and keys -----------------------------------------------------------------------------------

    def _discovery(self, environ: dict[str, Any]) -> _Response:
        return _json(200, self.discovery_document())

    def discovery_document(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", PERSONAL_NUMBER_SCOPE],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                PERSONAL_NUMBER_CLAIM,
                "given_name",
                "family_name",
                "name",
                "acr",
                "nonce",
                "auth_time",
            ],
            "grant_types_supported": ["authorization_code"],
            "acr_values_supported": [LOA3],
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
        }

    def _jwks(self, environ: dict[str, Any]) -> _Response:
        return _json(200, {"keys": [self.public_jwk()]})

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self._private_key.public_key(), as_dict=True)
        return {**jwk, "use": "sig", "alg": "RS256", "kid": self.kid}

    # --- authorization ----------------------------------------------------------------------------------------

    def _authorize_page(self, environ: dict[str, Any]) -> _Response:
        params = self._query(environ)
        if "client_id" not in params and "request" in params:
            return self._continue_page(params)
        try:
            redirect_uri = self._checked_client(params)
        except _PageError as error:
            return _error_page(error.message)
        state = params.get("state", [""])[0]
        try:
            request_id = self._new_request(params, redirect_uri)
        except _RedirectError as error:
            return _redirect(
                redirect_uri, {"error": error.code, "error_description": error.description, "state": state}
            )
        return self._chooser(request_id, query="")

    def _checked_client(self, params: Params) -> str:
        """The redirect_uri, once the client and it are known good; else a _PageError (never redirect then)."""
        try:
            client_id, redirect_uri = _one(params, "client_id"), _one(params, "redirect_uri")
        except ValueError as error:
            raise _PageError(str(error)) from error
        if not client_id or not hmac.compare_digest(client_id.encode(), self.client_id.encode()):
            raise _PageError("Okänd klient (client_id).")
        if not self._redirect_uri_allowed(redirect_uri):
            raise _PageError("Adressen att skicka tillbaka till (redirect_uri) är inte registrerad för klienten.")
        return redirect_uri

    def _redirect_uri_allowed(self, uri: str) -> bool:
        if not uri or not uri.isascii() or any(c in uri for c in ' \\#"<>') or not uri.isprintable():
            return False
        parts = urlsplit(uri)
        if "@" in parts.netloc or not parts.hostname:  # "http://127.0.0.1:80@evil.example/" starts with the prefix
            return False
        return any(uri.startswith(prefix) for prefix in self.redirect_uri_prefixes)

    def _new_request(self, params: Params, redirect_uri: str) -> str:
        values = self._request_values(params)
        request = _AuthRequest(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            state=values["state"],
            nonce=values["nonce"],
            code_challenge=values["code_challenge"],
            scope=values["scope"],
            expires_at=time.time() + REQUEST_SECONDS,
            choices={f"p{index}": person for index, person in enumerate(self.people)},
        )
        request_id = secrets.token_urlsafe(24)
        with self._lock:
            self._purge()
            self._requests[request_id] = request
        return request_id

    def _request_values(self, params: Params) -> dict[str, str]:
        names = ("response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "prompt")
        try:
            values = {name: _one(params, name) for name in names}
        except ValueError as error:
            raise _RedirectError("invalid_request", str(error)) from error
        if "request" in params or "request_uri" in params:
            raise _RedirectError("request_not_supported", "request objects are not supported")
        if values["response_type"] != "code":
            raise _RedirectError("unsupported_response_type", "only response_type=code is supported")
        if "openid" not in values["scope"].split():
            raise _RedirectError("invalid_scope", "scope must contain openid")
        for name in ("state", "nonce", "code_challenge"):
            if not values[name]:
                raise _RedirectError("invalid_request", f"{name} is required")
        if values["code_challenge_method"] != "S256":
            raise _RedirectError("invalid_request", "code_challenge_method must be S256")
        if not PKCE_VALUE.fullmatch(values["code_challenge"]):
            raise _RedirectError("invalid_request", "code_challenge is not a valid S256 challenge")
        if "none" in values["prompt"].split():
            raise _RedirectError("login_required", "the user must choose a test person")
        return values

    def _continue_page(self, params: Params) -> _Response:
        """The chooser again, for a search typed on it."""
        request_id = params.get("request", [""])[0]
        query = params.get("q", [""])[0].strip()[:100]
        with self._lock:
            known = self._pending(request_id) is not None
        if not known:
            return _error_page("Inloggningsförsöket har gått ut eller är redan använt. Börja om från tjänsten.")
        return self._chooser(request_id, query=query)

    def _pending(self, request_id: str) -> _AuthRequest | None:
        request = self._requests.get(request_id)
        if request is None or request.expires_at < time.time():
            return None
        return request

    def _found(self, request_id: str, query: str) -> list[tuple[str, EidPerson]]:
        if not query or self.search is None:
            return []
        matches = self.search(query)[:SEARCH_LIMIT]  # outside the lock: it may read a database
        found = [(f"s{secrets.token_urlsafe(8)}", person) for person in matches]
        with self._lock:
            request = self._pending(request_id)
            if request is None:
                return []
            request.choices.update(found)
        return found

    def _chooser(self, request_id: str, *, query: str) -> _Response:
        found = self._found(request_id, query)
        action = escape(f"{self.issuer}/authorize")
        hidden = f'<input type="hidden" name="request" value="{escape(request_id)}">'
        people = [(f"p{index}", person) for index, person in enumerate(self.people)]
        parts = [
            "<h1>Välj testperson</h1>",
            f"<p>Tjänsten <strong>{escape(self.client_id)}</strong> vill att du loggar in. "
            "Välj vem du vill logga in som.</p>",
            f'<form method="post" action="{action}">',
            hidden,
            _person_list("Testpersoner", "people-heading", people),
        ]
        if query:
            heading = f"Sökträffar för ”{query}”"
            parts.append(
                _person_list(heading, "found-heading", found)
                if found
                else f"<p>Inga träffar för ”{escape(query)}”.</p>"
            )
        parts += [
            '<p><button type="submit" name="cancel" value="1">Avbryt</button></p>',
            "</form>",
        ]
        if self.search is not None:
            parts.append(_search_form(action, hidden, query))
        return _html(200, _page("Test-e-legitimation", "\n".join(parts)))

    def _authorize_choice(self, environ: dict[str, Any]) -> _Response:
        try:
            form = self._form(environ)
        except _OAuthError as error:
            return _error_page(error.description)
        request_id = form.get("request", [""])[0]
        with self._lock:
            request = self._pending(request_id)
            self._requests.pop(request_id, None)  # one use, whatever the answer
        if request is None:
            return _error_page("Inloggningsförsöket har gått ut eller är redan använt. Börja om från tjänsten.")
        if form.get("cancel"):
            description = "the user cancelled"
            return _redirect(
                request.redirect_uri,
                {"error": "access_denied", "error_description": description, "state": request.state},
            )
        person = request.choices.get(form.get("person", [""])[0])
        if person is None:
            return _error_page("Ingen testperson vald. Börja om från tjänsten.")
        code = self._issue_code(request, person)
        return _redirect(request.redirect_uri, {"code": code, "state": request.state})

    def _issue_code(self, request: _AuthRequest, person: EidPerson) -> str:
        now = time.time()
        grant = _Grant(
            client_id=request.client_id,
            redirect_uri=request.redirect_uri,
            code_challenge=request.code_challenge,
            nonce=request.nonce,
            scope=request.scope,
            person=person,
            auth_time=int(now),
            expires_at=now + CODE_SECONDS,
        )
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = grant
        return code

    # --- token ------------------------------------------------------------------------------------------------

    def _token(self, environ: dict[str, Any]) -> _Response:
        try:
            form = self._form(environ)
            self._authenticate_client(environ, form)
            grant = self._redeem(form)
            body = self._token_response(grant)
        except _OAuthError as error:
            response = _json(error.status, {"error": error.code, "error_description": error.description}, no_store=True)
            response.headers += error.headers
            return response
        return _json(200, body, no_store=True)

    def _authenticate_client(self, environ: dict[str, Any], form: Params) -> None:
        basic = self._basic_credentials(environ)
        try:
            posted = (_one(form, "client_id"), _one(form, "client_secret"))
        except ValueError as error:
            raise _OAuthError("invalid_request", str(error)) from error
        if basic is not None and posted[1]:
            raise _OAuthError("invalid_request", "use one client authentication method, not two")
        client_id, secret = basic if basic is not None else posted
        if basic is not None and posted[0] and posted[0] != client_id:
            raise _OAuthError("invalid_request", "client_id differs from the authenticated client")
        good_id = hmac.compare_digest(client_id.encode(), self.client_id.encode())
        good_secret = hmac.compare_digest(secret.encode(), self.client_secret.encode())
        if not (client_id and secret and good_id and good_secret):
            challenge = [("WWW-Authenticate", 'Basic realm="test-eid"')]
            raise _OAuthError("invalid_client", "client authentication failed", status=401, headers=challenge)

    @staticmethod
    def _basic_credentials(environ: dict[str, Any]) -> tuple[str, str] | None:
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise _OAuthError("invalid_client", "malformed Basic credentials", status=401) from error
        client_id, colon, secret = decoded.partition(":")
        if not colon:
            raise _OAuthError("invalid_client", "malformed Basic credentials", status=401)
        return unquote_plus(client_id), unquote_plus(secret)  # RFC 6749 §2.3.1: form-encoded, then Basic

    def _redeem(self, form: Params) -> _Grant:
        try:
            values = {name: _one(form, name) for name in ("grant_type", "code", "redirect_uri", "code_verifier")}
        except ValueError as error:
            raise _OAuthError("invalid_request", str(error)) from error
        if values["grant_type"] != "authorization_code":
            raise _OAuthError("unsupported_grant_type", "only authorization_code is supported")
        if not values["code"]:
            raise _OAuthError("invalid_request", "code is required")
        with self._lock:
            grant = self._codes.pop(values["code"], None)  # single use, even when the rest is wrong
        if grant is None or grant.expires_at < time.time():
            raise _OAuthError("invalid_grant", "the code is unknown, expired or already used")
        if grant.client_id != self.client_id or values["redirect_uri"] != grant.redirect_uri:
            raise _OAuthError("invalid_grant", "redirect_uri differs from the one of the authorization request")
        verifier = values["code_verifier"]
        if not PKCE_VALUE.fullmatch(verifier) or not hmac.compare_digest(_s256(verifier), grant.code_challenge):
            raise _OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        return grant

    def _token_response(self, grant: _Grant) -> dict[str, Any]:
        now = int(time.time())
        sub = self.subject(grant.person.identity_number)
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[access_token] = _AccessToken(grant.person, sub, now + TOKEN_SECONDS)
        claims = {
            "iss": self.issuer,
            "aud": grant.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "auth_time": grant.auth_time,
            "nonce": grant.nonce,
            "acr": self.acr,
            **self._person_claims(grant.person),
        }
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": grant.scope,
            "id_token": self._sign(claims),
        }

    def subject(self, identity_number: str) -> str:
        """The pairwise subject of a person: not the identity number, and stable for this provider's lifetime."""
        return hmac.new(self._subject_secret, identity_number.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def _person_claims(person: EidPerson) -> dict[str, str]:
        return {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "name": person.name,
            PERSONAL_NUMBER_CLAIM: person.identity_number,
        }

    def _sign(self, claims: dict[str, Any]) -> str:
        token = jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"})
        with self._lock:
            tamper, self.tamper_next_token = self.tamper_next_token, False
        return _tampered(token) if tamper else token

    # --- userinfo ---------------------------------------------------------------------------------------------

    def _userinfo(self, environ: dict[str, Any]) -> _Response:
        scheme, _, value = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        with self._lock:
            token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.expires_at < time.time():
            challenge = 'Bearer error="invalid_token", error_description="the access token is unknown or expired"'
            body = {"error": "invalid_token", "error_description": "the access token is unknown or expired"}
            response = _json(401, body, no_store=True)
            response.headers.append(("WWW-Authenticate", challenge))
            return response
        return _json(200, {"sub": token.sub, **self._person_claims(token.person)}, no_store=True)

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
        """Forget expired requests, codes and tokens (called with the lock held)."""
        now = time.time()
        for store in (self._requests, self._codes, self._tokens):
            for key in [key for key, item in store.items() if item.expires_at < now]:
                del store[key]


def _tampered(token: str) -> str:
    """The token with its payload changed after signing (another personal number), keeping the signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    number = str(claims.get(PERSONAL_NUMBER_CLAIM, "000000000000"))
    claims[PERSONAL_NUMBER_CLAIM] = number[:-1] + str((int(number[-1]) + 1) % 10) if number[-1:].isdigit() else "0"
    claims["sub"] = hashlib.sha256(str(claims.get("sub", "")).encode()).hexdigest()
    return ".".join([header, _b64url(json.dumps(claims, separators=(",", ":")).encode()), signature])


def _person_list(heading: str, heading_id: str, people: list[tuple[str, EidPerson]]) -> str:
    items = []
    for value, person in people:
        hint = f" – {escape(person.hint)}" if person.hint else ""
        items.append(
            f'<li><button type="submit" name="person" value="{escape(value)}">'
            f"<strong>{escape(person.name)}</strong>{hint} ({escape(person.masked_identity_number)})</button></li>"
        )
    body = "\n".join(items) if items else "<li>Inga testpersoner.</li>"
    return (
        f'<section aria-labelledby="{heading_id}"><h2 id="{heading_id}">{escape(heading)}</h2>\n'
        f'<ul class="people">\n{body}\n</ul></section>'
    )


def _search_form(action: str, hidden: str, query: str) -> str:
    return (
        '<section aria-labelledby="search-heading"><h2 id="search-heading">Sök testperson</h2>\n'
        f'<form method="get" action="{action}" role="search">{hidden}\n'
        '<p><label for="q">Namn</label> '
        f'<input id="q" name="q" type="search" value="{escape(query)}" maxlength="100" autocomplete="off"> '
        '<button type="submit">Sök</button></p>\n</form></section>'
    )
