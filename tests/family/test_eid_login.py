"""The whole e-ID login through Kring against the local provider (`kring serve-eid`'s provider, served by the test):
OpenID Connect's code flow with PKCE, state and nonce, the ID token's signature checked, and the personal identity
number kept only as its blind index."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.test import Client
from django.urls import reverse

from kring.access.models import AuditAction, AuditEvent
from kring.casework.models import TsiCase
from kring.family.eid.oidc import EID_PROVIDER_ID, EidAdapter
from kring.family.eid.testprovider import EidPerson, TestEidProvider, serve_in_thread
from kring.family.models import FamilyAccount
from kring.people.models import Guardian

pytestmark = pytest.mark.django_db

CLIENT_ID = "kring-family-test"
CLIENT_SECRET = "kring-family-test-secret"  # noqa: S105 (a test provider's credential)
PERSONAL_NUMBER_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"


@pytest.fixture
def provider(settings, guardians: list[Guardian]) -> Iterator[TestEidProvider]:  # type: ignore[no-untyped-def]
    people = [EidPerson(g.identity_number, g.first_name, g.last_name, "vårdnadshavare") for g in guardians]
    people.append(EidPerson("197001019848", "Okänd", "Person", "finns inte i Kring"))
    eid = TestEidProvider(
        issuer="", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        redirect_uri_prefixes=("http://testserver/",), people=people,
    )  # fmt: skip
    server, base_url = serve_in_thread(eid)
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    **app,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {**app["settings"], "server_url": base_url},
                }
            ],
        }
    }
    try:
        yield eid
    finally:
        server.shutdown()
        server.server_close()


def _log_in(client: Client, person: str) -> httpx.Response | object:
    """Start at Kring, choose the person at the provider, come back: Kring's answer to the callback."""
    start = client.post(reverse("family:login"))
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    with httpx.Client(follow_redirects=False, timeout=5) as http:
        page = http.get(authorize)
        request = re.search(r'name="request" value="([^"]+)"', page.text)
        assert request, page.text
        back = http.post(authorize.split("?")[0], data={"request": request.group(1), "person": person})
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["location"])
    return client.get(f"{location.path}?{location.query}")


def test_a_guardian_logs_in_with_e_id_and_sees_the_child(
    client: Client, provider: TestEidProvider, consented_case: TsiCase, guardians: list[Guardian]
) -> None:
    answer = _log_in(client, "p0")
    assert answer.status_code == 302 and answer["Location"] == "/family/"  # type: ignore[attr-defined]
    home = client.get("/family/")
    assert home.status_code == 200
    assert "Alva" in home.content.decode()
    account = FamilyAccount.objects.get()
    assert account.identity_index == guardians[0].identity_index
    assert not account.user.has_usable_password() and not account.user.is_staff
    social = SocialAccount.objects.get()
    assert social.uid == guardians[0].identity_index
    stored = str(social.extra_data)
    assert guardians[0].identity_number not in stored and PERSONAL_NUMBER_CLAIM not in stored
    assert AuditEvent.objects.filter(actor_id=account.user_id, action=AuditAction.LOGIN).exists()
    assert client.get(reverse("casework_case", args=[consented_case.pk])).status_code == 404  # never a staff page


def test_the_second_login_finds_the_same_account(
    client: Client, provider: TestEidProvider, consented_case: TsiCase
) -> None:
    _log_in(client, "p0")
    client.post(reverse("family:logout"))
    assert client.get("/family/").status_code == 302
    _log_in(Client(), "p0")
    assert FamilyAccount.objects.count() == 1 and SocialAccount.objects.count() == 1


def test_a_tampered_id_token_is_refused(client: Client, provider: TestEidProvider, consented_case: TsiCase) -> None:
    provider.tamper_next_token = True
    answer = _log_in(client, "p0")
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert client.get("/family/").status_code == 302
    assert not FamilyAccount.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, target_type="family_login").exists()


def test_someone_kring_does_not_know_is_told_nothing(
    client: Client, provider: TestEidProvider, consented_case: TsiCase
) -> None:
    answer = _log_in(client, "p2")
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert "Alva" not in answer.content.decode()  # type: ignore[attr-defined]
    assert not FamilyAccount.objects.exists() and not SocialAccount.objects.exists()


def test_a_state_that_was_not_sent_is_refused(client: Client, provider: TestEidProvider) -> None:
    client.post(reverse("family:login"))
    answer = client.get(reverse("family:eid_callback"), {"code": "x", "state": "not-ours"})
    assert answer.status_code == 400
    assert not FamilyAccount.objects.exists()


def test_an_id_token_with_another_nonce_is_refused(client: Client, provider: TestEidProvider, rf) -> None:  # type: ignore[no-untyped-def]
    """The nonce binds the ID token to this browser's login (OpenID Connect Core §3.1.3.7, step 11)."""
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = "http://testserver/family/login/callback/"
    with httpx.Client(base_url=provider.issuer, follow_redirects=False, timeout=5) as http:
        page = http.get("/authorize", params={
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect_uri, "scope": "openid",
            "state": "s", "nonce": "the-nonce-of-another-login", "code_challenge": challenge,
            "code_challenge_method": "S256",
        })  # fmt: skip
        request = re.search(r'name="request" value="([^"]+)"', page.text)
        assert request
        back = http.post("/authorize", data={"request": request.group(1), "person": "p0"})
        code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
        token = http.post("/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "code_verifier": verifier,
        }).json()["id_token"]  # fmt: skip
    adapter = EidAdapter(rf.get("/"), EID_PROVIDER_ID)
    app = SocialApp(provider="openid_connect", provider_id=EID_PROVIDER_ID, client_id=CLIENT_ID)
    adapter.expected_nonce = "the-nonce-of-this-login"
    with pytest.raises(OAuth2Error):
        adapter._decode_id_token(app, token)
    adapter.expected_nonce = "the-nonce-of-another-login"
    assert adapter._decode_id_token(app, token)["nonce"] == "the-nonce-of-another-login"


def test_an_e_id_never_opens_a_staff_account(
    client: Client,
    provider: TestEidProvider,
    consented_case: TsiCase,
    guardians: list[Guardian],
    teacher,  # type: ignore[no-untyped-def]
) -> None:
    """Even if an e-ID were linked to a member of staff, the login is refused; staff cannot link one."""
    SocialAccount.objects.create(user=teacher, provider=EID_PROVIDER_ID, uid=guardians[0].identity_index)
    answer = _log_in(client, "p0")
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session
    staff = Client()
    staff.force_login(teacher)
    assert staff.get("/accounts/3rdparty/").status_code == 404
    assert staff.get("/accounts/3rdparty/signup/").status_code == 404


def test_an_e_id_below_the_required_level_of_assurance_is_refused(
    client: Client, provider: TestEidProvider, consented_case: TsiCase
) -> None:
    provider.acr = "http://id.elegnamnden.se/loa/1.0/loa2"
    answer = _log_in(client, "p0")
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert not FamilyAccount.objects.exists()
