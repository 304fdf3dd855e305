"""`kring audit-verify`: walk the audit log's hash chain, report the first broken link, and check that the chain
still holds the head last witnessed outside the database (`kring audit-witness`)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kring.access.audit import chain_head, last_witness, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain; exit with an error at the first changed, missing or moved event, or "
        "when the chain is shorter than the head last witnessed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--witness-file",
            default=settings.KRING_AUDIT_WITNESS_FILE,
            help="the file `kring audit-witness` appends to (default: KRING_AUDIT_WITNESS_FILE)",
        )

    def handle(self, *args: Any, witness_file: str, **options: Any) -> None:
        witnessed = last_witness(Path(witness_file)) if witness_file else None
        report = verify_chain(witnessed)
        if not report.ok:
            raise CommandError(
                f"The audit log is broken at event #{report.broken_at}: {report.problem} "
                f"({report.checked} events before it are intact)."
            )
        head = chain_head()
        against = f"; it holds the witnessed head #{witnessed.sequence}" if witnessed else ""
        self.stdout.write(
            self.style.SUCCESS(f"The audit log is intact: {report.checked} events verified{against}.")
            + f"\nHead: #{head.sequence} {head.hash}"
        )
