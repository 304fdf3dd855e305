"""The statistics' summary: counts by month, refreshed by a task (`kring refresh-statistics`), read by the page.

`MonthlyCount` holds one row per municipality, kind of count, month and combination of *dimensions*: the units a
scope filters on (`unit`, `receiving_unit`) and the values a table breaks down by (`category`, `decision`,
`deadline`, `kept`) and the child's `grade`, `age_band` and `sex` when it happened. A dimension a kind does not have
is blank (or null for a unit). The refresh groups by every dimension; the page sums over the ones its table does not
show. Adding a breakdown is one more column in `DIMENSIONS`, one more value in the refresh's key, and the table
that shows it.

No child, no person, no free text: counts only, and shown only through the small-count suppression.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kring.casework.models import AgeBand
from kring.directory.models import Municipality, Unit


class CountKind(models.TextChoices):
    CONCERNS = "concerns", _("Concerns recorded")
    CONSULTATIONS = "consultations", _("Anonymous consultations asked")
    REPORTS = "reports", _("Reports of concern filed")
    DEADLINES = "deadlines", _("Deadlines of reports of concern, kept or not")
    TSI_REQUESTS = "tsi_requests", _("TSI cases requested")
    TSI_CLOSED = "tsi_closed", _("TSI cases closed")
    ABSENCE_INVESTIGATIONS = "absence_investigations", _("Investigations of absence opened")
    HIGH_ABSENCE = "high_absence", _("Pupils absent more than the term's threshold")


class RequestStatus(models.TextChoices):
    """What became of a school's request for a TSI case, as of the refresh."""

    ACCEPTED = "accepted", _("Accepted by the team")
    DECLINED = "declined", _("Declined by the team")
    WAITING = "waiting", _("Not decided yet")


class Deadline(models.TextChoices):
    PROTECTION = "protection", _("Protection assessment the same day")
    DECISION = "decision", _("Initial assessment within its limit")
    FEEDBACK = "feedback", _("Feedback to the reporter within its limit")


class Sex(models.TextChoices):
    """As registered: the second last digit of a personal or coordination number (odd for a boy)."""

    GIRL = "girl", _("Girls")
    BOY = "boy", _("Boys")
    UNKNOWN = "unknown", _("Not known (no personal identity number)")


class Kept(models.TextChoices):
    ON_TIME = "on_time", _("Within the limit")
    LATE = "late", _("Late or not done")


# The columns a count is broken down by, in the unique constraint and the refresh's GROUP BY (with kind and month).
DIMENSIONS = ("unit", "receiving_unit", "category", "decision", "deadline", "kept", "grade", "age_band", "sex")
REPORT_KINDS = (CountKind.REPORTS, CountKind.DEADLINES)
TSI_KINDS = (CountKind.TSI_REQUESTS, CountKind.TSI_CLOSED)
RECEIVED_KINDS = (*REPORT_KINDS, *TSI_KINDS)  # with the unit that received it: social services, the TSI team
COMPULSORY_GRADES = ("F", "1", "2", "3", "4", "5", "6", "7", "8", "9")  # the grades the summary counts by
ABSENCE_KINDS = (CountKind.ABSENCE_INVESTIGATIONS, CountKind.HIGH_ABSENCE)  # the school's own: as concerns
# About a known child: by grade, age band and sex.
CHILD_KINDS = (CountKind.CONCERNS, CountKind.REPORTS, *TSI_KINDS, *ABSENCE_KINDS)
CATEGORY_KINDS = (CountKind.CONCERNS, CountKind.TSI_CLOSED)  # a concern's category, a closed case's reason
DECISION_KINDS = (CountKind.REPORTS, CountKind.TSI_REQUESTS)  # a report's outcome, a request's status


class MonthlyCount(models.Model):
    """How many of a kind in a month, for one combination of dimensions (a summary, recomputed whole)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=CountKind.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    # The school of a concern or a consultation, the reporter's unit of a report, the school that asked for a TSI
    # case; the unit that received a report, the TSI team of a case.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("receiving unit")
    )
    category = models.CharField(_("category"), max_length=30, blank=True)  # concerns; closed TSI cases: the reason
    decision = models.CharField(_("decision"), max_length=20, blank=True)  # reports (blank: not decided); requests
    deadline = models.CharField(_("deadline"), max_length=20, choices=Deadline.choices, blank=True)  # deadlines
    kept = models.CharField(_("kept"), max_length=10, choices=Kept.choices, blank=True)  # deadlines
    # The child's grade in school that day (blank when not placed), age band (also of a consultation) and sex.
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)  # concerns, reports
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "month", *DIMENSIONS],
                condition=Q(receiving_unit__isnull=False),
                name="monthly_count_one_per_dimensions",
            ),
            models.UniqueConstraint(
                fields=["municipality", "kind", "month", *(d for d in DIMENSIONS if d != "receiving_unit")],
                condition=Q(receiving_unit__isnull=True),
                name="monthly_count_one_per_dimensions_unreceived",
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="monthly_count_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=RECEIVED_KINDS, receiving_unit__isnull=False)
                | (~Q(kind__in=RECEIVED_KINDS) & Q(receiving_unit__isnull=True)),
                name="monthly_count_receiving_unit_of_reports",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=CATEGORY_KINDS) & ~Q(category=""))
                | (~Q(kind__in=CATEGORY_KINDS) & Q(category="")),
                name="monthly_count_category_of_concerns",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DECISION_KINDS) | Q(decision=""), name="monthly_count_decision_of_reports"
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=CHILD_KINDS) & ~Q(sex="") & ~Q(age_band=""))
                | (~Q(kind__in=CHILD_KINDS) & Q(sex="", grade="")),
                name="monthly_count_child_of_concerns_and_reports",
            ),
            models.CheckConstraint(
                condition=Q(kind=CountKind.DEADLINES, age_band="") | (~Q(kind=CountKind.DEADLINES) & ~Q(age_band="")),
                name="monthly_count_age_band_of_children",
            ),
            models.CheckConstraint(
                condition=(Q(kind=CountKind.DEADLINES) & ~Q(deadline="") & ~Q(kept=""))
                | (~Q(kind=CountKind.DEADLINES) & Q(deadline="", kept="")),
                name="monthly_count_deadline_with_result",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "month"], name="monthly_count_window")]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}: {self.count}"


class StatisticsRefresh(models.Model):
    """When a municipality's summary was last recomputed: the page says its figures are as of then."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField(_("refreshed"))
    first_month = models.DateField(_("first month counted"))
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("refresh of the statistics")
        verbose_name_plural = _("refreshes of the statistics")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.refreshed_at:%Y-%m-%d %H:%M}"


# The evaluation's summary, registered with the app here
from kring.insights.evaluation.models import ComparisonPupil, EvaluatedCase  # noqa: E402, F401
from kring.insights.investment.models import TeamCost, UnitCosts  # noqa: E402, F401
from kring.insights.research.models import Study, StudyRelease  # noqa: E402, F401
