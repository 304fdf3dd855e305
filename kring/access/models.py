"""The audit log: append-only, hash-chained events with no foreign keys (they outlive what they describe)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    MFA_CHANGE = "mfa_change", _("Two-factor change")


class AuditEvent(models.Model):
    """One audited event. Never updated or deleted: database triggers refuse it (see migration 0002)."""

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    municipality_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    basis_kind = models.CharField(max_length=40, blank=True)
    basis = models.TextField(blank=True)
    request_id = models.CharField(max_length=40, blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["municipality_id", "occurred_at"], name="audit_municipality_time")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """The newest link of the chain: locked while an event is appended, so appends are serial and a deleted
    last event is still detected."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row")]

    def __str__(self) -> str:
        return f"audit chain head #{self.sequence}"


class ReviewConclusion(models.TextChoices):
    NOTHING_FOUND = "nothing_found", _("Nothing to remark: every read was explained")
    FOLLOWED_UP = "followed_up", _("Reads to follow up with the user or their manager")
    REPORTED = "reported", _("Reported as a possible breach of secrecy or a personal data breach")


class LogReview(models.Model):
    """A log review performed (loggkontroll): who reviewed, when, which events (the filters), what they concluded.
    Never changed once recorded."""

    municipality_id = models.BigIntegerField(db_index=True)
    reviewer_id = models.BigIntegerField()
    reviewer_label = models.CharField(max_length=200)
    performed_at = models.DateTimeField(db_index=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    events_seen = models.PositiveIntegerField(_("events reviewed"), default=0)
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=ReviewConclusion.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")
        ordering = ["-performed_at", "-pk"]

    def __str__(self) -> str:
        return f"log review {self.performed_at:%Y-%m-%d} by {self.reviewer_label}"


class FormSubmission(models.Model):
    """A form once sent: its one-time token (rendered into every form beside the CSRF token), and where sending it
    led. A second POST with the same token (a double click, a resend after a slow answer) leads there again
    instead of doing the work twice (`kring.access.middleware.OncePerSubmitMiddleware`)."""

    token = models.CharField(max_length=32, unique=True)
    user_id = models.BigIntegerField()
    submitted_at = models.DateTimeField()
    location = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["submitted_at"], name="form_submission_when")]

    def __str__(self) -> str:
        return self.token


class AuditAnchor(models.Model):
    """Where the chain begins after its oldest segment was cleared (gallrad): the last cleared event's sequence and
    hash, and the checksum of the file the segment was exported to first. The chain verifies from the newest anchor;
    the file verifies against it."""

    sequence = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    first_sequence = models.BigIntegerField()
    cleared_at = models.DateTimeField()
    archive_name = models.CharField(max_length=200)
    archive_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"audit anchor #{self.sequence}"
