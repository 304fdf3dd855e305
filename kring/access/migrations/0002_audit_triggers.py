"""Database triggers that refuse UPDATE and DELETE on the audit table (SQLite and PostgreSQL)."""

from django.db import migrations


def install(apps, schema_editor):
    from kring.access.audit import install_triggers

    install_triggers(schema_editor)


def remove(apps, schema_editor):
    from kring.access.audit import drop_triggers

    drop_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
