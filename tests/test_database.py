"""Every way of choosing SQLite gets the same hardening, PostgreSQL's connections come from the environment, and
concurrent writers on SQLite named by DATABASE_URL wait for each other instead of failing (issue 12, section 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kring.database import SQLITE_OPTIONS, database_settings

ROOT = Path(__file__).resolve().parent.parent


def test_sqlite_gets_the_same_hardening_whether_named_by_path_or_by_database_url(tmp_path: Path) -> None:
    by_path = database_settings({}, sqlite_path=str(tmp_path / "a.sqlite3"), debug=False)
    by_url = database_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/b.sqlite3"}, sqlite_path="", debug=False)

    assert by_path["OPTIONS"] == by_url["OPTIONS"] == SQLITE_OPTIONS
    assert by_url["NAME"] == f"{tmp_path}/b.sqlite3"


@pytest.mark.parametrize(
    ("env", "debug", "max_age"),
    [({}, False, 60), ({}, True, 0), ({"KRING_DB_CONN_MAX_AGE": "5"}, False, 5)],
)
def test_postgresql_connection_age_comes_from_the_environment(env: dict[str, str], debug: bool, max_age: int) -> None:
    config = database_settings({"DATABASE_URL": "postgres://kring@db:5432/kring", **env}, sqlite_path="", debug=debug)

    assert config["CONN_MAX_AGE"] == max_age and "pool" not in config.get("OPTIONS", {})


def test_postgresql_pool_is_sized_from_the_environment() -> None:
    env = {"DATABASE_URL": "postgres://kring@db:5432/kring", "KRING_DB_POOL_MAX_SIZE": "20"}

    config = database_settings(env, sqlite_path="", debug=False)

    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 20, "timeout": 10}


def test_a_setting_that_is_not_a_number_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="KRING_DB_POOL_MAX_SIZE"):
        database_settings(
            {"DATABASE_URL": "postgres://kring@db/kring", "KRING_DB_POOL_MAX_SIZE": "many"}, sqlite_path="", debug=False
        )


WRITERS = """
import threading, django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from kring.access.audit import record_event, verify_chain
errors = []
def write(n):
    try:
        for i in range(15):
            record_event(actor=None, action="write", target_type="load", target_id=f"{n}-{i}")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()
threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
report = verify_chain()
print(len(errors), report.checked, report.ok, errors[:1])
"""


def test_concurrent_writers_on_sqlite_named_by_database_url_never_meet_a_locked_database(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/load.sqlite3",
        "DJANGO_SETTINGS_MODULE": "kring.settings",
        "KRING_DEBUG": "true",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", WRITERS], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[:3] == ["0", "120", "True"], result.stdout


@pytest.mark.parametrize(
    ("env", "max_size"),
    [
        ({"KRING_DB_POOL": "true"}, 8),
        ({"KRING_DB_POOL": "true", "KRING_THREADS": "16"}, 16),
        ({"KRING_DB_POOL": "true", "KRING_THREADS": "16", "KRING_DB_POOL_MAX_SIZE": "4"}, 4),
    ],
)
def test_the_pool_has_as_many_connections_as_a_worker_has_threads(env: dict[str, str], max_size: int) -> None:
    config = database_settings({"DATABASE_URL": "postgres://kring@db:5432/kring", **env}, sqlite_path="", debug=False)

    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": max_size, "timeout": 10}


def test_without_the_pool_sqlite_and_a_pool_setting_on_sqlite_keep_their_own_settings(tmp_path: Path) -> None:
    sqlite = database_settings({"KRING_DB_POOL": "true"}, sqlite_path=str(tmp_path / "a.sqlite3"), debug=False)
    assert "pool" not in sqlite["OPTIONS"] and "CONN_MAX_AGE" not in sqlite
    with pytest.raises(ValueError, match="KRING_DB_POOL"):
        database_settings(
            {"DATABASE_URL": "postgres://kring@db/kring", "KRING_DB_POOL": "maybe"}, sqlite_path="", debug=False
        )


GUNICORN = "import kring.gunicorn_conf as c; print(c.workers, c.threads, c.bind, c.accesslog, c.access_log_format)"


def test_gunicorn_takes_its_shape_from_the_environment_and_logs_no_query_string() -> None:
    env = {**os.environ, "KRING_WORKERS": "4", "KRING_THREADS": "16", "KRING_ACCESS_LOG": "true"}
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", GUNICORN], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )

    workers, threads, bind, accesslog, access_format = result.stdout.split(" ", 4)
    assert (workers, threads, bind, accesslog) == ("4", "16", "127.0.0.1:8000", "-")
    assert "%(U)s" in access_format and "%(q)s" not in access_format and "%(r)s" not in access_format
    assert "%(h)s" not in access_format and "%(f)s" not in access_format and "%(a)s" not in access_format
