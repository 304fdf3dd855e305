"""The question bank of the pupil surveys (kring/prevention/surveys/bank.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from kring.prevention.surveys.bank import load_question_bank

    load_question_bank(apps.get_model("prevention", "BankQuestion"))


class Migration(migrations.Migration):
    dependencies = [("prevention", "0002_programmes_and_surveys")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
