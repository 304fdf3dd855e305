"""The scheduled SS 12000 import (django-tasks; enqueue it from cron with `kring import-ss12000 --enqueue`)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from kring.directory.models import Municipality
from kring.schooldata.client import Ss12000Client
from kring.schooldata.importer import import_ss12000
from kring.schooldata.sources import client_settings


@task()
def import_ss12000_task(municipality_code: str = "") -> dict[str, object]:
    """Import what changed since the last run from the configured SS 12000 API."""
    municipality = Municipality.objects.get(code=municipality_code or settings.KRING_SS12000_MUNICIPALITY)
    with Ss12000Client(client_settings()) as client:
        run = import_ss12000(municipality=municipality, client=client, by_label="scheduled import")
    return {"run": run.pk, "status": run.status, "rejected": run.rejected}


@task()
def absence_partitions_task(ahead: int = 1) -> dict[str, object]:
    """The absence partitions of the coming school years, and none of its rows left in DEFAULT (PostgreSQL)."""
    from django.utils import timezone

    from kring.schooldata.partitions import maintain_absence_partitions

    done = maintain_absence_partitions(timezone.localdate(), ahead=ahead)
    return {"created": done.created, "moved_years": done.moved_years}
