"""`kring audit-verify`: walk the audit log's hash chain and report the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kring.access.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit with an error at the first changed, missing or moved event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"The audit log is broken at event #{report.broken_at}: {report.problem} "
                f"({report.checked} events before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"The audit log is intact: {report.checked} events verified."))
