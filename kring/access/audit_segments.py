"""Clearing the audit log itself, by whole segments of its chain: the oldest events up to a sequence are exported
to a file (one JSON object a line, in order, with their hashes) and its checksum kept; then they are deleted and the
last one's hash becomes the chain's anchor, so that `audit-verify` still proves the rest of the chain, and the file
proves itself against the anchor (`verify_segment`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from kring.access.audit import GENESIS_HASH, _event_payload, chain_start, drop_triggers, install_triggers
from kring.access.models import AuditAnchor, AuditEvent

FIELDS = (
    "sequence", "previous_hash", "occurred_at", "municipality_id", "actor_id", "actor_label", "action",
    "target_type", "target_id", "child_id", "basis_kind", "basis", "request_id", "details", "hash",
)  # fmt: skip


def _line(event: AuditEvent) -> str:
    row = {name: getattr(event, name) for name in FIELDS}
    row["occurred_at"] = event.occurred_at.isoformat()
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def _segment(up_to: int) -> Iterator[AuditEvent]:
    last = chain_start()[0] - 1
    while last < up_to:
        batch = list(AuditEvent.objects.filter(sequence__gt=last, sequence__lte=up_to).order_by("sequence")[:5000])
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence


@dataclass(frozen=True)
class ClearedSegment:
    first: int
    last: int
    count: int
    path: Path
    sha256: str


def clear_segment(*, up_to: int, directory: Path) -> ClearedSegment | None:
    """Export the events from the chain's start up to `up_to` to a file in `directory`, then delete them and anchor
    the chain on the last one. Atomic: the file is written first; if anything fails, no event is deleted."""
    first, _previous = chain_start()
    if up_to < first:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-{first:012d}-{up_to:012d}.jsonl"
    digest, count, last_event = hashlib.sha256(), 0, None
    with path.open("w", encoding="utf-8") as file:
        for event in _segment(up_to):
            line = _line(event) + "\n"
            file.write(line)
            digest.update(line.encode())
            count, last_event = count + 1, event
    if last_event is None:
        path.unlink(missing_ok=True)
        return None
    with transaction.atomic():
        AuditAnchor.objects.create(
            sequence=last_event.sequence, hash=last_event.hash, first_sequence=first, cleared_at=timezone.now(),
            archive_name=path.name, archive_sha256=digest.hexdigest(),
        )  # fmt: skip
        drop_triggers()  # the only deletion the log allows: a whole exported segment, in this transaction
        try:
            AuditEvent.objects.filter(sequence__gte=first, sequence__lte=last_event.sequence).delete()
        finally:
            install_triggers()
    return ClearedSegment(first, last_event.sequence, count, path, digest.hexdigest())


def verify_segment(path: Path, anchor: AuditAnchor, previous_hash: str = GENESIS_HASH) -> str:
    """The problem with an exported segment ("" when none): its checksum, each event's hash and link, and its last
    event being the anchor."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != anchor.archive_sha256:
        return "the file is not the one exported"
    expected, last_hash = anchor.first_sequence, previous_hash
    for line in data.decode().splitlines():
        row = json.loads(line)
        if row["sequence"] != expected or row["previous_hash"] != last_hash:
            return f"event #{row['sequence']} is out of its place"
        payload = _event_payload(**{name: row[name] for name in FIELDS if name != "hash"} | {
            "occurred_at": datetime.fromisoformat(row["occurred_at"])
        })  # fmt: skip
        if hashlib.sha256(payload.encode()).hexdigest() != row["hash"]:
            return f"event #{row['sequence']} was changed"
        expected, last_hash = expected + 1, row["hash"]
    return "" if last_hash == anchor.hash and expected - 1 == anchor.sequence else "the file ends before the anchor"
