"""Staff single sign-on through Kring against the local identity provider (`kring serve-sso`'s, served by the test):
an OpenID Connect and a SAML 2.0 login, the claim mapped to an existing staff account of the provider's municipality,
and every refusal audited with nothing created."""

from __future__ import annotations

import base64
import copy
import html
import re
from collections.abc import Iterator
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from lxml import etree

from kring.access.auth import MFA_CHECKED_SESSION_KEY
from kring.access.models import AuditAction, AuditEvent
from kring.directory.management.commands.serve_sso import UNKNOWN as UNKNOWN_PERSON
from kring.directory.management.commands.serve_sso import people_from_database
from kring.directory.models import User
from kring.directory.sso.config import DEV_CERTIFICATE, parse_provider
from kring.directory.sso.login import match_staff
from kring.directory.sso.saml import DS, SAML
from kring.directory.sso.testprovider import (
    EPPN,
    LOA3,
    SsoPerson,
    TestSsoProvider,
    dev_signing_key,
    serve_in_thread,
)
from kring.directory.sso.views import SAML_COOKIE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLIENT_ID = "kring-staff-test"
CLIENT_SECRET = "kring-staff-test-secret"  # noqa: S105 (a test provider's credential)
SP_ENTITY_ID = "http://testserver/sso/test-saml/saml/metadata/"
PRINCIPAL, UNKNOWN, OUTSIDER, FAMILY = "p0", "p1", "p2", "p3"
FAMILY_EMAIL = "abc@family.kring.invalid"


@pytest.fixture
def idp(settings) -> Iterator[TestSsoProvider]:  # type: ignore[no-untyped-def]
    people = [
        SsoPerson("rektor@kommun.example", "Rut", "Rektor", "rut.rektor@ekskolan.example", "rektor"),
        SsoPerson("okand@kommun.example", "Okänd", "Person", "okand@ekskolan.example", "finns inte i Kring"),
        SsoPerson("rektor@annanstad.example", "Anna", "Annansson", "anna@annanstad.example", "annan kommun"),
        SsoPerson(FAMILY_EMAIL, "Fam", "Ilj", "", "ett familjekonto"),
    ]
    provider = TestSsoProvider(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri_prefixes=("http://testserver/",),
        sp_entity_id=SP_ENTITY_ID, people=people,
    )  # fmt: skip
    server, _base_url = serve_in_thread(provider)
    settings.KRING_SSO_PROVIDERS = [
        {
            "slug": "test-oidc", "kind": "oidc", "municipality": "9001", "label": "Testkommun (OIDC)",
            "match_claim": "email", "assured": [LOA3], "server_url": provider.issuer,
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        },
        {
            "slug": "test-saml", "kind": "saml", "municipality": "9001", "label": "Testkommun (SAML)",
            "match_claim": EPPN, "match_field": "sso_identifier", "assured": [LOA3],
            "idp_entity_id": provider.saml_entity_id, "idp_sso_url": provider.saml_sso_url,
            "idp_certificate": provider.certificate_pem, "sp_entity_id": SP_ENTITY_ID,
        },
    ]  # fmt: skip
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def principal_sso(principal: User) -> User:
    principal.sso_identifier = "rut.rektor@ekskolan.example"
    principal.save(update_fields=["sso_identifier"])
    return principal


def _choose(idp: TestSsoProvider, location: str, person: str, acr: str) -> httpx.Response:
    with httpx.Client(follow_redirects=False, timeout=5) as http:
        page = http.get(location)
        handle = re.search(r'name="handle" value="([^"]+)"', page.text)
        assert handle, page.text
        return http.post(f"{idp.issuer}/choose", data={"handle": handle.group(1), "person": person, "acr": acr})


def _oidc_callback_url(client: Client, idp: TestSsoProvider, person: str, acr: str = LOA3) -> str:
    start = client.get(reverse("sso:start", args=["test-oidc"]))
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    back = _choose(idp, start["Location"], person, acr)
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["location"])
    return f"{location.path}?{location.query}"


def _oidc_login(client: Client, idp: TestSsoProvider, person: str, acr: str = LOA3) -> HttpResponse:
    return client.get(_oidc_callback_url(client, idp, person, acr))  # type: ignore[return-value]


def _saml_answer(client: Client, idp: TestSsoProvider, person: str, acr: str = LOA3) -> tuple[str, dict[str, str]]:
    start = client.get(reverse("sso:start", args=["test-saml"]))
    assert start.status_code == 302 and SAML_COOKIE in start.cookies
    page = _choose(idp, start["Location"], person, acr)
    assert page.status_code == 200, page.text
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    fields = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', page.text))
    return urlsplit(action).path, fields


def _saml_login(client: Client, idp: TestSsoProvider, person: str, acr: str = LOA3) -> HttpResponse:
    path, fields = _saml_answer(client, idp, person, acr)
    return client.post(path, fields)  # type: ignore[return-value]


def _logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def _last_failure() -> AuditEvent:
    return AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, target_type="sso_login").latest("pk")


# --- OpenID Connect ---------------------------------------------------------------------------------------------


def test_oidc_login_with_assured_level_needs_no_totp(client: Client, idp: TestSsoProvider, principal: User) -> None:
    response = _oidc_login(client, idp, PRINCIPAL)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _logged_in_as(client) == principal.pk
    assert client.session[MFA_CHECKED_SESSION_KEY] is True
    assert client.get(reverse("home")).status_code == 200
    login = AuditEvent.objects.filter(action=AuditAction.LOGIN, target_id=str(principal.pk)).latest("pk")
    assert login.details == {"method": "sso", "provider": "test-oidc", "assurance": [LOA3], "assured": True}


def test_oidc_login_without_assured_level_asks_for_totp(client: Client, idp: TestSsoProvider, principal: User) -> None:
    response = _oidc_login(client, idp, PRINCIPAL, acr="")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert _logged_in_as(client) is None  # not until the code is given
    assert MFA_CHECKED_SESSION_KEY not in client.session


def test_oidc_login_without_assurance_and_without_totp_must_set_it_up(
    client: Client, idp: TestSsoProvider, principal: User
) -> None:
    principal.authenticator_set.all().delete()
    response = _oidc_login(client, idp, PRINCIPAL, acr="")
    assert _logged_in_as(client) == principal.pk and response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_oidc_unknown_subject_is_refused_and_nothing_created(client: Client, idp: TestSsoProvider, principal) -> None:  # type: ignore[no-untyped-def]
    users = User.objects.count()
    response = _oidc_login(client, idp, UNKNOWN)
    assert response.status_code == 403
    assert _logged_in_as(client) is None and User.objects.count() == users
    failure = _last_failure()
    assert failure.details["reason"] == "unknown_subject" and failure.actor_label == "okand@kommun.example"
    assert "okand" not in response.content.decode()  # the page does not say who or why


def test_oidc_user_of_another_municipality_is_refused(client: Client, idp: TestSsoProvider, outsider: User) -> None:
    assert _oidc_login(client, idp, OUTSIDER).status_code == 403
    assert _logged_in_as(client) is None
    assert _last_failure().details["reason"] == "wrong_municipality"


def test_oidc_inactive_user_is_refused(client: Client, idp: TestSsoProvider, principal: User) -> None:
    User.objects.filter(pk=principal.pk).update(is_active=False)
    assert _oidc_login(client, idp, PRINCIPAL).status_code == 403
    assert _last_failure().details["reason"] == "inactive"


def test_oidc_family_account_never_logs_in_as_staff(client: Client, idp: TestSsoProvider, world) -> None:  # type: ignore[no-untyped-def]
    UserFactory(email=FAMILY_EMAIL, municipality=None)
    assert _oidc_login(client, idp, FAMILY).status_code == 403
    assert _last_failure().details["reason"] == "wrong_municipality"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ("tampered", "InvalidSignatureError"),
        ("unsigned", "not signed with an accepted algorithm"),
        ("wrong_audience", "InvalidAudienceError"),
        ("expired", "ExpiredSignatureError"),
    ],
)
def test_oidc_spoiled_id_token_is_refused(
    client: Client, idp: TestSsoProvider, principal: User, change: str, error: str
) -> None:
    idp.next_response = change
    assert _oidc_login(client, idp, PRINCIPAL).status_code == 403
    assert _logged_in_as(client) is None
    failure = _last_failure()
    assert failure.details["reason"] == "invalid_token" and error in failure.details["error"]


def test_oidc_callback_replayed_is_refused(client: Client, idp: TestSsoProvider, principal: User) -> None:
    callback = _oidc_callback_url(client, idp, PRINCIPAL)
    assert client.get(callback).status_code == 302
    client.logout()
    assert client.get(callback).status_code == 403
    assert _last_failure().details["reason"] == "no_login_in_progress"


def test_oidc_callback_with_another_state_is_refused(client: Client, idp: TestSsoProvider, principal: User) -> None:
    callback = _oidc_callback_url(client, idp, PRINCIPAL)
    spoiled = re.sub(r"state=[^&]+", "state=someone-elses", callback)
    assert client.get(spoiled).status_code == 403
    assert _last_failure().details["reason"] == "wrong_state"


def test_oidc_callback_from_another_browser_is_refused(client: Client, idp: TestSsoProvider, principal: User) -> None:
    callback = _oidc_callback_url(client, idp, PRINCIPAL)
    other = Client()
    assert other.get(callback).status_code == 403
    assert _logged_in_as(other) is None


# --- SAML 2.0 ---------------------------------------------------------------------------------------------------


def test_saml_login_matched_on_eppn(client: Client, idp: TestSsoProvider, principal_sso: User) -> None:
    response = _saml_login(client, idp, PRINCIPAL)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _logged_in_as(client) == principal_sso.pk and client.session[MFA_CHECKED_SESSION_KEY] is True
    login = AuditEvent.objects.filter(action=AuditAction.LOGIN, target_id=str(principal_sso.pk)).latest("pk")
    assert login.details["provider"] == "test-saml" and login.details["assured"] is True
    assert response.cookies[SAML_COOKIE].value == ""  # the login in progress is forgotten


def test_saml_login_with_password_only_context_asks_for_totp(
    client: Client, idp: TestSsoProvider, principal_sso: User
) -> None:
    response = _saml_login(client, idp, PRINCIPAL, acr="")
    assert response["Location"] == reverse("mfa_authenticate") and _logged_in_as(client) is None


def test_saml_e_mail_is_not_enough_when_the_provider_matches_on_eppn(
    client: Client, idp: TestSsoProvider, principal: User
) -> None:
    assert _saml_login(client, idp, PRINCIPAL).status_code == 403  # the principal has no EPPN recorded
    assert _last_failure().details["reason"] == "unknown_subject"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("tampered", "bad_signature"),
        ("unsigned", "bad_signature"),
        ("foreign_key", "bad_signature"),
        ("wrong_audience", "wrong_audience"),
        ("expired", "expired"),
    ],
)
def test_saml_spoiled_response_is_refused(
    client: Client, idp: TestSsoProvider, principal_sso: User, change: str, reason: str
) -> None:
    idp.next_response = change
    assert _saml_login(client, idp, PRINCIPAL).status_code == 403
    assert _logged_in_as(client) is None
    assert _last_failure().details["reason"] == reason


def test_saml_response_replayed_is_refused(client: Client, idp: TestSsoProvider, principal_sso: User) -> None:
    path, fields = _saml_answer(client, idp, PRINCIPAL)
    cookie = client.cookies[SAML_COOKIE].value
    assert client.post(path, fields).status_code == 302
    client.logout()
    client.cookies[SAML_COOKIE] = cookie  # even with the request's cookie kept
    client.cookies[SAML_COOKIE]["path"] = "/sso/"
    assert client.post(path, fields).status_code == 403
    assert _last_failure().details["reason"] == "replay"


def test_saml_response_without_a_login_in_progress_is_refused(
    client: Client, idp: TestSsoProvider, principal_sso: User
) -> None:
    path, fields = _saml_answer(client, idp, PRINCIPAL)
    assert Client().post(path, fields).status_code == 403  # another browser: no request of its own
    assert _last_failure().details["reason"] == "no_login_in_progress"


def test_saml_response_to_another_request_is_refused(client: Client, idp: TestSsoProvider, principal_sso: User) -> None:
    path, fields = _saml_answer(client, idp, PRINCIPAL)
    client.get(reverse("sso:start", args=["test-saml"]))  # a newer login replaces the cookie
    assert client.post(path, fields).status_code == 403
    assert _last_failure().details["reason"] == "not_in_response"


def test_saml_metadata_names_the_consumer_url(client: Client, idp: TestSsoProvider) -> None:
    body = client.get(reverse("sso:saml_metadata", args=["test-saml"])).content.decode()
    assert 'WantAssertionsSigned="true"' in body and "http://testserver/sso/test-saml/saml/acs/" in body
    assert client.get(reverse("sso:saml_metadata", args=["test-oidc"])).status_code == 404
    assert client.get(reverse("sso:start", args=["no-such-provider"])).status_code == 404


# --- the login page, sessions, matching, configuration ------------------------------------------------------------


def test_login_page_offers_the_configured_providers(client: Client, idp: TestSsoProvider) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert 'href="/sso/test-oidc/"' in page and 'href="/sso/test-saml/"' in page
    assert "Testkommun (OIDC)" in page and 'aria-labelledby="sso-heading"' in page


def test_login_page_without_providers_has_no_buttons(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KRING_SSO_PROVIDERS = []
    assert "sso-heading" not in client.get(reverse("account_login")).content.decode()


def test_staff_single_sign_on_is_no_family_session(client: Client, idp: TestSsoProvider, principal: User) -> None:
    _oidc_login(client, idp, PRINCIPAL)
    assert client.get(reverse("family:home")).status_code == 404


def test_match_staff_is_case_insensitive_on_e_mail_and_refuses_ambiguity(idp: TestSsoProvider, principal: User) -> None:
    provider = parse_provider(idp_settings(idp)[0])
    assert match_staff(provider, "REKTOR@Kommun.example") == (principal, "")
    assert match_staff(provider, " ") == (None, "no_identifier")


def idp_settings(idp: TestSsoProvider) -> list[dict[str, object]]:
    from django.conf import settings

    return list(settings.KRING_SSO_PROVIDERS)


@pytest.mark.parametrize(
    ("change", "hint"),
    [
        ({"kind": "cas"}, "kind"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"match_field": "phone"}, "match_field"),
        ({"client_secret": ""}, "client_secret"),
        ({"colour": "blue"}, "unknown"),
    ],
)
def test_configuration_mistakes_fail_loudly(idp: TestSsoProvider, change: dict[str, str], hint: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=hint):
        parse_provider({**idp_settings(idp)[0], **change})


def test_development_provider_is_trusted_through_its_fixed_key_only_in_debug(
    client: Client,
    settings,
    principal_sso: User,  # type: ignore[no-untyped-def]
) -> None:
    dev = TestSsoProvider(
        redirect_uri_prefixes=("http://testserver/",), sp_entity_id=SP_ENTITY_ID, saml_key=dev_signing_key(),
        people=[SsoPerson("rektor@kommun.example", "Rut", "Rektor", "rut.rektor@ekskolan.example")],
    )  # fmt: skip
    server, _base_url = serve_in_thread(dev)
    config = {
        "slug": "test-saml", "kind": "saml", "municipality": "9001", "label": "Dev", "match_claim": EPPN,
        "match_field": "sso_identifier", "assured": [LOA3], "idp_entity_id": dev.saml_entity_id,
        "idp_sso_url": dev.saml_sso_url, "idp_certificate": DEV_CERTIFICATE, "sp_entity_id": SP_ENTITY_ID,
    }  # fmt: skip
    try:
        settings.DEBUG = False
        with pytest.raises(ImproperlyConfigured):
            parse_provider(config)
        settings.DEBUG = True
        settings.KRING_SSO_PROVIDERS = [config]
        assert _saml_login(client, dev, "p0")["Location"] == reverse("home")
        assert _logged_in_as(client) == principal_sso.pk
    finally:
        server.shutdown()
        server.server_close()


def test_serve_sso_offers_the_active_staff_of_the_municipality(principal: User, outsider: User) -> None:
    people = people_from_database("9001")
    assert [person.email for person in people] == [principal.email, UNKNOWN_PERSON.email]


def test_serve_sso_refuses_without_debug() -> None:
    with pytest.raises(CommandError, match="KRING_DEBUG=true"):
        call_command("serve_sso", stdout=StringIO())


def test_login_page_queries_stay_few_with_providers(
    client: Client,
    idp: TestSsoProvider,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    with django_assert_max_num_queries(3):  # the session and the submit token, whatever the number of providers
        assert client.get(reverse("account_login")).status_code == 200


def test_saml_signature_wrapping_is_refused(
    client: Client, idp: TestSsoProvider, principal_sso: User, teacher: User
) -> None:
    """An attacker keeps the signed assertion of their own login inside one of their making about someone else."""
    teacher.sso_identifier = "larare@ekskolan.example"
    teacher.save(update_fields=["sso_identifier"])
    path, fields = _saml_answer(client, idp, PRINCIPAL)
    response = etree.fromstring(base64.b64decode(fields["SAMLResponse"]))
    signed = response.find(f"{{{SAML}}}Assertion")
    evil = copy.deepcopy(signed)
    evil.set("ID", "_evil")
    for value in evil.iter(f"{{{SAML}}}AttributeValue"):
        value.text = teacher.sso_identifier
    evil.remove(evil.find(f"{{{DS}}}Signature"))
    signature = signed.find(f"{{{DS}}}Signature")
    signed.remove(signature)
    evil.insert(1, signature)  # the signature (of the original) where the evil assertion's would be
    advice = etree.SubElement(evil, f"{{{SAML}}}Advice")
    advice.append(signed)
    response.append(evil)
    fields["SAMLResponse"] = base64.b64encode(etree.tostring(response)).decode("ascii")

    assert client.post(path, fields).status_code == 403
    assert _logged_in_as(client) is None
    assert _last_failure().details["reason"] == "bad_signature"


def test_an_integrations_system_user_never_signs_in(idp: TestSsoProvider, principal: User) -> None:
    provider = parse_provider(idp_settings(idp)[0])
    User.objects.filter(pk=principal.pk).update(is_system=True)
    assert match_staff(provider, principal.email) == (None, "unknown_subject")
