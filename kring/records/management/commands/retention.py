"""`kring retention`: clear (gallra) what each municipality's retention rules make due today; `--dry-run` lists it."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from kring.directory.models import Municipality
from kring.records.retention.actions import BATCH, clear, due_now
from kring.records.retention.audit_log import audit_due, clear_audit_log


class Command(BaseCommand):
    help = (
        "Clear the records each municipality's retention rules make due today, in batches, each audited (type, "
        "count, rule); resumable. With --dry-run, list what is due by record type and count, and clear nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what is due; clear nothing")
        parser.add_argument("--municipality", help="only this municipality (its code)")
        parser.add_argument("--batch", type=int, default=BATCH, help=f"records per transaction (default {BATCH})")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):  # the command speaks English, as the other commands do
            self._run(dry_run=options["dry_run"], municipality=options["municipality"], batch=options["batch"])

    def _run(self, *, dry_run: bool, municipality: str | None, batch: int) -> None:
        municipalities = Municipality.objects.order_by("code")
        if municipality:
            municipalities = municipalities.filter(code=municipality)
            if not municipalities.exists():
                raise CommandError(f"No municipality with code {municipality}.")
        today = timezone.localdate()
        for place in municipalities:
            self.stdout.write(f"{place.name} ({place.code}), {today.isoformat()}:")
            for item in due_now(place, today):
                rule = item.rule
                self.stdout.write(
                    f"  {rule.get_record_type_display():<48} {item.count:>8,} due   "
                    f"({rule.keep_years} y after {rule.get_counted_from_display()}, {rule.get_action_display()})"
                )
            if not dry_run:
                cleared = clear(municipality=place, today=today, batch=batch)
                total = sum(cleared.values())
                self.stdout.write(f"  cleared {total:,} records" + (f": {cleared}" if cleared else ""))
        if not municipality:
            self._audit_log(today, dry_run=dry_run)

    def _audit_log(self, today: date, *, dry_run: bool) -> None:
        due = audit_due(today)
        self.stdout.write(
            f"The audit log (the whole deployment): {due.count:,} events older than {due.keep_years} years"
        )
        if not dry_run and due.count:
            segment = clear_audit_log(today)
            if segment is not None:
                self.stdout.write(
                    f"  exported #{segment.first}–#{segment.last} to {segment.path} (sha256 {segment.sha256}), "
                    "cleared, and anchored the chain on the last"
                )
