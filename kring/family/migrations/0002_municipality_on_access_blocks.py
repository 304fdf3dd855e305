"""A blocked guardian access carries its municipality itself (ready for Citus, docs/adr/0019): the child's, then
required, in its unique constraint, and on PostgreSQL in composite keys with the guardian and the child."""

from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Q

from kring.tenant_keys import add_tenant_keys, fill_from_parents, municipality_field, remove_tenant_keys

FOREIGN_KEYS = [
    ("family_accessblock", "child_id", "people_child"),
    ("family_accessblock", "guardian_id", "people_guardian"),
]


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    fill_from_parents(apps, schema_editor, [("family.AccessBlock", "child", "people.Child")])


def add_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    add_tenant_keys(schema_editor, referenced=[], foreign_keys=FOREIGN_KEYS)


def remove_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_tenant_keys(schema_editor, referenced=[], foreign_keys=FOREIGN_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("family", "0001_initial"),
        ("directory", "0010_e_service_role_and_system_users"),
        ("records", "0006_tenant_composite_keys"),
    ]

    operations = [
        migrations.AddField(model_name="accessblock", name="municipality", field=municipality_field(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="accessblock", name="municipality", field=municipality_field(null=False)),
        migrations.RemoveConstraint(model_name="accessblock", name="access_block_one_in_force"),
        migrations.AddConstraint(
            model_name="accessblock",
            constraint=models.UniqueConstraint(
                fields=("municipality", "guardian", "child"),
                condition=Q(lifted_at__isnull=True),
                name="access_block_one_in_force",
            ),
        ),
        migrations.RunPython(add_keys, remove_keys),
    ]
