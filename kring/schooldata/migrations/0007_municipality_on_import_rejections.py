"""A record the import refused carries its municipality itself (ready for Citus, docs/adr/0019): its run's, then
required, and on PostgreSQL in a composite key with its run."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kring.tenant_keys import add_tenant_keys, fill_from_parents, municipality_field, remove_tenant_keys

REFERENCED = ["schooldata_importrun"]
FOREIGN_KEYS = [("schooldata_importrejection", "run_id", "schooldata_importrun")]


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    fill_from_parents(apps, schema_editor, [("schooldata.ImportRejection", "run", "schooldata.ImportRun")])


def add_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    add_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


def remove_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("schooldata", "0006_tenant_in_unique_constraints"),
        ("records", "0006_tenant_composite_keys"),
    ]

    operations = [
        migrations.AddField(model_name="importrejection", name="municipality", field=municipality_field(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="importrejection", name="municipality", field=municipality_field(null=False)
        ),
        migrations.RunPython(add_keys, remove_keys),
    ]
