"""The service provider's half of SAML 2.0 Web Browser SSO: an AuthnRequest sent by HTTP-Redirect, a Response
received by HTTP-POST, strictly checked.

The Assertion must be signed with the certificate configured for the provider (a signed Response alone is not
enough; an encrypted assertion is not supported). Only what the signature covers is read (signxml returns it), so a
second, unsigned assertion wrapped around a signed one is never looked at. The assertion's issuer must be the
provider, its audience Kring, its bearer confirmation addressed to this login's consumer URL, in answer to this
browser's request (InResponseTo, from a signed cookie set when the login started), and within its time limits. A
used assertion is remembered until it expires, so it cannot be posted twice."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
import zlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.utils import timezone
from lxml import etree
from signxml import InvalidInput, InvalidSignature, SignatureConfiguration, XMLVerifier  # type: ignore[attr-defined]
from signxml.algorithms import DigestAlgorithm, SignatureMethod

from kring.directory.sso.config import SsoProvider

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
MAX_RESPONSE_BYTES = 256 * 1024
CLOCK_SKEW = dt.timedelta(seconds=60)
_SIGNATURE_CONFIG = SignatureConfiguration(
    require_x509=True,
    location="./",  # the Signature is a child of the Assertion
    expect_references=1,
    signature_methods=frozenset(
        {
            SignatureMethod.RSA_SHA256,
            SignatureMethod.RSA_SHA384,
            SignatureMethod.RSA_SHA512,
            SignatureMethod.ECDSA_SHA256,
        }
    ),
    digest_algorithms=frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}),
)


class SamlError(Exception):
    """The response is refused; `reason` goes to the audit log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SamlLogin:
    attributes: dict[str, list[str]]  # by Name (and by FriendlyName)
    authn_context: str
    assertion_id: str


def new_request_id() -> str:
    return "_" + secrets.token_hex(20)  # an xs:ID must not start with a digit


def redirect_url(provider: SsoProvider, *, request_id: str, acs_url: str, relay_state: str) -> str:
    """The provider's SSO URL with a deflated AuthnRequest (HTTP-Redirect binding, unsigned)."""
    root = etree.Element(
        f"{{{SAMLP}}}AuthnRequest",
        nsmap={"samlp": SAMLP, "saml": SAML},
        ID=request_id,
        Version="2.0",
        IssueInstant=_instant(timezone.now()),
        Destination=provider.idp_sso_url,
        AssertionConsumerServiceURL=acs_url,
        ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
    )
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = provider.sp_entity_id
    if provider.authn_context:
        requested = etree.SubElement(root, f"{{{SAMLP}}}RequestedAuthnContext", Comparison="minimum")
        for value in provider.authn_context:
            etree.SubElement(requested, f"{{{SAML}}}AuthnContextClassRef").text = value
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = deflater.compress(etree.tostring(root)) + deflater.flush()
    query = urlencode({"SAMLRequest": base64.b64encode(deflated).decode("ascii"), "RelayState": relay_state})
    separator = "&" if "?" in provider.idp_sso_url else "?"
    return f"{provider.idp_sso_url}{separator}{query}"


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_instant(value: str | None) -> dt.datetime:
    if not value:
        raise SamlError("invalid_assertion", "A time limit is missing.")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise SamlError("invalid_assertion", "A time limit is not a time.") from error
    if moment.tzinfo is None:
        raise SamlError("invalid_assertion", "A time limit has no time zone.")
    return moment


def _parse(encoded: str) -> etree._Element:
    try:
        xml = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SamlError("malformed", "SAMLResponse is not base64.") from error
    if not xml or len(xml) > MAX_RESPONSE_BYTES or b"<!DOCTYPE" in xml.upper():
        raise SamlError("malformed", "SAMLResponse is empty, too large or has a DOCTYPE.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as error:
        raise SamlError("malformed", "SAMLResponse is not XML.") from error


def _verified_assertion(response: etree._Element, certificate: str) -> etree._Element:
    assertions = response.findall(f"{{{SAML}}}Assertion")
    if response.findall(f"{{{SAML}}}EncryptedAssertion") or len(assertions) != 1:
        raise SamlError("invalid_assertion", "The response must hold exactly one plain assertion.")
    standalone = etree.fromstring(etree.tostring(assertions[0]))
    try:
        result = XMLVerifier().verify(standalone, x509_cert=certificate, expect_config=_SIGNATURE_CONFIG)
    except (InvalidSignature, InvalidInput) as error:
        raise SamlError("bad_signature", f"The assertion's signature does not hold: {error}") from error
    signed = result.signed_xml  # type: ignore[union-attr]
    if signed is None or signed.tag != f"{{{SAML}}}Assertion" or signed.get("ID") != standalone.get("ID"):
        raise SamlError("bad_signature", "The signature does not cover the assertion itself.")  # no wrapping
    return signed


def read_response(
    provider: SsoProvider, encoded: str, *, acs_url: str, expected_request_id: str, now: dt.datetime
) -> SamlLogin:
    """The checked login of a posted SAMLResponse, or SamlError."""
    response = _parse(encoded)
    if response.tag != f"{{{SAMLP}}}Response":
        raise SamlError("malformed", "Not a SAML Response.")
    status = response.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    if status is None or status.get("Value") != SUCCESS:
        raise SamlError("provider_error", "The identity provider did not log the person in.")
    if response.get("Destination") not in (None, acs_url):
        raise SamlError("wrong_recipient", "The response was sent to another address.")
    assertion = _verified_assertion(response, provider.idp_certificate)
    if (assertion.findtext(f"{{{SAML}}}Issuer") or "").strip() != provider.idp_entity_id:
        raise SamlError("wrong_issuer", "The assertion is from another identity provider.")
    _check_conditions(assertion, provider, now)
    _check_subject(assertion, acs_url=acs_url, expected_request_id=expected_request_id, now=now)
    assertion_id = assertion.get("ID") or ""
    not_on_or_after = _parse_instant(assertion.find(f"{{{SAML}}}Conditions").get("NotOnOrAfter"))  # type: ignore[union-attr]
    remember = max(1, int((not_on_or_after - now + CLOCK_SKEW).total_seconds()))
    if not assertion_id or not cache.add(f"kring-sso-assertion:{provider.slug}:{assertion_id}", 1, remember):
        raise SamlError("replay", "This assertion was already used.")
    return SamlLogin(
        attributes=_attributes(assertion),
        authn_context=(assertion.findtext(f".//{{{SAML}}}AuthnContextClassRef") or "").strip(),
        assertion_id=assertion_id,
    )


def _check_conditions(assertion: etree._Element, provider: SsoProvider, now: dt.datetime) -> None:
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    if conditions is None:
        raise SamlError("invalid_assertion", "The assertion has no conditions.")
    if conditions.get("NotBefore") and now + CLOCK_SKEW < _parse_instant(conditions.get("NotBefore")):
        raise SamlError("not_yet_valid", "The assertion is not valid yet.")
    if now - CLOCK_SKEW >= _parse_instant(conditions.get("NotOnOrAfter")):
        raise SamlError("expired", "The assertion has expired.")
    audiences = [
        (element.text or "").strip()
        for element in conditions.findall(f"{{{SAML}}}AudienceRestriction/{{{SAML}}}Audience")
    ]
    if provider.sp_entity_id not in audiences:
        raise SamlError("wrong_audience", "The assertion is meant for another service.")


def _check_subject(assertion: etree._Element, *, acs_url: str, expected_request_id: str, now: dt.datetime) -> None:
    confirmations = assertion.findall(f"{{{SAML}}}Subject/{{{SAML}}}SubjectConfirmation[@Method='{BEARER}']")
    for confirmation in confirmations:
        data = confirmation.find(f"{{{SAML}}}SubjectConfirmationData")
        if data is None:
            continue
        if data.get("Recipient") != acs_url:
            raise SamlError("wrong_recipient", "The assertion is addressed to another consumer URL.")
        if now - CLOCK_SKEW >= _parse_instant(data.get("NotOnOrAfter")):
            raise SamlError("expired", "The assertion's confirmation has expired.")
        answered = data.get("InResponseTo") or ""
        if not expected_request_id or not secrets.compare_digest(answered, expected_request_id):
            raise SamlError("not_in_response", "The assertion does not answer this browser's login.")
        return
    raise SamlError("invalid_assertion", "The assertion has no bearer confirmation.")


def _attributes(assertion: etree._Element) -> dict[str, list[str]]:
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.findall(f"{{{SAML}}}AttributeStatement/{{{SAML}}}Attribute"):
        values = [(value.text or "").strip() for value in attribute.findall(f"{{{SAML}}}AttributeValue")]
        for name in {attribute.get("Name"), attribute.get("FriendlyName")} - {None, ""}:
            attributes.setdefault(str(name), []).extend(values)
    return attributes


def sp_metadata(provider: SsoProvider, *, acs_url: str) -> bytes:
    """Kring's metadata for this provider, to be registered with the federation or the identity provider."""
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    root = etree.Element(f"{{{md}}}EntityDescriptor", nsmap={"md": md}, entityID=provider.sp_entity_id)
    descriptor = etree.SubElement(
        root,
        f"{{{md}}}SPSSODescriptor",
        AuthnRequestsSigned="false",
        WantAssertionsSigned="true",
        protocolSupportEnumeration=SAMLP,
    )
    etree.SubElement(
        descriptor,
        f"{{{md}}}AssertionConsumerService",
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
        Location=acs_url,
        index="0",
        isDefault="true",
    )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
