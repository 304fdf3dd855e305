"""`kring backup --to FILE`: a consistent copy of a SQLite database while Kring runs (SQLite's online backup API).
PostgreSQL is backed up with its own tools (pg_basebackup and WAL archiving, or pg_dump): see docs/operations.md,
"Backups"."""

from __future__ import annotations

import os
import sqlite3
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kring.access.audit import chain_head, record_event


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to FILE while Kring runs (the online backup API); the copy is as secret as the "
        "database. On PostgreSQL use pg_basebackup with WAL archiving or pg_dump (docs/operations.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--to", required=True, help="the file to write (must not exist)")

    def handle(self, *args: Any, to: str, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                f"kring backup copies SQLite only; this database is {connection.vendor}. Back PostgreSQL up with "
                "pg_basebackup and WAL archiving (or pg_dump for a small installation): docs/operations.md, Backups."
            )
        target = Path(to)
        if target.exists():
            raise CommandError(f"{target} exists already: name a new file.")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory.")
        # The backup is a copy of everything: recorded in the audit log, inside the copy too.
        record_event(
            actor=None,
            action="export",
            target_type="database_backup",
            details={"file": target.name},
            actor_label="kring backup",
        )
        partial = target.with_name(f".{target.name}.partial")
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
        os.chmod(partial, 0o600)
        partial.rename(target)
        head = chain_head()
        self.stdout.write(
            self.style.SUCCESS(f"Backed up to {target}.") + f"\nAudit chain head in it: #{head.sequence} {head.hash}"
        )
