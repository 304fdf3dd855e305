"""The audit log's own retention: one chain for every municipality of the deployment, so one period for all
(`KRING_AUDIT_KEEP_YEARS`, the longest any of their plans asks). What is older is cleared as one segment: exported to
`KRING_AUDIT_ARCHIVE_DIR` first, then deleted, its last hash kept as the chain's new anchor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from kring.access.audit import chain_start, record_event
from kring.access.audit_segments import ClearedSegment, clear_segment
from kring.access.models import AuditAction, AuditEvent
from kring.records.retention.kinds import years_before


@dataclass(frozen=True)
class AuditDue:
    keep_years: int
    count: int
    up_to: int | None  # the last sequence of the segment that is due


def audit_due(today: date) -> AuditDue:
    keep = settings.KRING_AUDIT_KEEP_YEARS
    first, _hash = chain_start()
    old = AuditEvent.objects.filter(sequence__gte=first, occurred_at__date__lte=years_before(today, keep))
    up_to = old.aggregate(last=Max("sequence"))["last"]
    # A segment is whole: everything from the chain's start to the newest event past its time.
    count = 0 if up_to is None else AuditEvent.objects.filter(sequence__gte=first, sequence__lte=up_to).count()
    return AuditDue(keep, count, up_to)


def clear_audit_log(today: date) -> ClearedSegment | None:
    due = audit_due(today)
    if due.up_to is None:
        return None
    cleared = clear_segment(up_to=due.up_to, directory=Path(settings.KRING_AUDIT_ARCHIVE_DIR))
    if cleared is not None:
        record_event(
            actor=None, action=AuditAction.WRITE, target_type="retention", actor_label="kring retention",
            details={"record_type": "audit_events", "count": cleared.count, "first": cleared.first,
                     "last": cleared.last, "archive": cleared.path.name, "sha256": cleared.sha256,
                     "rule": f"{due.keep_years} years (KRING_AUDIT_KEEP_YEARS)", "today": today.isoformat()},
        )  # fmt: skip
    return cleared
