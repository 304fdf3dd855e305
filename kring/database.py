"""The database settings, from the environment: SQLite (however it is named) always with the same hardening, and
PostgreSQL with persistent connections or psycopg's pool, sized for the server's workers and threads (see
`docs/operations.md`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dj_database_url

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
