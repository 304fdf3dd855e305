"""Background tasks (django-tasks; the worker is `kring db_worker`). Tasks take no arguments with personal data."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kring.casework.reports.reminders import send_report_reminders
from kring.casework.tsi.reminders import send_reminders
from kring.directory.reminders import send_registered


@task()
def send_reminders_task() -> dict[str, int]:
    """The reminders of TSI meetings and follow-ups, of the deadlines of reports of concern, and those the other
    apps registered (reviews of agreements)."""
    run = send_reminders()
    reports = send_report_reminders()
    others = send_registered(timezone.localdate())
    return {"meetings": run.meetings, "follow_ups": run.follow_ups, "reports": reports, **others}
