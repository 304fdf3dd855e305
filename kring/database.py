"""The database settings, from the environment: SQLite (however it is named) always with the same hardening, and
PostgreSQL with persistent connections or psycopg's pool, sized for the server's workers and threads (see
`docs/operations.md`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import dj_database_url
from django.db import DEFAULT_DB_ALIAS

if TYPE_CHECKING:
    from django.db.models import Model

# A writer waits up to 20 s for the write lock (Python's sqlite3 `timeout` is SQLite's busy handler): under the
# development server's threads a burst of writes (every request saves its session) must queue, never fail.
SQLITE_BUSY_SECONDS = 20
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_SECONDS,
    "init_command": (
        f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000};"
    ),
}


# The server's shape, read by gunicorn (kring/gunicorn_conf.py) and by the pool's size: worker processes, and
# threads in each (a thread serves one request at a time and needs one connection for it).
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 8


def _bool(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").lower()
    if value in {"", "0", "false", "no", "off"}:
        return False
    if value in {"1", "true", "yes", "on"}:
        return True
    raise ValueError(f"{name} must be true or false, not {value!r}.")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ValueError(f"{name} must be a whole number, not {value!r}.") from error


def database_settings(env: Mapping[str, str], *, sqlite_path: str, debug: bool) -> dict[str, Any]:
    """The `default` database: `DATABASE_URL` if set, else the SQLite file at `sqlite_path`.

    * Every SQLite database gets IMMEDIATE transactions, WAL and a busy timeout (writers wait, never "locked").
    * PostgreSQL keeps a connection per thread for `KRING_DB_CONN_MAX_AGE` seconds (default 60; 0 under the
      development server, whose threads would each keep one open), or with `KRING_DB_POOL=true` shares a psycopg
      pool per process of as many connections as the process has threads (`KRING_THREADS`), or of
      `KRING_DB_POOL_MAX_SIZE` (`KRING_DB_POOL_MIN_SIZE`, default 1; `KRING_DB_POOL_TIMEOUT`
      seconds to wait for a free one, default 10).
    """
    url = env.get("DATABASE_URL", "")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": sqlite_path, "OPTIONS": dict(SQLITE_OPTIONS)}
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**config.get("OPTIONS", {}), **SQLITE_OPTIONS}
        return config
    config["CONN_MAX_AGE"] = _int(env, "KRING_DB_CONN_MAX_AGE", 0 if debug else 60)
    config["CONN_HEALTH_CHECKS"] = True
    pool_size = _int(env, "KRING_DB_POOL_MAX_SIZE", 0)
    if pool_size <= 0 and _bool(env, "KRING_DB_POOL"):
        pool_size = _int(env, "KRING_THREADS", DEFAULT_THREADS)  # one connection per thread, never more
    if pool_size > 0 and config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "pool": {
                "min_size": min(_int(env, "KRING_DB_POOL_MIN_SIZE", 1), pool_size),
                "max_size": pool_size,
                "timeout": _int(env, "KRING_DB_POOL_TIMEOUT", 10),
            },
        }
    return config


# --- a read replica for statistics and exports (docs/adr/0019-room-to-grow-past-one-server.md) ----------------------

REPLICA = "replica"
_REPLICA_URL = "DATABASE_REPLICA_URL"


def replica_settings(
    env: Mapping[str, str], *, default: Mapping[str, Any], debug: bool, testing: bool
) -> dict[str, Any] | None:
    """The `replica` database: `DATABASE_REPLICA_URL` (read like `DATABASE_URL`), or None without it.

    Under the test suite it is always there, as a stand-in: a second database on the same server (its own in-memory
    database on SQLite, `test_<name>_replica` on PostgreSQL), which the tests of the routing fill themselves; the
    reports read from it only where a test says so (`KRING_REPORTING_DATABASE`)."""
    if testing:
        stand_in = copy.deepcopy(dict(default))
        if stand_in["ENGINE"] != "django.db.backends.sqlite3":
            stand_in["TEST"] = {"NAME": f"test_{stand_in['NAME']}_{REPLICA}"}
        return stand_in
    url = env.get(_REPLICA_URL, "")
    if not url:
        return None
    try:
        return database_settings({**env, "DATABASE_URL": url}, sqlite_path="", debug=debug)
    except ValueError as error:
        raise ValueError(f"{_REPLICA_URL}: {error}") from error


def reporting_database(env: Mapping[str, str], *, testing: bool) -> str:
    """Where statistics and exports read: the replica when one is configured (never by default under tests)."""
    return REPLICA if env.get(_REPLICA_URL) and not testing else DEFAULT_DB_ALIAS


# The alias reads go to inside `reading_from_replica()`; None outside (each thread and task has its own context).
_reading_from: ContextVar[str | None] = ContextVar("kring_reading_from", default=None)

# Never read from the replica, even inside the block: the audit chain's head and events (an audit write reads the
# head it extends, and a replica behind the primary would fork the chain).
PRIMARY_ONLY = frozenset({"access.auditevent", "access.auditchainhead"})


def reporting_alias() -> str:
    """The database statistics and exports read from: `replica` if `DATABASE_REPLICA_URL` is set, else `default`."""
    from django.conf import settings

    return str(getattr(settings, "KRING_REPORTING_DATABASE", DEFAULT_DB_ALIAS))


@contextmanager
def reading_from_replica() -> Iterator[str]:
    """Every read inside the block, however deep (policy helpers, lazy relations, PDF rendering), goes to the
    reporting database; every write still goes to `default` (`PrimaryWritesRouter`). Make the access decision on
    the primary *before* the block: the replica may be a moment behind."""
    token = _reading_from.set(reporting_alias())
    try:
        yield _reading_from.get() or DEFAULT_DB_ALIAS
    finally:
        _reading_from.reset(token)


class PrimaryWritesRouter:
    """Installed when there is a `replica` alias. Writes always go to `default`; reads go to `default` too, except
    inside `reading_from_replica()`. (Reads never follow an object's own database: an object read from the replica
    and then changed is saved to the primary.)"""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if model._meta.label_lower in PRIMARY_ONLY:
            return DEFAULT_DB_ALIAS
        return _reading_from.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary
