"""Staff single sign-on in the browser, against the local identity provider (`kring serve-sso`'s, served by the test):
a principal logs in through OpenID Connect with an assured level (no TOTP asked), through OpenID Connect with a low
level (the TOTP code asked), and through SAML 2.0 matched on the EPPN; a person Kring does not know is refused, with
nothing created and the refusal audited. axe-core finds no WCAG 2.1 AA violation. Screenshots in test-artifacts/
(140–145)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kring.access.auth import current_totp_code
from kring.access.models import AuditAction, AuditEvent
from kring.directory.models import User
from kring.directory.sso.testprovider import EPPN, LOA3, SsoPerson, TestSsoProvider, serve_in_thread
from tests.browser.accessibility import axe_violations
from tests.browser.test_start_page import _no_horizontal_scroll
from tests.conftest import TOTP_SECRET

pytestmark = pytest.mark.browser
CLIENT_ID = "kring-browser-staff"
CLIENT_SECRET = "kring-browser-staff-secret"  # noqa: S105 (a test provider's credential)


@pytest.fixture
def idp(settings, live_server) -> Iterator[TestSsoProvider]:  # type: ignore[no-untyped-def]
    """The local login service on `localhost`, as Kring's live server is: the SAML answer is posted within one site
    (over plain HTTP a cookie cannot be SameSite=None; in production, over HTTPS, it is)."""
    people = [
        SsoPerson("rektor@kommun.example", "Rut", "Rektor", "rut.rektor@ekskolan.example", "rektor"),
        SsoPerson("okand@kommun.example", "Okänd", "Person", "okand@ekskolan.example", "finns inte i Kring"),
    ]
    sp_entity_id = f"{live_server.url}/sso/test-saml/saml/metadata/"
    provider = TestSsoProvider(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri_prefixes=(f"{live_server.url}/",),
        sp_entity_id=sp_entity_id, people=people,
    )  # fmt: skip
    server, _base_url = serve_in_thread(provider, host="localhost")
    settings.KRING_SSO_PROVIDERS = [
        {
            "slug": "test-oidc", "kind": "oidc", "municipality": "9001", "label": "Testkommun (Entra ID)",
            "match_claim": "email", "assured": [LOA3], "server_url": provider.issuer,
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        },
        {
            "slug": "test-saml", "kind": "saml", "municipality": "9001", "label": "Skolfederation",
            "match_claim": EPPN, "match_field": "sso_identifier", "assured": [LOA3],
            "idp_entity_id": provider.saml_entity_id, "idp_sso_url": provider.saml_sso_url,
            "idp_certificate": provider.certificate_pem, "sp_entity_id": sp_entity_id,
        },
    ]  # fmt: skip
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


def _check(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=directory / f"{name}.png", full_page=True)
    _no_horizontal_scroll(page)
    assert axe_violations(page) == [], name


def _start(page: Page, url: str, slug: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.locator(f".sso-options a[href='/sso/{slug}/']").click()
    expect(page.locator("h1")).to_contain_text("Test-inloggning för personal")


def test_a_principal_logs_in_through_oidc_and_saml(
    page: Page, live_server, idp: TestSsoProvider, principal: User, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.set_default_timeout(10_000)
    principal.sso_identifier = "rut.rektor@ekskolan.example"
    principal.save(update_fields=["sso_identifier"])
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#sso-heading")).to_be_visible()
    expect(page.locator(".sso-options a")).to_have_count(2)
    _check(page, screenshot_dir, "140-sso-login-page")

    # OpenID Connect with an assured level: the provider's two factors stand in for Kring's TOTP.
    _start(page, live_server.url, "test-oidc")
    page.screenshot(path=screenshot_dir / "141-sso-test-provider.png", full_page=True)
    page.locator("button[name=person][value=p0]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("[name=code]")).to_have_count(0)
    _check(page, screenshot_dir, "142-sso-logged-in")
    page.locator("form[action$='/accounts/logout/'] button").click()

    # OpenID Connect with a low level: Kring asks for the TOTP code.
    _start(page, live_server.url, "test-oidc")
    page.locator("#acr-1").check()
    page.locator("button[name=person][value=p0]").click()
    expect(page.locator("[name=code]")).to_be_visible()
    _check(page, screenshot_dir, "143-sso-totp-asked")
    page.locator("[name=code]").fill(current_totp_code(TOTP_SECRET))
    page.locator("main button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.locator("form[action$='/accounts/logout/'] button").click()

    # SAML 2.0, matched on the EPPN, the signed answer posted back by the browser.
    _start(page, live_server.url, "test-saml")
    page.locator("button[name=person][value=p0]").click()
    page.locator("#continue").click()
    expect(page).to_have_url(f"{live_server.url}/")

    logins = AuditEvent.objects.filter(action=AuditAction.LOGIN, target_id=str(principal.pk)).order_by("pk")
    assert [(event.details["provider"], event.details["assured"]) for event in logins] == [
        ("test-oidc", True),
        ("test-oidc", False),
        ("test-saml", True),
    ]


def test_a_person_kring_does_not_know_is_refused(
    page: Page, live_server, idp: TestSsoProvider, principal: User, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    page.set_default_timeout(10_000)
    users = User.objects.count()
    _start(page, live_server.url, "test-oidc")
    page.locator("button[name=person][value=p1]").click()
    expect(page.locator("h1")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/sso/test-oidc/oidc/callback/")
    _check(page, screenshot_dir, "144-sso-refused")
    page.locator("main a[href='/accounts/login/']").click()
    expect(page.locator("#sso-heading")).to_be_visible()

    _start(page, live_server.url, "test-saml")
    page.locator("button[name=person][value=p1]").click()
    page.locator("#continue").click()
    expect(page.locator("main a[href='/accounts/login/']")).to_be_visible()
    page.screenshot(path=screenshot_dir / "145-sso-saml-refused.png", full_page=True)

    assert User.objects.count() == users
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, target_type="sso_login").order_by("pk")
    assert [(event.details["provider"], event.details["reason"]) for event in failures] == [
        ("test-oidc", "unknown_subject"),
        ("test-saml", "unknown_subject"),
    ]
