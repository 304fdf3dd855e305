"""Retention rules as data: per record type, how long a municipality keeps it after which event, then what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality


class RecordType(models.TextChoices):
    CONCERN = "concern", _("Concerns")
    CONSULTATION = "consultation", _("Anonymous consultations")
    REPORT = "report", _("Reports of concern and their assessments")
    TSI_CASE = "tsi_case", _("TSI cases and all their parts")
    ABSENCE = "absence", _("Absence (rows of the school register)")
    ABSENCE_INDICATOR = "absence_indicator", _("Absence indicators")
    INVESTIGATION = "investigation", _("Investigations of absence")
    SURVEY_ANSWERS = "survey_answers", _("Pupil survey answers")


class CountedFrom(models.TextChoices):
    CLOSED = "closed", _("its closure or decision")
    RECORDED = "recorded", _("the day it was recorded")
    TURNED_18 = "turned_18", _("the child turning 18")
    BIRTH = "birth", _("the child's birth")
    SCHOOL_YEAR_END = "school_year_end", _("the end of the school year")


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete (gallra)")
    KEEP = "keep", _("Keep (bevara): hand to the archive, never cleared here")


class RetentionRule(models.Model):
    """One record type's retention in one municipality, from its document management plan (dokumenthanteringsplan)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="retention_rules")
    record_type = models.CharField(_("record type"), max_length=30, choices=RecordType.choices)
    keep_years = models.PositiveSmallIntegerField(_("kept for (years)"))
    counted_from = models.CharField(_("counted from"), max_length=20, choices=CountedFrom.choices)
    action = models.CharField(_("then"), max_length=10, choices=RetentionAction.choices, default=RetentionAction.DELETE)
    source = models.CharField(_("source"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["record_type"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "record_type"], name="retention_rule_one_per_type"),
            models.CheckConstraint(condition=models.Q(keep_years__lte=100), name="retention_rule_years"),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.keep_years} y after {self.get_counted_from_display()}"
