"""The evaluation's summary: one row per TSI case closed in the last two school years (and this one), and one per
pupil matched to it as a comparison, refreshed with the statistics (`kring refresh-statistics`), read by the page.

No child and no person: a row holds the school, grade, sex and age band, the attendance over periods of whole
months, the family's ratings and the steps of the method, never who the child is. The page publishes only figures
over at least `THRESHOLD` cases (means, shares, the difference in differences), never a row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.casework.models import AgeBand, ClosureReason
from kring.directory.models import Municipality, Unit


class EvaluatedCase(models.Model):
    """A closed TSI case as the evaluation counts it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    # As in the statistics' summary, so that a scope picks the rows the same way: the asking school, and the team.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("asking unit"))
    receiving_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    # The school the child was placed at when the case was requested: the comparison's pool and the cluster.
    school = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    requested_month = models.DateField(_("month requested"))
    closed_month = models.DateField(_("month closed"))
    school_year = models.PositiveSmallIntegerField(_("school year closed"))  # the calendar year it began in
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    sex = models.CharField(_("sex"), max_length=10)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    closure_reason = models.CharField(_("reason for closing"), max_length=30, choices=ClosureReason.choices)
    # Attendance (%) over whole months: the two school months before the request, the months of the case, the two
    # school months after closure (null: not measured, or not over yet).
    before = models.FloatField(_("attendance before (%)"), null=True, blank=True)
    during = models.FloatField(_("attendance during (%)"), null=True, blank=True)
    after = models.FloatField(_("attendance after (%)"), null=True, blank=True)
    # An investigation by social services opened in the year after the request (null: the year is not over).
    investigation_after = models.BooleanField(_("investigation opened within a year"), null=True, blank=True)
    # The guardians' rating of conflicts at home and the child's of being listened to, first and last (1-5).
    conflicts_start = models.FloatField(null=True, blank=True)
    conflicts_end = models.FloatField(null=True, blank=True)
    listened_start = models.FloatField(null=True, blank=True)
    listened_end = models.FloatField(null=True, blank=True)
    # The method's steps (kring.insights.evaluation.panel.steps_in_order).
    in_order = models.BooleanField(_("every step done in order"))
    days_to_network = models.PositiveIntegerField(_("days from request to network meeting"), null=True, blank=True)
    # The time in each step, in days: request to consent, to the first follow-up done, and the whole case.
    days_to_consent = models.PositiveIntegerField(null=True, blank=True)
    days_to_follow_up = models.PositiveIntegerField(null=True, blank=True)
    days_open = models.PositiveIntegerField(null=True, blank=True)
    follow_ups_due = models.PositiveSmallIntegerField(_("follow-ups due"), default=0)
    follow_ups_on_time = models.PositiveSmallIntegerField(_("follow-ups on time"), default=0)
    # The pool the comparison was drawn from (pupils of the same school and grade, with absence measured before):
    # how many, their absence's sum and sum of squares, and the girls among them; for the balance before matching.
    pool_n = models.PositiveIntegerField(default=0)
    pool_absence_sum = models.FloatField(default=0)
    pool_absence_squares = models.FloatField(default=0)
    pool_girls = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("evaluated TSI case")
        verbose_name_plural = _("evaluated TSI cases")
        indexes = [models.Index(fields=["municipality", "school_year"], name="evaluated_case_year")]
        constraints = [
            models.CheckConstraint(condition=models.Q(follow_ups_on_time__lte=models.F("follow_ups_due")),
                                   name="evaluated_case_follow_ups"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.closed_month:%Y-%m} ({self.pk})"


class ComparisonPupil(models.Model):
    """A pupil without a TSI case matched to a case: the same school, grade and sex, absence before within the
    caliper; measured over the same months as the case."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(EvaluatedCase, on_delete=models.CASCADE, related_name="comparisons")
    before = models.FloatField(_("attendance before (%)"))
    during = models.FloatField(_("attendance during (%)"), null=True, blank=True)
    after = models.FloatField(_("attendance after (%)"), null=True, blank=True)
    investigation_after = models.BooleanField(_("investigation opened within a year"), null=True, blank=True)

    class Meta:
        verbose_name = _("comparison pupil")
        verbose_name_plural = _("comparison pupils")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.before}"
