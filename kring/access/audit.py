"""Writing and verifying the audit log.

`record_event` appends one event in the caller's transaction: it locks the chain head, computes the event's hash
from its content and the previous hash, inserts the event and moves the head. `verify_chain` walks the chain and
reports the first broken link.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kring.access.acting import AuditActor, StaffUser
from kring.access.models import AuditAction, AuditAnchor, AuditChainHead, AuditEvent
from kring.access.policy import Basis, first_bases_for_children

GENESIS_HASH = "0" * 64

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("kring_request_id", default="")
# What every event of the current request says besides its own details: the channel it came through when that is not
# a person at a page (an integration through the API names itself here). Set per request; empty by default.
current_channel: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("kring_channel", default=None)


def _event_payload(
    *,
    sequence: int,
    previous_hash: str,
    occurred_at: datetime,
    municipality_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    child_id: int | None,
    basis_kind: str,
    basis: str,
    request_id: str,
    details: dict[str, Any],
) -> str:
    return json.dumps(
        [
            sequence,
            previous_hash,
            occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            municipality_id,
            actor_id,
            actor_label,
            action,
            target_type,
            target_id,
            child_id,
            basis_kind,
            basis,
            request_id,
            details,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def compute_hash(event: AuditEvent) -> str:
    payload = _event_payload(
        sequence=event.sequence,
        previous_hash=event.previous_hash,
        occurred_at=event.occurred_at,
        municipality_id=event.municipality_id,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        child_id=event.child_id,
        basis_kind=event.basis_kind,
        basis=event.basis,
        request_id=event.request_id,
        details=event.details,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _actor_fields(actor: AuditActor | None) -> tuple[int | None, str, int | None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "", None
    return (
        actor.pk,
        str(getattr(actor, "email", "") or (actor.get_username() if hasattr(actor, "get_username") else actor)),
        getattr(actor, "municipality_id", None),
    )


def record_event(
    *,
    actor: AuditActor | None,
    action: str,
    target_type: str = "",
    target_id: object = "",
    child_id: int | None = None,
    basis: Basis | None = None,
    details: dict[str, Any] | None = None,
    municipality_id: int | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one audit event inside the current transaction (or a new one)."""
    actor_id, label, actor_municipality = _actor_fields(actor)
    event = AuditEvent(
        occurred_at=timezone.now(),
        municipality_id=municipality_id if municipality_id is not None else actor_municipality,
        actor_id=actor_id,
        actor_label=(actor_label if actor_label is not None else label)[:200],
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:60],
        child_id=child_id,
        basis_kind=basis.kind if basis else "",
        basis=basis.describe() if basis else "",
        request_id=current_request_id.get(),
        details=json.loads(json.dumps({**(current_channel.get() or {}), **(details or {})}, default=str)),
    )
    with transaction.atomic():
        head = _locked_head()
        event.sequence = head.sequence + 1
        event.previous_hash = head.hash
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(sequence=event.sequence, hash=event.hash)
    return event


def record_read(
    user: AuditActor,
    target_type: str,
    target_id: object = "",
    *,
    child_id: int | None = None,
    basis: Basis | None = None,
    **details: Any,
) -> AuditEvent:
    """One read of a child's data (a page, a form that shows it), with the basis it was shown under."""
    return record_event(
        actor=user,
        action=AuditAction.READ,
        target_type=target_type,
        target_id=target_id,
        child_id=child_id,
        basis=basis,
        details=details,
    )


def record_list_read(
    user: StaffUser, target_type: str, child_ids: list[int], target_id: object = "", **details: Any
) -> AuditEvent:
    """One read event for a page listing children's data: which children were shown, and the basis for each."""
    bases = first_bases_for_children(user, child_ids)
    return record_read(
        user,
        target_type,
        target_id,
        children=sorted(set(child_ids)),
        bases={str(child_id): bases[child_id].describe() for child_id in child_ids if child_id in bases},
        **details,
    )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # the sequence number of the first bad event (or the missing one)
    problem: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _events_in_order(after: int = 0, batch_size: int = 5000) -> Iterator[AuditEvent]:
    last = after
    while True:
        batch = list(AuditEvent.objects.filter(sequence__gt=last).order_by("sequence")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence


def chain_start() -> tuple[int, str]:
    """The first sequence the chain in the database holds, and the hash it links to: the genesis, or after its
    oldest segments were cleared, the newest anchor (kring.access.audit_segments)."""
    anchor = AuditAnchor.objects.order_by("-sequence").first()
    return (anchor.sequence + 1, anchor.hash) if anchor else (1, GENESIS_HASH)


@dataclass(frozen=True)
class Witness:
    """The chain's head as seen at one moment, kept outside the database (`kring audit-witness`): a later chain
    must still hold this event with this hash, so a log emptied or cut short together with its head is noticed."""

    sequence: int
    hash: str

    def line(self, at: datetime) -> str:
        return f"{at.astimezone(UTC).isoformat(timespec='seconds')} {self.sequence} {self.hash}"

    @classmethod
    def parse(cls, line: str) -> Witness:
        _at, sequence, digest = line.split()
        return cls(int(sequence), digest)


def chain_head() -> Witness:
    head = AuditChainHead.objects.filter(pk=1).first()
    return Witness(head.sequence, head.hash) if head else Witness(0, GENESIS_HASH)


def last_witness(path: Path) -> Witness | None:
    """The newest witness written to the file, or None if there is none."""
    if not path.exists():
        return None
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return Witness.parse(lines[-1]) if lines else None


def verify_chain(witnessed: Witness | None = None) -> ChainReport:
    """Walk the chain from its start (the genesis, or the anchor of its cleared segments); report the first event
    whose content, link or position is wrong, and a chain that no longer holds the witnessed head."""
    expected_sequence, previous_hash = chain_start()
    cleared_up_to, checked = expected_sequence - 1, 0
    if witnessed and witnessed.sequence == cleared_up_to and witnessed.hash != previous_hash:
        return ChainReport(0, witnessed.sequence, f"event #{witnessed.sequence} is not the one witnessed")
    for event in _events_in_order(after=cleared_up_to):
        if event.sequence != expected_sequence:
            return ChainReport(checked, expected_sequence, f"event #{expected_sequence} is missing")
        if event.previous_hash != previous_hash:
            return ChainReport(checked, event.sequence, f"event #{event.sequence} does not link to the one before")
        if compute_hash(event) != event.hash:
            return ChainReport(checked, event.sequence, f"event #{event.sequence} was changed after it was written")
        if witnessed and event.sequence == witnessed.sequence and event.hash != witnessed.hash:
            return ChainReport(checked, event.sequence, f"event #{event.sequence} is not the one witnessed")
        previous_hash, expected_sequence, checked = event.hash, expected_sequence + 1, checked + 1
    last = expected_sequence - 1
    if witnessed and last < witnessed.sequence:
        return ChainReport(
            checked, last + 1, f"the chain ends at #{last} but #{witnessed.sequence} was witnessed: it was cut"
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    if head_sequence != last or (head and head.hash != previous_hash):
        return ChainReport(checked, last + 1, f"the chain ends at #{last} but its head says #{head_sequence}")
    return ChainReport(checked, None, "")


# (name, table, operation, per row): the events refuse UPDATE, DELETE and TRUNCATE; the chain head, which only moves
# forward, refuses DELETE and TRUNCATE (a TRUNCATE fires no row trigger: PostgreSQL needs a statement trigger).
EVENT_TABLE = AuditEvent._meta.db_table
HEAD_TABLE = AuditChainHead._meta.db_table
TRIGGERS = (
    ("kring_audit_no_update", EVENT_TABLE, "UPDATE", True),
    ("kring_audit_no_delete", EVENT_TABLE, "DELETE", True),
    ("kring_audit_no_truncate", EVENT_TABLE, "TRUNCATE", False),
    ("kring_audit_head_no_delete", HEAD_TABLE, "DELETE", True),
    ("kring_audit_head_no_truncate", HEAD_TABLE, "TRUNCATE", False),
)
TRIGGER_NAMES = tuple(name for name, *_rest in TRIGGERS)


def install_triggers(schema_editor: Any = None) -> None:
    """Refuse changing or emptying the audit log, on SQLite (which has no TRUNCATE) and PostgreSQL."""
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION kring_audit_refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"
            )
        for name, table, operation, per_row in TRIGGERS:
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                    f"FOR EACH {'ROW' if per_row else 'STATEMENT'} EXECUTE FUNCTION kring_audit_refuse()"
                )
            elif operation != "TRUNCATE":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
                )


def drop_triggers(schema_editor: Any = None) -> None:
    """Remove the triggers (only for migrations backwards and for the tampering tests)."""
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        for name, table, _operation, _per_row in TRIGGERS:
            suffix = f" ON {table}" if conn.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{suffix}")
