"""What the migrations that give a tenant table its `municipality_id` share (ready for Citus, docs/adr/0019).

A row's municipality is filled from the row it belongs to (its case, its meeting, its group), parents before their
children; on PostgreSQL each referenced tenant table gets UNIQUE (municipality_id, id), and each foreign key between
tenant tables a composite key (municipality_id, x_id) → (municipality_id, id) beside Django's own, deferred like
Django's, so that the database itself refuses a row that points into another municipality. SQLite keeps Django's
keys only. `kring/records/migrations/0006_tenant_composite_keys.py` made the first of these keys the same way."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import OuterRef, Subquery

# (app_label.Model, its foreign key to the row it belongs to, app_label.Model of that row)
ParentLink = tuple[str, str, str]
# (table, column, referenced table)
ForeignKeyColumns = tuple[str, str, str]


def municipality_field(*, null: bool) -> models.ForeignKey:  # type: ignore[type-arg]
    """The field as the migrations add it (nullable while it is filled, then required)."""
    return models.ForeignKey(
        null=null, on_delete=models.deletion.PROTECT, related_name="+", to="directory.municipality"
    )


def fill_from_parents(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, links: Sequence[ParentLink]) -> None:
    """Each row takes its parent's municipality; `links` in order, parents before their children."""
    if schema_editor.connection.vendor == "postgresql":
        # check the keys row by row, so that the table can be altered in this transaction afterwards
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for child_label, key, parent_label in links:
        child = apps.get_model(child_label)
        parent = apps.get_model(parent_label)
        of_parent = parent.objects.filter(pk=OuterRef(f"{key}_id")).values("municipality_id")[:1]
        child.objects.update(municipality_id=Subquery(of_parent))


def _name(*parts: str, suffix: str) -> str:
    """A constraint name within PostgreSQL's 63 characters, readable where it fits."""
    name = "_".join([*parts, suffix])
    if len(name) <= 63:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: 63 - len(suffix) - 10]}_{digest}_{suffix}"


def tenant_key_name(table: str) -> str:
    return _name(table, suffix="tenant_key")


def tenant_fk_name(table: str, column: str) -> str:
    return _name(table, column, suffix="tenant_fk")


def add_tenant_keys(
    schema_editor: BaseDatabaseSchemaEditor, *, referenced: Iterable[str], foreign_keys: Iterable[ForeignKeyColumns]
) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in referenced:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{tenant_key_name(table)}" UNIQUE ("municipality_id", "id")'
        )
    for table, column, target in foreign_keys:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{tenant_fk_name(table, column)}" '
            f'FOREIGN KEY ("municipality_id", "{column}") REFERENCES "{target}" ("municipality_id", "id") '
            "DEFERRABLE INITIALLY DEFERRED"
        )


def remove_tenant_keys(
    schema_editor: BaseDatabaseSchemaEditor, *, referenced: Iterable[str], foreign_keys: Iterable[ForeignKeyColumns]
) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, _target in foreign_keys:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{tenant_fk_name(table, column)}"')
    for table in referenced:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{tenant_key_name(table)}"')
