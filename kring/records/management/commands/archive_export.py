"""`kring archive-export --case ID --out DIR`: write a closed TSI case's archive package (E-ARK CSIP / FGS
Paketstruktur) as the folder DIR/<package id>, audited as Kring's own export."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kring.casework.workflow import WorkflowError
from kring.records.archive import actions, queries
from kring.records.models import TransferDestination


class Command(BaseCommand):
    help = (
        "Write a closed TSI case's archive package (E-ARK CSIP / FGS Paketstruktur: METS, PREMIS, the documents as "
        "PDF/A, a SHA-256 checksum for every file) into a folder of its own under --out; audited."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--case", type=int, required=True, help="the TSI case's number")
        parser.add_argument(
            "--out", default=settings.KRING_ARCHIVE_DIR, help="the folder to write into (default KRING_ARCHIVE_DIR)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):  # the command speaks English, as the other commands do
            case = queries.case_for_system(options["case"])
            if case is None:
                raise CommandError(f"No TSI case {options['case']}.")
            try:
                done = actions.export_case(
                    by=None, case=case, parent=Path(options["out"]), destination=TransferDestination.ARCHIVE_DIR
                )
            except WorkflowError as error:
                raise CommandError(f"TSI case {case.pk} is not closed: only a closed case can be archived.") from error
        transfer = done.transfer
        self.stdout.write(
            f"Wrote {done.package.root} ({transfer.documents} documents, {len(done.package.checksums)} files; "
            f"METS.xml SHA-256 {transfer.mets_sha256})"
        )
