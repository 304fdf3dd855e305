"""`kring absence-partitions`: make the coming school years' absence partitions and empty the DEFAULT partition."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kring.schooldata.partitions import is_partitioned, maintain_absence_partitions, partition_rows


class Command(BaseCommand):
    help = (
        "PostgreSQL: make the absence table's partitions for this school year and the next ones, and move rows "
        "that landed in the DEFAULT partition into their school year's partition (made for them). Each import does "
        "the same when it ends; running it again changes nothing. On SQLite it does nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--ahead", type=int, default=1, help="school years after this one to make (default 1)")
        parser.add_argument("--enqueue", action="store_true", help="run it in the background task worker instead")
        parser.add_argument("--list", action="store_true", help="then list the partitions and their rows")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from kring.schooldata.tasks import absence_partitions_task

            result = absence_partitions_task.enqueue(ahead=options["ahead"])
            self.stdout.write(f"Enqueued as task {result.id}.\n")
            return
        if not is_partitioned():
            self.stdout.write("The absence table is not partitioned here (SQLite): nothing to do.\n")
            return
        done = maintain_absence_partitions(timezone.localdate(), ahead=options["ahead"])
        made = ", ".join(done.created) or "none"
        self.stdout.write(f"Partitions made: {made}.\n")
        if done.moved_years:
            years = ", ".join(f"{year}/{(year + 1) % 100:02d}" for year in done.moved_years)
            self.stdout.write(f"Rows moved out of the DEFAULT partition, school years {years}.\n")
        if options["list"]:
            for name, rows in partition_rows():
                self.stdout.write(f"  {name:<40} {rows:>12,}\n")
