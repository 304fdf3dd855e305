"""`kring audit-witness`: write the audit chain's head (count and hash) outside the database, so that a log emptied
or cut short together with its head is noticed by `kring audit-verify`. Run it from cron, e.g. hourly."""

from __future__ import annotations

import syslog
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kring.access.audit import chain_head


class Command(BaseCommand):
    help = "Append the audit chain's head to a file (KRING_AUDIT_WITNESS_FILE or --file) and/or send it to syslog."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--file", default=settings.KRING_AUDIT_WITNESS_FILE, help="append the head to this file")
        parser.add_argument(
            "--syslog", dest="to_syslog", action="store_true", help="also send the head to the system log"
        )

    def handle(self, *args: Any, file: str, to_syslog: bool, **options: Any) -> None:
        if not file and not to_syslog:
            raise CommandError("Say where to witness the head: --file PATH, KRING_AUDIT_WITNESS_FILE, or --syslog.")
        line = chain_head().line(timezone.now())
        if file:
            path = Path(file)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as witness:
                witness.write(line + "\n")
        if to_syslog:
            _to_syslog(f"kring audit head {line}")
        self.stdout.write(f"Witnessed: {line}")


def _to_syslog(message: str) -> None:
    syslog.openlog("kring", 0, syslog.LOG_AUTH)
    syslog.syslog(syslog.LOG_NOTICE, message)
