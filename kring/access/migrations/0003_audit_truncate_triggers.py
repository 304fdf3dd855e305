"""The audit log also refuses TRUNCATE (PostgreSQL: a statement trigger), and its chain head DELETE and TRUNCATE."""

from django.db import migrations


def install(apps, schema_editor):
    from kring.access.audit import install_triggers

    install_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_audit_triggers")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
