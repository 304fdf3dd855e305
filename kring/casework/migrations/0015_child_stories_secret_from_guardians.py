"""The child's stories told before the guardians had pages of their own were told to the team only: they stay
secret towards the guardians until the team decides otherwise (OSL 12 kap 3 §)."""

from django.db import migrations


def keep_childrens_stories_from_the_guardians(apps, schema_editor):
    Story = apps.get_model("casework", "Story")
    Story.objects.filter(teller="child").update(secret_from_guardians=True)


class Migration(migrations.Migration):
    dependencies = [("casework", "0014_consent_request")]

    operations = [migrations.RunPython(keep_childrens_stories_from_the_guardians, migrations.RunPython.noop)]
