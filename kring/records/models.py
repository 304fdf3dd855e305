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
    ARCHIVE = "archive", _("Hand to the archive: export as an archive package, then clear")
    ANONYMISE = "anonymise", _("Anonymise: keep only how many there were, by year and kind, then clear")


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


class ExtractSubject(models.TextChoices):
    CHILD = "child", _("A child")
    GUARDIAN = "guardian", _("A guardian")
    STAFF = "staff", _("A member of staff")


class ExtractStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    COMPILED = "compiled", _("Compiled, to be reviewed")
    REVIEWED = "reviewed", _("Reviewed, ready to release")
    RELEASED = "released", _("Released")


class RegisterExtract(models.Model):
    """A person's request for a register extract (GDPR art. 15): everything Kring holds about them, compiled, reviewed
    for secrecy by an officer and only then released. The compiled extract is kept as it was released."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="register_extracts")
    subject_kind = models.CharField(_("whose data"), max_length=10, choices=ExtractSubject.choices)
    child = models.ForeignKey("people.Child", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    guardian = models.ForeignKey("people.Guardian", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(_("name"), max_length=201)
    requested_by = models.CharField(_("asked by, and how their identity was checked"), max_length=300)
    by_guardian = models.BooleanField(_("a guardian asks for a child's data"), default=False)
    received_on = models.DateField(_("received"))
    due_on = models.DateField(_("to be answered by"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ExtractStatus.choices, default=ExtractStatus.RECEIVED)
    content = models.JSONField(default=dict, blank=True)
    compiled_at = models.DateTimeField(_("compiled"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("the review's note"), blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_how = models.CharField(_("handed over how"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("register extract")
        verbose_name_plural = _("register extracts")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="released") | models.Q(reviewed_at__isnull=False),
                name="register_extract_reviewed_before_release",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()}: {self.subject_name} ({self.received_on.isoformat()})"


class Correction(models.Model):
    """A correction of a person's data on their request (GDPR art. 16): the old value is kept here, never lost."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="corrections")
    subject_kind = models.CharField(_("whose data"), max_length=10, choices=ExtractSubject.choices)
    subject_id = models.BigIntegerField()
    extract = models.ForeignKey(
        RegisterExtract, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    field = models.CharField(_("detail"), max_length=40)
    old_value = models.CharField(_("was"), max_length=300, blank=True)
    new_value = models.CharField(_("is now"), max_length=300, blank=True)
    reason = models.CharField(_("why"), max_length=300)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("corrected"))

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="correction_subject")]

    def __str__(self) -> str:
        return f"{self.subject_kind}:{self.subject_id} {self.field}"


class TransferDestination(models.TextChoices):
    DOWNLOAD = "download", _("Downloaded by the archivist")
    ARCHIVE_DIR = "archive_dir", _("Written to the archive directory")


class ArchiveTransfer(models.Model):
    """One record handed to the archive as an archive package (E-ARK CSIP / FGS Paketstruktur): which record, the
    package's identity and the SHA-256 of its METS.xml (which lists every file's checksum), when and by whom. No
    foreign key to the record, so the transfer is remembered after the record is cleared; never its content."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="archive_transfers")
    record_type = models.CharField(_("record type"), max_length=30, choices=RecordType.choices)
    record_id = models.PositiveBigIntegerField(_("record"))
    objid = models.CharField(_("package"), max_length=120)  # unique with the municipality (its code is in it)
    mets_sha256 = models.CharField(_("checksum of METS.xml"), max_length=64)
    documents = models.PositiveIntegerField(_("documents"))
    destination = models.CharField(_("destination"), max_length=20, choices=TransferDestination.choices)
    exported_at = models.DateTimeField(_("exported"))
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("archive transfer")
        verbose_name_plural = _("archive transfers")
        ordering = ["-exported_at"]
        indexes = [models.Index(fields=["municipality", "record_type", "record_id"], name="archive_transfer_record")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mets_sha256__regex=r"^[0-9a-f]{64}$"), name="archive_transfer_sha"
            ),
            models.UniqueConstraint(fields=["municipality", "objid"], name="archive_transfer_unique_objid"),
        ]

    def __str__(self) -> str:
        return self.objid


class AnonymousCount(models.Model):
    """What a rule that anonymises keeps of the records it clears: how many of a record type there were in a year, of
    each kind (a concern's category, a report's decision, a case's reason for closing). No child, no unit, no date
    finer than the year; shown only with small counts suppressed."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="anonymous_counts")
    record_type = models.CharField(_("record type"), max_length=30, choices=RecordType.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("anonymous count")
        verbose_name_plural = _("anonymous counts")
        ordering = ["record_type", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "record_type", "year", "kind"], name="anonymous_count_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.year} {self.kind}: {self.count}"
