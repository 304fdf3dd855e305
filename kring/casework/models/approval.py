"""A manager's approval of a step, where the municipality asks for one: a TSI plan, a TSI case's closure, a
decision not to open an investigation after a report of concern. The step waits until the unit manager approves
it, or is returned with a comment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kring.casework.models.reports import ReportOfConcern
from kring.casework.models.tsi import PlanVersion, TsiCase
from kring.directory.models import Municipality, Unit


class ApprovalKind(models.TextChoices):
    TSI_PLAN = "tsi_plan", _("A TSI plan")
    TSI_CLOSURE = "tsi_closure", _("Closing a TSI case")
    REPORT_NOT_OPENED = "report_not_opened", _("Not opening an investigation after a report of concern")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with a comment")


class ApprovalSettings(models.Model):
    """Which steps need a manager's approval in the municipality (none by default)."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="approval_settings")
    tsi_plan = models.BooleanField(_("a TSI plan needs the unit manager's approval"), default=False)
    tsi_closure = models.BooleanField(_("closing a TSI case needs the unit manager's approval"), default=False)
    report_not_opened = models.BooleanField(
        _("a decision not to open an investigation needs the unit manager's approval"), default=False
    )

    class Meta:
        verbose_name = _("approval settings")
        verbose_name_plural = _("approval settings")

    def __str__(self) -> str:
        return str(self.municipality)

    def requires(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))


class Approval(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what"), max_length=20, choices=ApprovalKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("approving unit"))
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, null=True, blank=True, related_name="approvals")
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="approvals")
    report = models.ForeignKey(
        ReportOfConcern, on_delete=models.CASCADE, null=True, blank=True, related_name="approvals"
    )
    payload = models.JSONField(default=dict, blank=True)  # what the step will do: a closure's reason, a decision
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("asked"))
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, report__isnull=True) | Q(case__isnull=True, report__isnull=False),
                name="approval_of_a_case_or_a_report",
            ),
            models.UniqueConstraint(
                fields=["municipality", "case", "kind"],
                condition=Q(status="pending"),
                name="one_pending_approval_per_case_step",
            ),
            models.UniqueConstraint(
                fields=["municipality", "report", "kind"],
                condition=Q(status="pending"),
                name="one_pending_approval_per_report_step",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING
