"""The clocks of a report of concern run from its arrival (filing), are kept on the report, and the initial
assessment may be extended for exceptional reasons; an opened investigation has a four-month clock."""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def _add_days(start, days):
    due = start + timedelta(days=days)
    if getattr(settings, "KRING_DEADLINE_SKIP_WEEKENDS", False):
        while due.weekday() >= 5:
            due += timedelta(days=1)
    return due


def clocks_from_arrival(apps, schema_editor):
    report_model = apps.get_model("casework", "ReportOfConcern")
    assessment_model = apps.get_model("casework", "ReportAssessment")
    received = dict(assessment_model.objects.values_list("report_id", "received_at"))
    for report in report_model.objects.all().only("pk", "filed_at"):
        arrived = timezone.localdate(report.filed_at)
        report_model.objects.filter(pk=report.pk).update(
            protection_due=arrived,
            decision_due=_add_days(arrived, settings.KRING_INITIAL_ASSESSMENT_DAYS),
            feedback_due=_add_days(arrived, settings.KRING_FEEDBACK_DAYS),
            received_at=received.get(report.pk),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_consent_two_directions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reportofconcern",
            name="protection_due",
            field=models.DateField(null=True, verbose_name="protection assessment due"),
        ),
        migrations.AddField(
            model_name="reportofconcern",
            name="decision_due",
            field=models.DateField(null=True, verbose_name="initial assessment due"),
        ),
        migrations.AddField(
            model_name="reportofconcern",
            name="feedback_due",
            field=models.DateField(null=True, verbose_name="feedback due"),
        ),
        migrations.AddField(
            model_name="reportofconcern",
            name="received_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="received by social services"),
        ),
        migrations.RunPython(clocks_from_arrival, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportofconcern",
            name="protection_due",
            field=models.DateField(verbose_name="protection assessment due"),
        ),
        migrations.AlterField(
            model_name="reportofconcern",
            name="decision_due",
            field=models.DateField(verbose_name="initial assessment due"),
        ),
        migrations.AlterField(
            model_name="reportofconcern",
            name="feedback_due",
            field=models.DateField(verbose_name="feedback due"),
        ),
        migrations.AddField(
            model_name="reportofconcern",
            name="decision_extended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="initial assessment extended"),
        ),
        migrations.AddField(
            model_name="reportofconcern",
            name="decision_extended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="reportofconcern",
            name="decision_extension_reason",
            field=models.TextField(blank=True, verbose_name="the exceptional reasons for the extension"),
        ),
        migrations.RemoveField(model_name="reportassessment", name="protection_due"),
        migrations.RemoveField(model_name="reportassessment", name="decision_due"),
        migrations.RemoveField(model_name="reportassessment", name="feedback_due"),
        migrations.AddField(
            model_name="reportassessment",
            name="investigation_due",
            field=models.DateField(blank=True, null=True, verbose_name="investigation due"),
        ),
    ]
