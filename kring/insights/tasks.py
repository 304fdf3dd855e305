"""Refreshing the statistics' summary as a scheduled task (enqueue it from cron with `kring refresh-statistics
--enqueue`; the worker is `kring db_worker`). The task takes no personal data."""

from __future__ import annotations

from django_tasks import task

from kring.directory.models import Municipality
from kring.insights.actions import refresh_statistics


@task()
def refresh_statistics_task(municipality_code: str = "") -> dict[str, int]:
    """Refresh the summary of one municipality (by its code), or of every one; the summary's rows of each."""
    municipalities = Municipality.objects.order_by("code")
    if municipality_code:
        municipalities = municipalities.filter(code=municipality_code)
    return {
        place.code: refresh_statistics(municipality=place, by_label="scheduled statistics refresh").rows
        for place in municipalities
    }
