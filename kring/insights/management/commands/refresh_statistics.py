"""`kring refresh-statistics`: recompute the statistics page's summary (run it from cron, nightly or hourly)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kring.directory.models import Municipality
from kring.insights.actions import refresh_statistics
from kring.insights.tasks import refresh_statistics_task


class Command(BaseCommand):
    help = (
        "Recompute the statistics' summary of every municipality (or one) from the concerns, consultations and "
        "reports of concern of the last twelve months; the statistics page shows the figures as of this run. "
        "--enqueue hands the work to the task worker."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--municipality", default="", help="only this municipality (its code)")
        parser.add_argument("--enqueue", action="store_true", help="run it in the background task worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["municipality"]
        municipalities = Municipality.objects.order_by("code")
        if code:
            municipalities = municipalities.filter(code=code)
            if not municipalities.exists():
                raise CommandError(f"No municipality with code {code}.")
        if options["enqueue"]:
            result = refresh_statistics_task.enqueue(municipality_code=code)
            self.stdout.write(f"Enqueued the refresh of the statistics as task {result.id}.")
            return
        for place in municipalities:
            started = time.perf_counter()
            refresh = refresh_statistics(municipality=place)
            seconds = time.perf_counter() - started
            moment = timezone.localtime(refresh.refreshed_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"{place.name} ({place.code}): {refresh.rows:,} summary rows from {refresh.first_month:%Y-%m}, "
                f"as of {moment}, in {seconds:.2f} s"
            )
