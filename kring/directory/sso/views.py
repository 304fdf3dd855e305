"""The pages of staff single sign-on: start a login at a provider, and receive its answer."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kring.access.oidc import new_code_verifier, new_nonce
from kring.directory.sso import oidc, saml
from kring.directory.sso.config import SsoProvider, get_provider
from kring.directory.sso.login import refuse, sign_in

PENDING_SESSION_KEY = "kring_sso_pending"  # the OpenID Connect login in progress: state, nonce, PKCE verifier
SAML_COOKIE = "kring_sso_saml"  # the SAML login in progress: its request ID (the answer is a cross-site POST)
SAML_COOKIE_SALT = "kring.directory.sso.saml"
PENDING_SECONDS = 600


def _provider(slug: str, kind: str | None = None) -> SsoProvider:
    provider = get_provider(slug)
    if provider is None or (kind is not None and provider.kind != kind):
        raise Http404
    return provider


def _next_url(request: HttpRequest, value: str) -> str:
    allowed = url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure())
    return value if value and allowed else ""


def _absolute(request: HttpRequest, name: str, slug: str) -> str:
    return request.build_absolute_uri(reverse(name, args=[slug]))


@require_GET
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the browser to the provider (a link on the login page)."""
    provider = _provider(slug)
    if request.user.is_authenticated:
        return redirect("home")
    next_url = _next_url(request, request.GET.get("next", ""))
    if provider.kind == "oidc":
        return _start_oidc(request, provider, next_url)
    request_id = saml.new_request_id()
    acs_url = _absolute(request, "sso:saml_acs", provider.slug)
    response = redirect(saml.redirect_url(provider, request_id=request_id, acs_url=acs_url, relay_state=""))
    value = signing.dumps({"slug": provider.slug, "id": request_id, "next": next_url}, salt=SAML_COOKIE_SALT)
    response.set_cookie(
        SAML_COOKIE,
        value,
        max_age=PENDING_SECONDS,
        path="/sso/",
        secure=request.is_secure(),
        httponly=True,
        samesite="None" if request.is_secure() else "Lax",  # the answer comes as a POST from the provider's site
    )
    return response


def _start_oidc(request: HttpRequest, provider: SsoProvider, next_url: str) -> HttpResponse:
    try:
        metadata = oidc.discover(provider)
    except oidc.OidcError as error:
        return refuse(request, provider, reason=error.reason, error=str(error))
    state, nonce, verifier = new_nonce(), new_nonce(), new_code_verifier()
    request.session[PENDING_SESSION_KEY] = {
        "slug": provider.slug,
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "started": timezone.now().timestamp(),
    }
    url = oidc.authorization_url(
        provider,
        metadata,
        redirect_uri=_absolute(request, "sso:oidc_callback", provider.slug),
        state=state,
        nonce=nonce,
        verifier=verifier,
    )
    return redirect(url)


@require_GET
def oidc_callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider(slug, "oidc")
    pending: dict[str, Any] = request.session.pop(PENDING_SESSION_KEY, None) or {}  # single use
    fresh = timezone.now().timestamp() - float(pending.get("started", 0)) < PENDING_SECONDS
    if pending.get("slug") != provider.slug or not fresh:
        return refuse(request, provider, reason="no_login_in_progress")
    if request.GET.get("error") or not request.GET.get("code"):
        return refuse(request, provider, reason="provider_error", error=request.GET.get("error", "")[:100])
    if not constant_time_compare(request.GET.get("state", ""), pending["state"]):
        return refuse(request, provider, reason="wrong_state")
    try:
        metadata = oidc.discover(provider)
        claims = oidc.redeem(
            provider,
            metadata,
            code=request.GET["code"],
            redirect_uri=_absolute(request, "sso:oidc_callback", provider.slug),
            verifier=pending["verifier"],
            nonce=pending["nonce"],
        )
    except oidc.OidcError as error:
        cause = type(error.__cause__.__cause__ or error.__cause__).__name__ if error.__cause__ else ""
        return refuse(request, provider, reason=error.reason, error=f"{error} {cause}".strip())
    identifier = claims.get(provider.match_claim)
    assurance = claims.get(provider.assurance_claim) if provider.assurance_claim else None
    values = [str(value) for value in assurance] if isinstance(assurance, list) else [str(assurance or "")]
    return sign_in(
        request,
        provider,
        identifier=str(identifier) if isinstance(identifier, str) else "",
        assurance=values,
        next_url=str(pending.get("next") or ""),
    )


@csrf_exempt  # posted by the identity provider's page; the signed assertion and the cookie's request ID protect it
@require_POST
def saml_acs(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _provider(slug, "saml")
    try:
        pending = signing.loads(request.COOKIES.get(SAML_COOKIE, ""), salt=SAML_COOKIE_SALT, max_age=PENDING_SECONDS)
    except signing.BadSignature:
        pending = {}
    response: HttpResponse
    if pending.get("slug") != provider.slug:
        response = refuse(request, provider, reason="no_login_in_progress")
    else:
        response = _saml_login(request, provider, pending)
    response.delete_cookie(SAML_COOKIE, path="/sso/", samesite="None" if request.is_secure() else "Lax")
    return response


def _saml_login(request: HttpRequest, provider: SsoProvider, pending: dict[str, Any]) -> HttpResponse:
    try:
        login = saml.read_response(
            provider,
            request.POST.get("SAMLResponse", ""),
            acs_url=_absolute(request, "sso:saml_acs", provider.slug),
            expected_request_id=str(pending.get("id") or ""),
            now=timezone.now(),
        )
    except saml.SamlError as error:
        return refuse(request, provider, reason=error.reason, error=str(error))
    values = login.attributes.get(provider.match_claim, [])
    if len(set(values)) > 1:
        return refuse(request, provider, reason="ambiguous", identifier=values[0])
    if provider.assurance_claim:
        assurance = login.attributes.get(provider.assurance_claim, [])
    else:
        assurance = [login.authn_context]
    return sign_in(
        request,
        provider,
        identifier=values[0] if values else "",
        assurance=assurance,
        next_url=str(pending.get("next") or ""),
    )


@require_GET
def saml_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    """Kring's service provider metadata for this provider (public, as every SAML metadata is)."""
    provider = _provider(slug, "saml")
    body = saml.sp_metadata(provider, acs_url=_absolute(request, "sso:saml_acs", provider.slug))
    return HttpResponse(body, content_type="application/samlmetadata+xml")
