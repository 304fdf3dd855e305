"""`kring backup --to FILE` copies a running SQLite database (the online backup API), and the copy restores: put in
place of the database it is a whole Kring, the audit chain intact and the data there (issue 19, section 4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent

FILL_AND_BACK_UP = """
import sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from kring.access.audit import record_event
from kring.directory.models import Municipality
Municipality.objects.create(name="Backupstad", code="9997")
for n in range(25):
    record_event(actor=None, action="write", target_type="backup-test", target_id=str(n))
call_command("backup", to=sys.argv[1])
"""

CHECK_RESTORED = """
import django
django.setup()
from django.core.management import call_command
from kring.access.health import health_report
from kring.access.models import AuditEvent
from kring.directory.models import Municipality
call_command("audit_verify")
backup = AuditEvent.objects.get(target_type="database_backup")
print(Municipality.objects.filter(code="9997").count(), AuditEvent.objects.filter(target_type="backup-test").count(),
      backup.action, backup.sequence == AuditEvent.objects.count(), health_report()[0])
"""


def _kring(script: str, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KRING_SQLITE_PATH": str(database),
        "DJANGO_SETTINGS_MODULE": "kring.settings",
        "KRING_DEBUG": "true",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_a_backup_restores_into_a_fresh_file_with_its_audit_chain_intact(tmp_path: Path) -> None:
    backup = tmp_path / "backups" / "kring-2026-11-18.sqlite3"
    backup.parent.mkdir()

    made = _kring(FILL_AND_BACK_UP, tmp_path / "live" / "kring.sqlite3", str(backup))

    assert made.returncode == 0, made.stderr[-2000:]
    assert "Backed up to" in made.stdout and "Audit chain head in it: #26" in made.stdout
    assert backup.stat().st_mode & 0o077 == 0  # readable by Kring's user only
    assert not list(backup.parent.glob(".*partial"))
    restored = tmp_path / "restored" / "kring.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)  # the restore: the copy in place of the database, Kring stopped

    checked = _kring(CHECK_RESTORED, restored)

    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "The audit log is intact: 26 events verified" in checked.stdout
    assert checked.stdout.split()[-5:] == ["1", "25", "export", "True", "True"]


@pytest.mark.django_db
def test_backup_refuses_an_existing_file_and_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    existing = tmp_path / "old.sqlite3"
    existing.write_bytes(b"")
    database = connections["default"]  # the wrapper itself, not the proxy `connection`
    monkeypatch.setattr(database, "vendor", "sqlite")  # (the check comes first, on any database the suite runs on)
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", to=str(existing))

    monkeypatch.setattr(database, "vendor", "postgresql")
    with pytest.raises(CommandError, match="pg_basebackup"):
        call_command("backup", to=str(tmp_path / "new.sqlite3"))
    assert not (tmp_path / "new.sqlite3").exists()
