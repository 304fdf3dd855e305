"""`kring archive-export --case ID --out DIR` (or `--report ID`): write a closed TSI case's (or a decided report of
concern's) archive package (E-ARK CSIP / FGS Paketstruktur) as the folder DIR/<package id>, audited as Kring's own
export."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kring.casework.workflow import WorkflowError
from kring.records.archive import actions, queries
from kring.records.models import RecordType, TransferDestination


class Command(BaseCommand):
    help = (
        "Write a closed TSI case's (--case) or decided report of concern's (--report) archive package "
        "(E-ARK CSIP / FGS Paketstruktur: METS, PREMIS, the documents as "
        "PDF/A, a SHA-256 checksum for every file) into a folder of its own under --out; audited."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--case", type=int, help="the TSI case's number")
        parser.add_argument("--report", type=int, help="or the report of concern's number")
        parser.add_argument(
            "--out", default=settings.KRING_ARCHIVE_DIR, help="the folder to write into (default KRING_ARCHIVE_DIR)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):  # the command speaks English, as the other commands do
            if (options["case"] is None) == (options["report"] is None):
                raise CommandError("Give either --case or --report.")
            record_type, pk, name = (
                (RecordType.TSI_CASE, options["case"], "TSI case")
                if options["case"] is not None
                else (RecordType.REPORT, options["report"], "Report of concern")
            )
            record = queries.record_for_system(record_type, pk)
            if record is None:
                raise CommandError(f"No {name} {pk}.")
            try:
                done = actions.export_record(
                    by=None, record_type=record_type, record=record, parent=Path(options["out"]),
                    destination=_destination(Path(options["out"])),
                )  # fmt: skip
            except WorkflowError as error:
                raise CommandError(f"{name} {pk} is not closed: only a closed record can be archived.") from error
        transfer = done.transfer
        self.stdout.write(
            f"Wrote {done.package.root} ({transfer.documents} documents, {len(done.package.checksums)} files; "
            f"METS.xml SHA-256 {transfer.mets_sha256})"
        )


def _destination(out: Path) -> str:
    """Only a package written where the archive takes them in counts as handed over (a retention rule that archives
    skips a record handed over already): one written elsewhere is recorded as a copy taken out."""
    in_the_archive = out.resolve() == Path(settings.KRING_ARCHIVE_DIR).resolve()
    return TransferDestination.ARCHIVE_DIR if in_the_archive else TransferDestination.DOWNLOAD
