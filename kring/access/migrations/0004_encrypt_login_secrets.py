"""Encrypt the TOTP secrets and recovery-code seeds stored in plain text before Kring encrypted them at rest."""

from django.db import migrations

FIELDS = ("secret", "seed")


def encrypt_existing(apps, schema_editor):
    from kring.access.secrets import is_encrypted, rotate_text

    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.all():
        data = dict(row.data)
        changed = False
        for name in FIELDS:
            if isinstance(data.get(name), str) and not is_encrypted(data[name]):
                data[name], changed = rotate_text(data[name]), True
        codes = data.get("migrated_codes")
        if isinstance(codes, list) and any(not is_encrypted(code) for code in codes):
            data["migrated_codes"], changed = [rotate_text(code) for code in codes], True
        if changed:
            authenticator.objects.filter(pk=row.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("access", "0003_audit_truncate_triggers"), ("mfa", "0003_authenticator_type_uniq")]
    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
