"""Five tenant tables carry their municipality themselves (ready for Citus, docs/adr/0019): the municipality of the
consultation, report or TSI case each row belongs to, filled from it, then required."""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import OuterRef, Subquery

# model → (parent model, the foreign key to it)
CHILD_ROWS = {
    "consultationmessage": ("Consultation", "consultation"),
    "reportassessment": ("ReportOfConcern", "report"),
    "reportfeedback": ("ReportOfConcern", "report"),
    "consent": ("TsiCase", "case"),
    "planversion": ("TsiCase", "case"),
}


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # check the new keys row by row, so that the table can be altered in this transaction afterwards
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, (parent_name, key) in CHILD_ROWS.items():
        model = apps.get_model("casework", name)
        parent = apps.get_model("casework", parent_name)
        of_parent = parent.objects.filter(pk=OuterRef(f"{key}_id")).values("municipality_id")[:1]
        model.objects.update(municipality_id=Subquery(of_parent))


def _field(null: bool) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="directory.municipality",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0016_tenant_in_unique_constraints"),
        ("directory", "0010_e_service_role_and_system_users"),
    ]

    operations = [
        *(migrations.AddField(model_name=name, name="municipality", field=_field(True)) for name in CHILD_ROWS),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(migrations.AlterField(model_name=name, name="municipality", field=_field(False)) for name in CHILD_ROWS),
        migrations.RemoveConstraint(model_name="planversion", name="plan_version_unique_number"),
        migrations.AddConstraint(
            model_name="planversion",
            constraint=models.UniqueConstraint(
                fields=("municipality", "case", "number"), name="plan_version_unique_number"
            ),
        ),
    ]
