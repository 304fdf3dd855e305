"""School data imported from the schools' own systems: lesson-level absence, the absence indicators computed from
it, the principal's investigation of absence, and the history and checkpoints of the imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kring.directory.models import Municipality, Unit
from kring.people.models import Child


class AbsenceKind(models.IntegerChoices):
    """SS 12000's absence types. Only invalid absence (ogiltig frånvaro) is unexcused."""

    REPORTED = 1, _("Reported by the guardian")
    GRANTED = 2, _("Granted leave")
    VALID = 3, _("Valid absence")
    INVALID = 4, _("Unexcused absence")


EXCUSED_KINDS = frozenset({AbsenceKind.REPORTED, AbsenceKind.GRANTED, AbsenceKind.VALID})
# Absence told of in advance (SS 12000 `/absences`), as against lessons missed (`/attendances`). A school system
# that has both marks the lessons of a reported day as valid absence too: a day counts the larger of the two, never
# their sum (`indicators._absent_days`).
NOTIFIED_KINDS = frozenset({AbsenceKind.REPORTED, AbsenceKind.GRANTED})
LESSON_KINDS = frozenset({AbsenceKind.VALID, AbsenceKind.INVALID})


class AbsenceRecord(models.Model):
    """One lesson (or part of a school day) a pupil was absent from: the compact attendance table. Only absences
    are stored; a school day's scheduled time comes from the municipality's absence settings."""

    id = models.BigAutoField(primary_key=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="absences")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    kind = models.PositiveSmallIntegerField(_("kind"), choices=AbsenceKind.choices)
    source_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "source_id"], name="absence_unique_source"),
        ]
        indexes = [
            # Covers the indicators' query (a school's days of absence over the term: `indicators._absent_days`),
            # so that it reads the index only, never the table.
            models.Index(fields=["unit", "day", "child", "minutes", "kind"], name="absence_unit_day_covering"),
            models.Index(fields=["child", "day"], name="absence_child_day"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.day} {self.minutes} min"


class AbsenceSettings(models.Model):
    """The municipality's thresholds for problematic absence (local policy, with common defaults)."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="absence_settings")
    window_days = models.PositiveSmallIntegerField(_("rolling window (days)"), default=28)
    window_percent = models.PositiveSmallIntegerField(_("signal: absence in the window (%)"), default=10)
    term_percent = models.PositiveSmallIntegerField(_("high: absence over the term (%)"), default=15)
    unexcused_per_month = models.PositiveSmallIntegerField(_("unexcused absences in a month"), default=3)
    consecutive_days = models.PositiveSmallIntegerField(_("consecutive school days absent"), default=5)
    school_day_minutes = models.PositiveSmallIntegerField(_("scheduled minutes in a school day"), default=300)

    class Meta:
        verbose_name = _("absence settings")
        verbose_name_plural = _("absence settings")

    def __str__(self) -> str:
        return str(self.municipality)


class AbsenceLevel(models.IntegerChoices):
    NONE = 0, _("Below the thresholds")
    SIGNAL = 1, _("Signal")
    HIGH = 2, _("High")


class AbsenceIndicator(models.Model):
    """A pupil's absence at one school, recomputed from the absence records after each import."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="absence_indicators")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    computed_on = models.DateField(_("computed on"))
    window_percent = models.FloatField(_("absence, rolling window (%)"), default=0)
    window_unexcused_percent = models.FloatField(_("unexcused absence, rolling window (%)"), default=0)
    previous_window_percent = models.FloatField(_("absence, the window before (%)"), default=0)
    term_percent = models.FloatField(_("absence this term (%)"), default=0)
    term_unexcused_percent = models.FloatField(_("unexcused absence this term (%)"), default=0)
    unexcused_month = models.PositiveSmallIntegerField(_("days with unexcused absence, last month"), default=0)
    longest_streak = models.PositiveSmallIntegerField(_("longest continuous absence (school days)"), default=0)
    current_streak = models.PositiveSmallIntegerField(_("current continuous absence (school days)"), default=0)
    level = models.PositiveSmallIntegerField(_("level"), choices=AbsenceLevel.choices, default=AbsenceLevel.NONE)
    reasons = models.JSONField(_("thresholds passed"), default=list, blank=True)

    class Meta:
        verbose_name = _("absence indicator")
        verbose_name_plural = _("absence indicators")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "child", "unit"], name="absence_indicator_unique")
        ]
        indexes = [models.Index(fields=["unit", "level"], name="absence_indicator_unit_level")]

    def __str__(self) -> str:
        return f"{self.child_id} at {self.unit_id}: {self.term_percent:.1f} %"

    @property
    def trend(self) -> float:
        """Percentage points up (positive) or down since the window before."""
        return self.window_percent - self.previous_window_percent


class InvestigationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("investigation", "Open")
    CLOSED = "closed", pgettext_lazy("investigation", "Closed")


class AbsenceInvestigation(models.Model):
    """The principal's investigation of a pupil's repeated or long absence (Skollagen 7 kap 19 a §)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="absence_investigations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=InvestigationStatus.choices, default="open")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    background = models.TextField(_("background"), blank=True)
    student_health_involved = models.BooleanField(_("student health takes part"), default=False)
    measures = models.TextField(_("measures"), blank=True)
    reported_to_organiser_on = models.DateField(_("reported to the principal organiser"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("absence investigation")
        verbose_name_plural = _("absence investigations")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["unit", "status"], name="absence_investigation_unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "child", "unit"],
                condition=models.Q(status="open"),
                name="absence_investigation_one_open",
            ),
            models.CheckConstraint(
                condition=(models.Q(status="open") & models.Q(closed_at__isnull=True))
                | (models.Q(status="closed") & models.Q(closed_at__isnull=False)),
                name="absence_investigation_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} ({self.opened_at:%Y-%m-%d})"


class ImportSource(models.TextChoices):
    SS12000 = "ss12000", _("SS 12000 API")
    CSV = "csv", _("CSV file")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One run of an import: what it created, changed, deleted and rejected, and how long it took."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=ImportSource.choices)
    source_label = models.CharField(_("from"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default="running")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by_label = models.CharField(max_length=100, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # What the import went on without, one line each: a resource the provider does not offer ("this provider offers
    # no attendance"), guardians it could not find. Stored in English; the report translates the known ones.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ImportRejection(models.Model):
    """A record or row the import refused, and why (never the record's personal data)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its run's
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    resource = models.CharField(_("resource"), max_length=40)
    source_id = models.CharField(_("id in the source"), max_length=64, blank=True)
    row_number = models.PositiveIntegerField(_("row"), null=True, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("rejected record")
        verbose_name_plural = _("rejected records")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.resource} {self.source_id or self.row_number}: {self.reason}"


class SyncCheckpoint(models.Model):
    """How far the SS 12000 import of one resource has come: the page to resume from within an interrupted pass,
    and the time from which the next pass asks only for what changed. Times are the server's own (the latest
    `meta.modified` seen), so that a clock difference between Kring and the server loses nothing."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    resource = models.CharField(max_length=40)
    modified_after = models.DateTimeField(null=True, blank=True)
    pass_latest_modified = models.DateTimeField(null=True, blank=True)
    page_token = models.TextField(blank=True)
    read_until = models.DateField(null=True, blank=True)  # calendar events: the last day read by a finished pass
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "resource"], name="checkpoint_unique")]

    def __str__(self) -> str:
        return f"{self.resource}: {self.modified_after}"


class SourceResponsible(models.Model):
    """A pupil's responsible adult as the SS 12000 source links them (`responsibles[].person.id`), kept until the
    adult's own person record is read: guardians are persons of their own, and may come on any page, before or after
    their child. Only the relations that decide for the child (vårdnadshavare, god man) are kept."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    person_id = models.CharField(max_length=64)
    relation_type = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "child", "person_id"], name="source_responsible_unique")
        ]
        indexes = [models.Index(fields=["municipality", "person_id"], name="source_responsible_person")]

    def __str__(self) -> str:
        return f"{self.child_id} ← {self.person_id} ({self.relation_type})"


class Lesson(models.Model):
    """A calendar event (lesson) of the SS 12000 source, only for its day: an attendance names its event, not when
    it was."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    ss12000_id = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "ss12000_id"], name="lesson_unique")]

    def __str__(self) -> str:
        return f"{self.ss12000_id} {self.day}"
