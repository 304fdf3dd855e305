"""The local e-ID OpenID Connect provider (`kring.family.eid.testprovider`) over HTTP, and `kring serve-eid`."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from kring.casework.tsi.actions import request_tsi
from kring.demo.names import MUNICIPALITY_CODE
from kring.directory.models import Unit, User
from kring.family.eid.testprovider import EidPerson, TestEidProvider, serve_in_thread
from kring.family.management.commands.serve_eid import DEMO_MUNICIPALITY_CODE, people_from_database, search_database
from kring.people.models import Guardian
from tests.conftest import World

CLIENT_ID = "kring-test"
CLIENT_SECRET = "kring-test-secret"
REDIRECT_URI = "http://127.0.0.1:8000/accounts/oidc/eid/login/callback/?keep=1"
PERSONAL_NUMBER = "https://id.oidc.se/claim/personalIdentityNumber"
SCOPE = "openid profile https://id.oidc.se/scope/naturalPersonNumber"
PEOPLE = [
    EidPerson("198001019812", "Maria", "Ek", "vårdnadshavare till Alva"),
    EidPerson("201005059827", "Alva", "Ek", "ung person, 16 år"),
]
SEARCHABLE = [EidPerson("197502029833", "Olle", "<Lind>", "vårdnadshavare")]


@dataclass
class Running:
    provider: TestEidProvider
    base_url: str
    http: httpx.Client


@pytest.fixture(scope="module")
def running() -> Iterator[Running]:
    provider = TestEidProvider(
        issuer="",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri_prefixes=("http://127.0.0.1:", "http://localhost:"),
        people=PEOPLE,
        search=lambda query: [p for p in SEARCHABLE if query.casefold() in p.name.casefold()],
    )
    server, base_url = serve_in_thread(provider)
    try:
        with httpx.Client(base_url=base_url, follow_redirects=False, timeout=5) as http:
            yield Running(provider, base_url, http)
    finally:
        server.shutdown()
        server.server_close()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(challenge: str, **changes: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPE,
        "state": "the-state",
        "nonce": "the-nonce",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **changes,
    }
    return {name: value for name, value in params.items() if value is not None}


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith("http://127.0.0.1:8000/accounts/oidc/eid/login/callback/?")
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def request_id(page: str) -> str:
    found = re.search(r'name="request" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def choose(running: Running, challenge: str, person: str = "p0") -> dict[str, str]:
    page = running.http.get("/authorize", params=authorize_params(challenge))
    assert page.status_code == 200, page.text
    return redirect_query(running.http.post("/authorize", data={"request": request_id(page.text), "person": person}))


def exchange(running: Running, code: str, verifier: str, **changes: str) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **changes,
    }
    return running.http.post("/token", data=data)


def verified(running: Running, id_token: str) -> dict[str, Any]:
    jwks = running.http.get("/jwks").json()
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
    claims: dict[str, Any] = jwt.decode(
        id_token, key, algorithms=["RS256"], audience=CLIENT_ID, issuer=running.provider.issuer
    )
    return claims


def assert_error(response: httpx.Response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"


def test_discovery_has_the_required_metadata(running: Running) -> None:
    document = running.http.get("/.well-known/openid-configuration").json()
    required = [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
    ]
    assert all(document.get(name) for name in required)
    assert document["issuer"] == running.base_url
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert PERSONAL_NUMBER in document["claims_supported"]
    assert running.http.get(urlsplit(document["jwks_uri"]).path).status_code == 200


def test_the_code_flow_with_pkce(running: Running) -> None:
    verifier, challenge = pkce()
    page = running.http.get("/authorize", params=authorize_params(challenge))
    assert page.status_code == 200
    assert 'lang="sv"' in page.text and "Test-e-legitimation – inte BankID" in page.text
    assert "Maria Ek" in page.text and "vårdnadshavare till Alva" in page.text and "19800101-XXXX" in page.text
    assert all(person.identity_number not in page.text for person in PEOPLE)
    answer = redirect_query(running.http.post("/authorize", data={"request": request_id(page.text), "person": "p0"}))
    assert answer["state"] == "the-state" and answer["keep"] == "1"

    tokens = exchange(running, answer["code"], verifier)
    assert tokens.status_code == 200, tokens.text
    assert tokens.headers["cache-control"] == "no-store"
    body = tokens.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    claims = verified(running, body["id_token"])
    assert claims["nonce"] == "the-nonce"
    assert claims[PERSONAL_NUMBER] == "198001019812"
    assert claims["sub"] != "198001019812" and "198001019812" not in claims["sub"]
    assert claims["acr"] == "http://id.elegnamnden.se/loa/1.0/loa3"
    assert claims["exp"] == claims["iat"] + 300

    userinfo = running.http.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.status_code == 200
    assert userinfo.json() == {
        "sub": claims["sub"],
        "given_name": "Maria",
        "family_name": "Ek",
        "name": "Maria Ek",
        PERSONAL_NUMBER: "198001019812",
    }


def test_client_secret_basic_and_a_stable_pairwise_subject(running: Running) -> None:
    subjects = []
    for _ in range(2):
        verifier, challenge = pkce()
        code = choose(running, challenge, "p1")["code"]
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        }
        tokens = running.http.post("/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET))
        assert tokens.status_code == 200, tokens.text
        subjects.append(verified(running, tokens.json()["id_token"])["sub"])
    assert subjects[0] == subjects[1]


def test_userinfo_refuses_an_unknown_token(running: Running) -> None:
    response = running.http.get("/userinfo", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    assert running.http.get("/userinfo").status_code == 401


def test_a_wrong_code_verifier_is_refused(running: Running) -> None:
    _, challenge = pkce()
    code = choose(running, challenge)["code"]
    assert_error(exchange(running, code, pkce()[0]), "invalid_grant")


def test_a_code_works_once(running: Running) -> None:
    verifier, challenge = pkce()
    code = choose(running, challenge)["code"]
    assert exchange(running, code, verifier).status_code == 200
    assert_error(exchange(running, code, verifier), "invalid_grant")


def test_the_redirect_uri_must_be_the_same_at_the_token_endpoint(running: Running) -> None:
    verifier, challenge = pkce()
    code = choose(running, challenge)["code"]
    assert_error(exchange(running, code, verifier, redirect_uri="http://127.0.0.1:8000/other/"), "invalid_grant")


def test_a_wrong_client_secret_is_refused(running: Running) -> None:
    verifier, challenge = pkce()
    code = choose(running, challenge)["code"]
    assert_error(exchange(running, code, verifier, client_secret="wrong"), "invalid_client", status=401)


def test_an_expired_code_is_refused(running: Running) -> None:
    verifier, challenge = pkce()
    code = choose(running, challenge)["code"]
    with time_machine.travel(time.time() + 61, tick=False):
        assert_error(exchange(running, code, verifier), "invalid_grant")


def test_only_the_authorization_code_grant(running: Running) -> None:
    assert_error(exchange(running, "x", "y", grant_type="client_credentials"), "unsupported_grant_type")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"nonce": None}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
    ],
)
def test_a_bad_authorization_request_goes_back_with_an_error(
    running: Running, changes: dict[str, str | None], error: str
) -> None:
    _, challenge = pkce()
    answer = redirect_query(running.http.get("/authorize", params=authorize_params(challenge, **changes)))
    assert answer["error"] == error
    assert answer["state"] == "the-state"
    assert "code" not in answer


@pytest.mark.parametrize(
    "changes",
    [
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": "http://127.0.0.1:80@evil.example/callback"},
        {"redirect_uri": None},
        {"client_id": "someone-else"},
    ],
)
def test_an_unknown_client_or_redirect_uri_gets_a_page_not_a_redirect(
    running: Running, changes: dict[str, str | None]
) -> None:
    _, challenge = pkce()
    response = running.http.get("/authorize", params=authorize_params(challenge, **changes))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "text/html" in response.headers["content-type"]


def test_cancel_answers_access_denied(running: Running) -> None:
    _, challenge = pkce()
    page = running.http.get("/authorize", params=authorize_params(challenge))
    answer = redirect_query(running.http.post("/authorize", data={"request": request_id(page.text), "cancel": "1"}))
    assert answer["error"] == "access_denied" and answer["state"] == "the-state"


def test_a_request_id_is_used_once(running: Running) -> None:
    _, challenge = pkce()
    page = running.http.get("/authorize", params=authorize_params(challenge))
    assert running.http.post("/authorize", data={"request": request_id(page.text), "person": "p0"}).status_code == 302
    again = running.http.post("/authorize", data={"request": request_id(page.text), "person": "p0"})
    assert again.status_code == 400 and "location" not in again.headers


def test_search_offers_more_people(running: Running) -> None:
    verifier, challenge = pkce()
    page = running.http.get("/authorize", params=authorize_params(challenge))
    request = request_id(page.text)
    found = running.http.get("/authorize?" + urlencode({"request": request, "q": "olle"}))
    assert found.status_code == 200
    assert "Olle &lt;Lind&gt;" in found.text and "<Lind>" not in found.text
    assert "197502029833" not in found.text and request_id(found.text) == request
    value = re.findall(r'name="person" value="(s[^"]+)"', found.text)
    assert len(value) == 1
    answer = redirect_query(running.http.post("/authorize", data={"request": request, "person": value[0]}))
    claims = verified(running, exchange(running, answer["code"], verifier).json()["id_token"])
    assert claims[PERSONAL_NUMBER] == "197502029833" and claims["family_name"] == "<Lind>"


def test_a_tampered_token_fails_its_signature(running: Running) -> None:
    verifier, challenge = pkce()
    code = choose(running, challenge)["code"]
    running.provider.tamper_next_token = True
    id_token = exchange(running, code, verifier).json()["id_token"]
    assert running.provider.tamper_next_token is False
    with pytest.raises(jwt.InvalidSignatureError):
        verified(running, id_token)


def test_unknown_paths_are_not_found(running: Running) -> None:
    assert running.http.get("/nothing").status_code == 404
    assert running.http.get("/token").status_code == 405


@pytest.mark.django_db
def test_serve_eid_runs_only_in_development() -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="KRING_DEBUG=true"):
        call_command("serve_eid")


def test_serve_eid_serves_the_demo_by_default() -> None:
    assert DEMO_MUNICIPALITY_CODE == MUNICIPALITY_CODE


@pytest.mark.django_db
def test_the_people_offered_are_the_guardians_and_young_people_of_tsi_cases(
    world: World, guardians: list[Guardian], tsi_team: Unit, principal: User
) -> None:
    assert people_from_database(world.municipality.code) == []
    request_tsi(by=principal, child=world.child, team=tsi_team, reason="Ofta borta.")
    today = timezone.localdate()
    world.child.birth_date = today.replace(year=today.year - 16, day=1)
    world.child.save()

    people = people_from_database(world.municipality.code)
    assert [(p.identity_number, p.hint) for p in people] == [
        *((g.identity_number, "vårdnadshavare till Alva") for g in guardians),
        (world.child.identity_number, "ung person, 16 år"),
    ]
    assert people_from_database(world.other_municipality_child.municipality.code) == []

    found = search_database(world.municipality.code)("alva TESTS")
    assert [p.identity_number for p in found] == [world.child.identity_number]
    assert search_database(world.municipality.code)("  ") == []
