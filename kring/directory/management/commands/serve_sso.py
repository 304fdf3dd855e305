"""`kring serve-sso`: a local stand-in for a municipality's staff login service (development only), serving both an
OpenID Connect provider and a SAML 2.0 identity provider, offering the active staff of a municipality as test
persons, so that single sign-on works on a machine without internet. See `kring.directory.sso.testprovider`.

With KRING_DEBUG and no KRING_SSO_CONFIG, Kring's settings already point two providers at it (`dev-oidc` and
`dev-saml`, for the demo municipality)."""

from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kring.directory.models import User
from kring.directory.sso.testprovider import SsoPerson, TestSsoProvider, dev_signing_key, make_provider_server

DEFAULT_PORT = 8767
DEMO_MUNICIPALITY_CODE = "9980"  # kring.demo.names.MUNICIPALITY_CODE (directory may not import the demo)
DEV_CLIENT_ID = "kring-staff-dev"
DEV_CLIENT_SECRET = "kring-staff-dev-secret"  # noqa: S105 (a fixed credential of a development server on localhost)
DEV_SP_ENTITY_ID = "http://127.0.0.1:8000/sso/dev-saml/saml/metadata/"
REDIRECT_URI_PREFIXES = ("http://127.0.0.1:", "http://localhost:")
STAFF_LIMIT = 40
UNKNOWN = SsoPerson("okand.person@example.invalid", "Okänd", "Person", "okand@example.invalid", "finns inte i Kring")


def people_from_database(municipality: str) -> list[SsoPerson]:
    """The active staff of the municipality (their e-mail; their single sign-on identifier or else the e-mail as
    EPPN), and one person Kring does not know, to see a refusal."""
    staff = User.objects.filter(municipality__code=municipality, is_active=True).order_by("pk")[:STAFF_LIMIT]
    people = [
        SsoPerson(user.email, user.first_name, user.last_name, user.sso_identifier or user.email) for user in staff
    ]
    return [*people, UNKNOWN]


def make_provider(municipality: str, *, client_id: str, client_secret: str, sp_entity_id: str) -> TestSsoProvider:
    return TestSsoProvider(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri_prefixes=REDIRECT_URI_PREFIXES,
        sp_entity_id=sp_entity_id,
        people=people_from_database(municipality),
        saml_key=dev_signing_key(),
    )


def serve_in_background(municipality: str, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> str | None:
    """The provider in a daemon thread beside the development server (`kring demo`): its URL, or None when the port
    is taken (another `kring serve-sso`)."""
    provider = make_provider(
        municipality, client_id=DEV_CLIENT_ID, client_secret=DEV_CLIENT_SECRET, sp_entity_id=DEV_SP_ENTITY_ID
    )
    try:
        server = make_provider_server(provider, host, port)
    except OSError:
        return None
    threading.Thread(target=server.serve_forever, name="kring-sso", daemon=True).start()
    return provider.issuer


class Command(BaseCommand):
    help = (
        "Serve a local stand-in for a municipality's staff login service (OpenID Connect and SAML 2.0) on this "
        "machine until Ctrl-C, offering the municipality's active staff as test persons. Only with KRING_DEBUG=true."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--municipality", default=DEMO_MUNICIPALITY_CODE, help="municipality code (default: demo)")
        parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
        parser.add_argument("--client-id", default=DEV_CLIENT_ID, help=f"OIDC client id (default {DEV_CLIENT_ID})")
        parser.add_argument("--client-secret", default=DEV_CLIENT_SECRET, help="OIDC client secret")
        parser.add_argument("--sp-entity-id", default=DEV_SP_ENTITY_ID, help="Kring's SAML entity id")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "kring serve-sso lets anyone log in as any member of staff without a password, so it only runs in "
                "development (KRING_DEBUG=true)."
            )
        provider = make_provider(
            options["municipality"],
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            sp_entity_id=options["sp_entity_id"],
        )
        try:
            server = make_provider_server(provider, options["host"], options["port"])
        except OSError as error:
            raise CommandError(f"Cannot listen on {options['host']}:{options['port']}: {error}") from error
        self.stdout.write(
            f"Test staff login service at {provider.issuer} (OpenID Connect issuer; SAML IdP "
            f"{provider.saml_entity_id}), {len(provider.people)} test persons. Ctrl-C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
