"""`kring seed`, `kring demo` and `kring totp`."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from kring.access.audit import verify_chain
from kring.access.auth import current_totp_code
from kring.access.models import AuditEvent
from kring.access.roles import INTEGRATION_ROLES, Role
from kring.casework.models import TsiCase
from kring.casework.tsi.actions import request_tsi
from kring.demo.generator import DemoResult
from kring.demo.names import MUNICIPALITY_CODE
from kring.directory.models import Municipality, Unit, UnitKind, User
from kring.people.models import Child
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def test_seed_prints_a_summary_and_every_demo_login(db: None) -> None:
    output = _seed("--size", "small", "--seed", "3")

    assert "Seeded Demokommun (9980), size small, seed 3" in output
    for email in ("larare@", "rektor@", "kurator@", "socialsekreterare@", "tsi@", "polis@", "samordnare@", "admin@"):
        assert f"{email}demokommun.example" in output
    assert output.count("otpauth://totp/") == len(set(Role.values) - INTEGRATION_ROLES)
    assert re.search(r"secret=[A-Z2-7]{32}&issuer=Kring", output)


def test_seed_writes_one_audit_event_without_an_actor(db: None) -> None:
    _seed("--size", "small")

    event = AuditEvent.objects.get(target_type="demo_seed")
    assert event.actor_id is None
    assert event.actor_label == "kring seed"
    assert event.action == "write"
    assert event.details["size"] == "small"
    assert event.municipality_id == Municipality.objects.get(code=MUNICIPALITY_CODE).pk


def test_seed_refuses_when_the_demo_municipality_exists(db: None) -> None:
    _seed("--size", "small")

    with pytest.raises(CommandError, match="--replace"):
        _seed("--size", "small")
    assert Municipality.objects.filter(code=MUNICIPALITY_CODE).count() == 1


def test_seed_replace_deletes_the_old_demo_and_keeps_the_audit_log(db: None) -> None:
    _seed("--size", "small", "--seed", "1")
    old = Municipality.objects.get(code=MUNICIPALITY_CODE)

    _seed("--size", "small", "--seed", "2", "--replace")

    new = Municipality.objects.get(code=MUNICIPALITY_CODE)
    assert new.pk != old.pk
    assert AuditEvent.objects.filter(target_type="demo_seed").count() == 2
    assert AuditEvent.objects.filter(target_type="demo_seed", details__replaced=True).count() == 1
    assert verify_chain().ok


def test_seed_replace_leaves_other_municipalities_alone(world: World) -> None:
    _seed("--size", "small")

    _seed("--size", "small", "--replace")

    world.child.refresh_from_db()
    assert world.municipality.children.count() == 2


def test_demo_refuses_without_debug(db: None) -> None:
    with pytest.raises(CommandError, match="KRING_DEBUG=true"):
        call_command("demo", "--no-server", stdout=StringIO())


@pytest.mark.skipif(connection.vendor == "sqlite", reason="only PostgreSQL must be refused")
@override_settings(DEBUG=True)
def test_demo_refuses_to_recreate_a_postgresql_database(db: None) -> None:
    with pytest.raises(CommandError, match="DATABASE_URL"):
        call_command("demo", "--no-server", stdout=StringIO())


@override_settings(DEBUG=True)
def test_demo_with_keep_seeds_into_the_current_database(db: None) -> None:
    out = StringIO()

    call_command("demo", "--no-server", "--keep", stdout=out)

    assert "larare@demokommun.example" in out.getvalue()
    assert "kring totp larare@demokommun.example" in out.getvalue()
    assert AuditEvent.objects.get(target_type="demo_seed").actor_label == "kring demo"


def _kring(*args: str, database: Path, debug: bool = True) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"KRING_SQLITE_PATH": str(database), "KRING_FAST_PASSWORD_HASHER": "true"}
    env["KRING_DEBUG"] = "true" if debug else "false"
    if not debug:
        env["KRING_SECRET_KEY"] = "a-secret-for-this-test-only"
        env["KRING_FIELD_ENCRYPTION_KEYS"] = "dGhpcy1pcy1hLWZpZWxkLWtleS1mb3ItdGhpcy10ZXM="  # a key for this test only
        env["KRING_IDENTITY_INDEX_KEY"] = "an-index-key-for-this-test-only"
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "kring.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_demo_command_starts_from_a_fresh_sqlite_database(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    database.write_bytes(b"an old database that must go")
    (tmp_path / "demo.sqlite3-wal").write_bytes(b"old")

    result = _kring("demo", "--no-server", database=database)

    assert result.returncode == 0, result.stderr
    assert "larare@demokommun.example" in result.stdout
    assert re.search(r"larare@demokommun\.example\s+\S+\s+[A-Z2-7]{32}\s+\d{6}", result.stdout)
    with sqlite3.connect(database) as db:
        children = db.execute("SELECT count(*) FROM people_child").fetchone()[0]
        events = db.execute(
            "SELECT target_type, actor_label FROM access_auditevent WHERE actor_id IS NULL ORDER BY sequence"
        ).fetchall()
        case_events = db.execute("SELECT count(*) FROM access_auditevent WHERE request_id = 'demo-seed'").fetchone()
    assert children > 500
    assert events == [("demo_seed", "kring demo"), ("statistics_refresh", "kring demo")]
    assert case_events[0] > 100  # the demo users' work on the TSI cases

    code = _kring("totp", "larare@demokommun.example", database=database)
    assert code.returncode == 0, code.stderr
    assert re.fullmatch(r"\d{6}\n", code.stdout)

    refused = _kring("totp", "larare@demokommun.example", database=database, debug=False)
    assert refused.returncode != 0
    assert "KRING_DEBUG=true" in refused.stderr


@override_settings(DEBUG=True)
def test_totp_prints_the_current_code_of_a_demo_user(tiny_demo: DemoResult) -> None:
    secret = tiny_demo.login_for(Role.TEACHER).totp_secret
    out = StringIO()

    before = current_totp_code(secret)
    call_command("totp", "larare@demokommun.example", stdout=out, stderr=StringIO())
    after = current_totp_code(secret)

    assert out.getvalue().strip() in {before, after}
    assert AuditEvent.objects.filter(actor_label="kring totp").count() == 1


@override_settings(DEBUG=True)
def test_totp_refuses_a_user_outside_the_demo_municipality(tiny_demo: DemoResult, teacher) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="not a user of the demo municipality"):
        call_command("totp", teacher.email, stdout=StringIO())


def test_totp_refuses_without_debug(tiny_demo: DemoResult) -> None:
    with pytest.raises(CommandError, match="KRING_DEBUG=true"):
        call_command("totp", "larare@demokommun.example", stdout=StringIO())


def test_seed_replace_also_deletes_what_people_did_in_the_demo(tiny_demo: DemoResult) -> None:
    principal = User.objects.get(email=tiny_demo.login_for(Role.PRINCIPAL).email)
    school = principal.memberships.get().unit
    child = Child.objects.filter(placements__unit=school).first()
    team = Unit.objects.get(municipality=tiny_demo.municipality, kind=UnitKind.JOINT_TEAM)
    assert child is not None
    made = request_tsi(by=principal, child=child, team=team, reason="Demo")
    events_before = list(AuditEvent.objects.values_list("pk", flat=True))

    _seed("--size", "small", "--replace")

    new = Municipality.objects.get(code=MUNICIPALITY_CODE)
    assert not TsiCase.objects.filter(pk=made.pk).exists()
    assert not TsiCase.objects.exclude(municipality=new).exists()  # only the new demo's own cases
    assert AuditEvent.objects.filter(pk__in=events_before).count() == len(events_before)
    assert verify_chain().ok
