"""`kring serve-ss12000`: serve a municipality in this database as a local SS 12000 API (development only), for
trying the import against a real HTTP server: `kring import-ss12000` in another terminal."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.demo.names import MUNICIPALITY_CODE
from kring.directory.models import Municipality
from kring.schooldata.dataset import dataset_from_municipality
from kring.schooldata.schemas import RESOURCES
from kring.schooldata.testserver import serve

DEFAULT_PORT = 8765
DEV_CLIENT_ID = "kring-dev"
DEV_CLIENT_SECRET = "kring-dev-secret"  # noqa: S105 (a fixed credential of a development server on localhost)


class Command(BaseCommand):
    help = (
        "Serve a municipality's schools, children, guardians, groups, placements and absences as an SS 12000 API "
        "on this machine until Ctrl-C. Only with KRING_DEBUG=true."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--municipality", default=MUNICIPALITY_CODE, help="municipality code (default: the demo)")
        parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
        parser.add_argument("--client-id", default=DEV_CLIENT_ID, help=f"OAuth2 client id (default {DEV_CLIENT_ID})")
        parser.add_argument("--client-secret", default=DEV_CLIENT_SECRET, help="OAuth2 client secret")

    def handle(
        self, *args: Any, municipality: str, host: str, port: int, client_id: str, client_secret: str, **options: Any
    ) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "kring serve-ss12000 hands out a municipality's personal data over HTTP with development "
                "credentials, so it only runs in development (KRING_DEBUG=true)."
            )
        found = Municipality.objects.filter(code=municipality).first()
        if found is None:
            raise CommandError(
                f"No municipality with code {municipality}: `kring seed` makes the demo ({MUNICIPALITY_CODE})."
            )
        self.stdout.write(f"Exporting {found.name} ...")
        started = time.monotonic()
        dataset = dataset_from_municipality(found, lazy_absences=True)
        counts = ", ".join(f"{dataset.count(name)} {name}" for name in RESOURCES if dataset.count(name) is not None)
        seconds = time.monotonic() - started
        self.stdout.write(f"{counts}; absences read from the database as they are asked for ({seconds:.1f} s).")
        record_event(
            actor=None,
            action=AuditAction.EXPORT,
            target_type="municipality",
            target_id=found.pk,
            municipality_id=found.pk,
            actor_label="kring serve-ss12000",
            details={"served": f"SS 12000 API on {host}:{port}"},
        )
        try:
            with serve(dataset, host=host, port=port, client_id=client_id, client_secret=client_secret) as server:
                self.stdout.write(
                    f"SS 12000 API of {found.name}: {server.base_url}\n"
                    f"Token URL:     {server.token_url}\n"
                    f"Client id:     {server.client_id}\n"
                    f"Client secret: {server.client_secret}\n"
                    "Ctrl-C stops it."
                )
                while True:
                    time.sleep(3600)
        except OSError as error:
            raise CommandError(f"Cannot serve on {host}:{port}: {error}") from error
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
