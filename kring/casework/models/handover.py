"""Handing a TSI case or a report of concern to someone else, which takes effect only when they accept.

Norway's Stafettlogg passes the baton only when the next person takes it: until the receiver accepts, the sender
remains responsible and both see the pending handover; the receiver accepts or declines with a reason; the sender
may revoke it. A handover names its receiver: a colleague (`to_user`) or another unit (`to_unit`: a joint TSI team
for a case, a social services unit for a report), or both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kring.casework.models.reports import ReportOfConcern
from kring.casework.models.tsi import TsiCase
from kring.directory.models import Municipality, Unit


class HandoverKind(models.TextChoices):
    HANDOVER = "handover", _("Handover")
    REFERRAL = "referral", _("Referral")


class ReferralPurpose(models.TextChoices):
    INVESTIGATION = "investigation", _("To a social services investigation")
    SIP = "sip", _("To health care, for a coordinated individual plan (SIP)")


class HandoverStatus(models.TextChoices):
    OFFERED = "offered", _("Waiting for the receiver to accept")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked by the sender")


class Handover(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    # A referral out of a TSI case moves nothing: the receiver records its receipt ("accepts"), the case stays.
    kind = models.CharField(_("kind"), max_length=10, choices=HandoverKind.choices, default=HandoverKind.HANDOVER)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ReferralPurpose.choices, blank=True)
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, null=True, blank=True, related_name="handovers")
    report = models.ForeignKey(
        ReportOfConcern, on_delete=models.CASCADE, null=True, blank=True, related_name="handovers"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("from unit"))
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("to"),
    )  # fmt: skip
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to unit"))
    reason = models.TextField(_("why"))
    offered_at = models.DateTimeField(_("offered"))
    status = models.CharField(
        _("status"), max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.OFFERED
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_reason = models.TextField(_("reason given"), blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-offered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, report__isnull=True) | Q(case__isnull=True, report__isnull=False),
                name="handover_of_a_case_or_a_report",
            ),
            models.UniqueConstraint(
                fields=["municipality", "case"],
                condition=Q(status="offered", kind="handover"),
                name="one_open_handover_per_case",
            ),
            models.UniqueConstraint(
                fields=["municipality", "report"], condition=Q(status="offered"), name="one_open_handover_per_report"
            ),
        ]

    def __str__(self) -> str:
        return f"Handover {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == HandoverStatus.OFFERED

    @property
    def is_referral(self) -> bool:
        return self.kind == HandoverKind.REFERRAL

    @property
    def status_label(self) -> str:
        if self.is_referral and self.status == HandoverStatus.ACCEPTED:
            return str(_("Received"))
        return str(self.get_status_display())

    @property
    def is_transfer(self) -> bool:
        """To another unit (the bases move to it on acceptance), not to a colleague of the same unit."""
        return self.to_unit_id != self.from_unit_id
