"""A stand-in for streaming replication in tests: `replicate()` copies every row of the test's `default` database into
its `replica` (a second test database, see `kring.database.replica_settings`), as a replica that has caught up;
what the test writes afterwards is on the primary only, as if the replica were a moment behind."""

from __future__ import annotations

from django.apps import apps
from django.db import connections
from django.db.models import Model

from kring.database import REPLICA


def _models() -> list[type[Model]]:
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy
    ]


def replicate() -> int:
    """Make the replica a copy of the primary (foreign keys are checked at the end of the test's transaction, so the
    order does not matter). Returns the number of rows copied."""
    copied = 0
    for model in _models():
        replica_rows = model._base_manager.using(REPLICA)
        if replica_rows.exists():  # rows made by migrations (content types, permissions): replaced by the primary's
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(f"DELETE FROM {connections[REPLICA].ops.quote_name(model._meta.db_table)}")  # noqa: S608
        rows = list(model._base_manager.using("default").all())
        model._base_manager.using(REPLICA).bulk_create(rows)
        copied += len(rows)
    return copied
