"""Background tasks (django-tasks; the worker is `kring db_worker`). Tasks take no arguments with personal data."""

from __future__ import annotations

from django_tasks import task

from kring.casework.reminders import send_reminders


@task()
def send_reminders_task() -> dict[str, int]:
    run = send_reminders()
    return {"meetings": run.meetings, "follow_ups": run.follow_ups}
