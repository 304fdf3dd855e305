"""The SQLite test database made from a copy, not by running every migration again.

Running Kring's migrations into a fresh database takes most of a minute (Django renders the models' state again for
each operation that touches a relation, and nearly every table points to the municipality). The suite runs on
SQLite several times in CI and many times a day on a developer's machine, each time from an empty in-memory
database. So the first run after a change of the migrations migrates as Django always does and keeps a copy of the
result (SQLite's online backup) in the temporary directory, named by a hash of every migration file (and of Kring's
modules they import), Django's and SQLite's versions; a later run copies it into its in-memory database instead of
migrating. The copy is what the migrations made and nothing else (the suite's clock does not reach it: no migration
reads the date on an empty database). Any other database (PostgreSQL, a file) is made by Django as usual.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import django
from django.conf import settings
from django.db.backends.sqlite3.creation import DatabaseCreation

_django_create_test_db = DatabaseCreation.create_test_db


@cache
def template_path() -> Path:
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    modules = {sys.modules[migration.__module__] for migration in loader.disk_migrations.values()}
    files = sorted({module.__file__ or "" for module in modules} | _kring_modules_used_by(modules))
    for name in files:
        digest.update(name.rsplit("site-packages", 1)[-1].encode())
        digest.update(Path(name).read_bytes())
    return Path(tempfile.gettempdir()) / "kring-test-databases" / f"{digest.hexdigest()[:24]}.sqlite3"


def _kring_modules_used_by(modules: set[ModuleType]) -> set[str]:
    """The files of Kring's own modules a migration imports (their code runs when it does)."""
    used = set()
    for module in modules:
        for value in vars(module).values():
            name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
            if isinstance(name, str) and name.startswith("kring.") and ".migrations." not in name:
                used.add(sys.modules[name].__file__ or "")
    return used


def _in_memory(creation: DatabaseCreation) -> bool:
    return creation.is_in_memory_db(creation._get_test_db_name())


def create_test_db(
    self: DatabaseCreation, verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
) -> str:
    if not _in_memory(self):
        return str(_django_create_test_db(self, verbosity, autoclobber, serialize, keepdb))
    template = template_path()
    if not template.exists():
        name = str(_django_create_test_db(self, verbosity, autoclobber, serialize, keepdb))
        _keep(self, template)
        return name
    name = self._get_test_db_name()
    self._create_test_db(verbosity, autoclobber, keepdb)
    self.connection.close()
    settings.DATABASES[self.connection.alias]["NAME"] = name
    self.connection.settings_dict["NAME"] = name
    self.connection.ensure_connection()
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        source.backup(_raw(self))
    finally:
        source.close()
    if serialize:
        self.connection._test_serialized_contents = self.serialize_db_to_string()  # type: ignore[attr-defined]
    return str(name)


def _raw(creation: DatabaseCreation) -> Any:
    creation.connection.ensure_connection()
    return creation.connection.connection


def _keep(creation: DatabaseCreation, template: Path) -> None:
    """A copy of the freshly migrated database, put in place whole (another run may be reading an older one)."""
    template.parent.mkdir(parents=True, exist_ok=True)
    partial = template.with_suffix(f".{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        _raw(creation).backup(target)
    finally:
        target.close()
    os.replace(partial, template)


def install() -> None:
    DatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]
