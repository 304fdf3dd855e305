"""The audit log cleared by whole segments: exported first, the rest of the chain still verifies from the anchor,
the exported file verifies against it, and tampering after it is still found."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from kring.access.audit import drop_triggers, install_triggers, record_event, verify_chain
from kring.access.audit_segments import verify_segment
from kring.access.models import AuditAction, AuditAnchor, AuditEvent
from kring.records.retention.audit_log import audit_due

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _events(count: int, label: str) -> None:
    for number in range(count):
        record_event(actor=None, action=AuditAction.READ, target_type="test", target_id=f"{label}{number}")


def test_the_oldest_segment_is_exported_cleared_and_the_chain_still_verifies(settings, tmp_path: Path) -> None:
    settings.KRING_AUDIT_ARCHIVE_DIR = str(tmp_path)
    settings.KRING_AUDIT_KEEP_YEARS = 2
    long_ago = timezone.now() - dt.timedelta(days=3 * 365)
    with time_machine.travel(long_ago, tick=False):
        _events(5, "old")
    _events(3, "new")
    before = AuditEvent.objects.count()
    old_ones = AuditEvent.objects.filter(occurred_at__lt=timezone.now() - dt.timedelta(days=2 * 365)).count()
    assert old_ones >= 5

    dry = StringIO()
    call_command("retention", "--dry-run", stdout=dry)
    assert f"{old_ones:,} events older than 2 years" in dry.getvalue()
    assert AuditEvent.objects.count() >= before  # the dry run clears nothing

    call_command("retention", stdout=StringIO())
    anchor = AuditAnchor.objects.get()
    assert not AuditEvent.objects.filter(sequence__lte=anchor.sequence).exists()
    assert AuditEvent.objects.filter(target_id__startswith="new").count() == 3
    assert verify_chain().ok
    file = tmp_path / anchor.archive_name
    lines = [json.loads(line) for line in file.read_text().splitlines()]
    assert [row["target_id"] for row in lines if row["target_type"] == "test"] == [f"old{n}" for n in range(5)]
    assert verify_segment(file, anchor) == ""
    event = AuditEvent.objects.get(target_type="retention", details__record_type="audit_events")
    assert event.details["count"] == len(lines) and event.details["sha256"] == anchor.archive_sha256
    assert audit_due(TODAY).count == 0


def test_a_changed_export_or_a_changed_event_after_the_anchor_is_found(settings, tmp_path: Path) -> None:
    settings.KRING_AUDIT_ARCHIVE_DIR = str(tmp_path)
    settings.KRING_AUDIT_KEEP_YEARS = 1
    with time_machine.travel(timezone.now() - dt.timedelta(days=800), tick=False):
        _events(3, "old")
    _events(2, "new")
    call_command("retention", stdout=StringIO())
    anchor = AuditAnchor.objects.get()
    file = tmp_path / anchor.archive_name
    file.write_text(file.read_text().replace("old1", "oldX"))
    assert verify_segment(file, anchor) == "the file is not the one exported"

    drop_triggers()
    try:
        with connection.cursor() as cursor:
            table = AuditEvent._meta.db_table
            cursor.execute(f"UPDATE {table} SET target_id = 'changed' WHERE target_id = 'new0'")  # noqa: S608
    finally:
        install_triggers()
    report = verify_chain()
    assert not report.ok and "changed" in report.problem


def test_nothing_is_cleared_when_nothing_is_old_enough(settings, tmp_path: Path) -> None:
    settings.KRING_AUDIT_ARCHIVE_DIR = str(tmp_path)
    _events(3, "new")
    call_command("retention", stdout=StringIO())
    assert not AuditAnchor.objects.exists() and not list(tmp_path.iterdir())
    assert verify_chain().ok
