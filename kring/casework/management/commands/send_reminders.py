"""`kring send-reminders`: e-mail the reminders that are due (run it from cron): TSI meetings and follow-ups, and
the deadlines of reports of concern (protection assessment, decision, feedback to the reporter), and the
reminders other apps register (the reviews of agreements)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kring.casework.reports.reminders import send_report_reminders
from kring.casework.tasks import send_reminders_task
from kring.casework.tsi.reminders import send_reminders
from kring.directory.reminders import send_registered


class Command(BaseCommand):
    help = (
        "Send the due reminders of TSI meetings and follow-ups and of the deadlines of reports of concern; "
        "--enqueue hands the work to the task worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Enqueue for `kring db_worker` instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_reminders_task.enqueue()
            self.stdout.write(f"Enqueued reminder task {result.id}.")
            return
        run = send_reminders()
        reports = send_report_reminders()
        others = "".join(f", {count} {name}" for name, count in send_registered(timezone.localdate()).items())
        self.stdout.write(
            f"Sent reminders: {run.meetings} meetings, {run.follow_ups} follow-ups, {reports} reports of concern"
            f"{others}."
        )
