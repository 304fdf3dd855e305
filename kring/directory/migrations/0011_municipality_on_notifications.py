"""A notification carries its municipality itself (ready for Citus, docs/adr/0019): its reader's, then required.
A notification of someone without a municipality (the deployment's own users, never asked to act on a
municipality's work) is removed first: Kring no longer makes them."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kring.tenant_keys import fill_from_parents, municipality_field


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("directory", "Notification").objects.filter(user__municipality__isnull=True).delete()
    fill_from_parents(apps, schema_editor, [("directory.Notification", "user", "directory.User")])


class Migration(migrations.Migration):
    dependencies = [("directory", "0010_e_service_role_and_system_users")]

    operations = [
        migrations.AddField(model_name="notification", name="municipality", field=municipality_field(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="notification", name="municipality", field=municipality_field(null=False)),
    ]
