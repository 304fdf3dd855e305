"""The audit log is append-only and tamper-evident: triggers refuse changes, and audit-verify finds what slips past."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kring.access.audit import drop_triggers, install_triggers, last_witness, record_event, verify_chain
from kring.access.models import AuditAction, AuditChainHead, AuditEvent


def _write_events(count: int) -> list[AuditEvent]:
    return [
        record_event(actor=None, action=AuditAction.READ, target_type="test", target_id=n, details={"n": n})
        for n in range(count)
    ]


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", AuditEvent._meta.db_table), params)


def _bypassing_triggers(sql: str, params: list[object]) -> None:
    drop_triggers()
    try:
        _raw(sql, params)
    finally:
        install_triggers()


def test_audit_chain_of_untouched_events_verifies(db: None) -> None:
    _write_events(5)
    report = verify_chain()
    assert report.ok
    assert report.checked == 5


def test_audit_events_link_to_the_one_before(db: None) -> None:
    first, second = _write_events(2)
    assert second.previous_hash == first.hash
    assert second.sequence == first.sequence + 1
    assert AuditChainHead.objects.get().hash == second.hash


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE {table} SET actor_label = 'someone else' WHERE sequence = %s",
        "DELETE FROM {table} WHERE sequence = %s",
    ],
)
def test_audit_triggers_refuse_update_and_delete(db: None, sql: str) -> None:
    _write_events(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw(sql, [1])
    assert AuditEvent.objects.filter(sequence=1, actor_label="").exists()


def test_audit_orm_update_and_delete_are_refused_too(db: None) -> None:
    _write_events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(action=AuditAction.WRITE)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert verify_chain().ok


def test_audit_verify_finds_a_changed_event(db: None) -> None:
    _write_events(4)
    _bypassing_triggers("UPDATE {table} SET actor_label = 'forged' WHERE sequence = %s", [2])

    report = verify_chain()

    assert report.broken_at == 2
    assert "changed" in report.problem


def test_audit_verify_finds_a_changed_event_even_with_its_hash_recomputed(db: None) -> None:
    """Rewriting an event and its own hash breaks the link from the next event."""
    events = _write_events(3)
    from kring.access.audit import compute_hash

    forged = events[1]
    forged.actor_label = "forged"
    _bypassing_triggers(
        "UPDATE {table} SET actor_label = %s, hash = %s WHERE sequence = %s",
        ["forged", compute_hash(forged), 2],
    )

    assert verify_chain().broken_at == 3


def test_audit_verify_finds_a_deleted_event(db: None) -> None:
    _write_events(4)
    _bypassing_triggers("DELETE FROM {table} WHERE sequence = %s", [3])

    report = verify_chain()

    assert report.broken_at == 3
    assert "missing" in report.problem


def test_audit_verify_finds_a_deleted_newest_event(db: None) -> None:
    _write_events(3)
    _bypassing_triggers("DELETE FROM {table} WHERE sequence = %s", [3])

    report = verify_chain()

    assert report.broken_at == 3
    assert report.checked == 2


def test_audit_verify_command_reports_the_first_broken_link(db: None) -> None:
    _write_events(5)
    _bypassing_triggers("UPDATE {table} SET details = %s WHERE sequence IN (2, 4)", ['{"n": 99}'])

    with pytest.raises(CommandError, match="#2"):
        call_command("audit_verify")


def test_audit_verify_command_says_when_the_log_is_intact(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    _write_events(3)
    call_command("audit_verify")
    assert "3 events verified" in capsys.readouterr().out


def test_audit_event_is_rolled_back_with_the_change_it_records(db: None) -> None:
    _write_events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=None, action=AuditAction.WRITE, target_type="test")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == 1
    assert verify_chain().ok


# --- emptying the log, and the witness outside the database ------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's (SQLite has none)")
@pytest.mark.parametrize("model", [AuditEvent, AuditChainHead])
def test_audit_log_refuses_truncate_on_postgresql(db: None, model: type[AuditEvent | AuditChainHead]) -> None:
    _write_events(2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {model._meta.db_table}")
    assert verify_chain().ok and verify_chain().checked == 2


def test_audit_chain_head_refuses_delete(db: None) -> None:
    _write_events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.all().delete()
    assert AuditChainHead.objects.get().sequence == 1


def test_audit_verify_against_a_witness_finds_a_log_emptied_with_its_head(db: None, tmp_path: Path) -> None:
    witness = tmp_path / "witness.log"
    _write_events(3)
    call_command("audit_witness", file=str(witness), stdout=StringIO())
    _empty_the_log_and_its_head()

    assert verify_chain().ok  # without the witness an empty log looks intact
    report = verify_chain(last_witness(witness))
    assert not report.ok and report.broken_at == 1 and "#3 was witnessed" in report.problem
    with pytest.raises(CommandError, match="cut"):
        call_command("audit_verify", witness_file=str(witness))


def test_audit_verify_against_a_witness_finds_a_rewritten_chain(db: None, tmp_path: Path) -> None:
    witness = tmp_path / "witness.log"
    _write_events(2)
    call_command("audit_witness", file=str(witness), stdout=StringIO())
    _empty_the_log_and_its_head()
    _write_events(3)  # a new chain, longer than the witnessed one, but not the same events

    report = verify_chain(last_witness(witness))

    assert not report.ok and report.broken_at == 2 and "not the one witnessed" in report.problem


def test_audit_verify_prints_the_head_and_holds_the_witness(db: None, tmp_path: Path) -> None:
    witness = tmp_path / "witness.log"
    _write_events(2)
    call_command("audit_witness", file=str(witness), stdout=StringIO())
    _write_events(1)
    output = StringIO()

    call_command("audit_verify", witness_file=str(witness), stdout=output)

    head = AuditChainHead.objects.get()
    assert "3 events verified; it holds the witnessed head #2" in output.getvalue()
    assert f"Head: #3 {head.hash}" in output.getvalue()
    assert witness.read_text().count("\n") == 1 and witness.read_text().split()[1:] == ["2", verify_hash_of(2)]


def test_audit_witness_needs_a_place_to_write(db: None, settings: Any) -> None:
    settings.KRING_AUDIT_WITNESS_FILE = ""
    with pytest.raises(CommandError, match="--file"):
        call_command("audit_witness", file="")


def _empty_the_log_and_its_head() -> None:
    """What someone with the database owner's rights could do: drop the triggers and delete everything."""
    drop_triggers()
    try:
        AuditEvent.objects.all().delete()
        AuditChainHead.objects.all().delete()
    finally:
        install_triggers()


def verify_hash_of(sequence: int) -> str:
    return AuditEvent.objects.get(sequence=sequence).hash
