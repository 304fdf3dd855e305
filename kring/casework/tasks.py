"""Background tasks (django-tasks; the worker is `kring db_worker`). Tasks take no arguments with personal data."""

from __future__ import annotations

from django_tasks import task

from kring.casework.reports.reminders import send_report_reminders
from kring.casework.tsi.reminders import send_reminders


@task()
def send_reminders_task() -> dict[str, int]:
    """The reminders of TSI meetings and follow-ups, and of the deadlines of reports of concern."""
    run = send_reminders()
    reports = send_report_reminders()
    return {"meetings": run.meetings, "follow_ups": run.follow_ups, "reports": reports}
