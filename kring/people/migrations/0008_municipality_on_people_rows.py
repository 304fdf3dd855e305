"""A child's custodies and placements, a school's classes and their staff carry their municipality themselves (ready
for Citus, docs/adr/0019): filled from the child, the school or the class, then required, in their unique
constraints, and on PostgreSQL in composite keys with the rows they point to."""

from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kring.tenant_keys import add_tenant_keys, fill_from_parents, municipality_field, remove_tenant_keys

ROWS = ["custody", "group", "groupstaff", "placement"]
LINKS = [
    ("people.Custody", "child", "people.Child"),
    ("people.Group", "unit", "directory.Unit"),
    ("people.GroupStaff", "group", "people.Group"),
    ("people.Placement", "child", "people.Child"),
]
REFERENCED = ["people_group"]  # people_child and people_guardian have theirs (records 0006)
FOREIGN_KEYS = [
    ("people_custody", "child_id", "people_child"),
    ("people_custody", "guardian_id", "people_guardian"),
    ("people_groupstaff", "group_id", "people_group"),
    ("people_placement", "child_id", "people_child"),
    ("people_placement", "group_id", "people_group"),
    # older tenant tables pointing to a class
    ("prevention_classreview", "group_id", "people_group"),
    ("prevention_safeadultentry", "group_id", "people_group"),
    ("prevention_wellbeingrating", "group_id", "people_group"),
]


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    fill_from_parents(apps, schema_editor, LINKS)


def add_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    add_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


def remove_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_identity_index"),
        ("directory", "0010_e_service_role_and_system_users"),
        ("records", "0006_tenant_composite_keys"),
        ("prevention", "0004_tenant_in_unique_constraints"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="municipality", field=municipality_field(null=True))
            for name in ROWS
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="municipality", field=municipality_field(null=False))
            for name in ROWS
        ),
        migrations.RemoveConstraint(model_name="custody", name="custody_unique"),
        migrations.AddConstraint(
            model_name="custody",
            constraint=models.UniqueConstraint(fields=("municipality", "child", "guardian"), name="custody_unique"),
        ),
        migrations.RemoveConstraint(model_name="group", name="group_unique_name"),
        migrations.AddConstraint(
            model_name="group",
            constraint=models.UniqueConstraint(
                fields=("municipality", "unit", "name", "school_year"), name="group_unique_name"
            ),
        ),
        migrations.RemoveConstraint(model_name="groupstaff", name="group_staff_unique"),
        migrations.AddConstraint(
            model_name="groupstaff",
            constraint=models.UniqueConstraint(
                fields=("municipality", "group", "user", "role", "start_date"), name="group_staff_unique"
            ),
        ),
        migrations.RunPython(add_keys, remove_keys),
    ]
