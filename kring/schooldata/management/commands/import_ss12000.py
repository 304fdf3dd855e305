"""`kring import-ss12000`: import units, pupils, guardians, placements, groups and absences from SS 12000."""

from __future__ import annotations

from argparse import ArgumentParser
from contextlib import nullcontext
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kring.directory.models import Municipality
from kring.schooldata.client import Ss12000Client, Ss12000Error
from kring.schooldata.import_views import describe_warning
from kring.schooldata.importer import import_ss12000
from kring.schooldata.progress import ProgressLine, Stream
from kring.schooldata.sources import NotConfigured, client_settings
from kring.schooldata.upserts import PageResult


class Command(BaseCommand):
    help = (
        "Import from the schools' SS 12000 API. Carries on from the last committed page after an interruption; "
        "a finished import asks next time only for what changed. Running it twice changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--municipality", default="", help="municipality code (default KRING_SS12000_MUNICIPALITY)")
        parser.add_argument("--url", default="", help="the API root (default KRING_SS12000_URL)")
        parser.add_argument("--token", default="", help="a fixed bearer token (default KRING_SS12000_TOKEN)")
        parser.add_argument("--token-url", default="", help="OAuth2 token URL (default KRING_SS12000_TOKEN_URL)")
        parser.add_argument("--client-id", default="")
        parser.add_argument("--client-secret", default="")
        parser.add_argument("--full", action="store_true", help="ask for every record, not only what changed")
        parser.add_argument("--page-size", type=int, default=1000)
        parser.add_argument("--enqueue", action="store_true", help="run it in the background task worker instead")
        parser.add_argument(
            "--lessons-from",
            type=date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="read lessons and attendance from this day (a first import of the whole school year)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read everything and report what would change, then undo it all (to try a new provider)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["municipality"] or settings.KRING_SS12000_MUNICIPALITY
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"no municipality with code {code!r}: give --municipality CODE")
        if options["enqueue"]:
            from kring.schooldata.tasks import import_ss12000_task

            result = import_ss12000_task.enqueue(municipality_code=code)
            self.stdout.write(f"Enqueued the import as task {result.id}.\n")
            return
        try:
            connection = client_settings(
                url=options["url"],
                token=options["token"],
                token_url=options["token_url"],
                client_id=options["client_id"],
                client_secret=options["client_secret"],
            )
        except NotConfigured as error:
            raise CommandError(str(error)) from error
        connection.page_size = options["page_size"]
        line = ProgressLine(cast(Stream, self.stdout._out))  # the raw stream: the wrapper adds newlines

        def progress(resource: str, done: int, _result: PageResult) -> None:
            line.update(resource, done)

        try:
            # A real import commits page by page (to carry on after a failure); a dry run is one transaction, undone.
            undone = transaction.atomic() if options["dry_run"] else nullcontext()
            with Ss12000Client(connection) as client, undone:
                run = import_ss12000(
                    municipality=municipality,
                    client=client,
                    full=options["full"],
                    progress=progress,
                    lessons_from=options["lessons_from"],
                )
                report = format_run(run)
                if options["dry_run"]:  # nothing stays: not the rows, not the run, not the checkpoints
                    transaction.set_rollback(True)
        except Ss12000Error as error:
            line.finish()
            again = "" if options["dry_run"] else " Run the command again to carry on from the last committed page."
            raise CommandError(f"{error}.{again}") from error
        line.finish()
        if options["dry_run"]:
            report = "Dry run: nothing was saved. This is what the import would do.\n" + report
        self.stdout.write(report)


def format_run(run: Any) -> str:
    lines = [f"Import {run.pk} {run.status} in {run.seconds or 0:.1f} s"]
    for resource, counts in run.counts.items():
        parts = ", ".join(f"{name} {number:,}" for name, number in counts.items())
        lines.append(f"  {resource:<16} {parts}")
    lines.append(f"  rejected         {run.rejected:,}")
    for warning in run.warnings:
        lines.append(f"  warning: {describe_warning(warning)}")
    for rejection in run.rejections.all()[:20]:
        lines.append(f"    {rejection.resource} {rejection.source_id}: {rejection.reason}")
    if run.rejected > 20:
        lines.append(f"    … and {run.rejected - 20:,} more on the import history page")
    return "\n".join(lines) + "\n"
