"""Clearing as a scheduled task (the `kring retention` command does the same from cron)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kring.directory.models import Municipality
from kring.records.retention.actions import clear


@task()
def retention_task() -> dict[str, int]:
    """Clear what every municipality's rules make due today; the counts per record type."""
    cleared: dict[str, int] = {}
    for municipality in Municipality.objects.order_by("code"):
        for record_type, count in clear(municipality=municipality, today=timezone.localdate()).items():
            cleared[record_type] = cleared.get(record_type, 0) + count
    return cleared
