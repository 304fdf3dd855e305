"""A family member's login, and decisions that keep a guardian out.

A guardian or a young person logs in with e-ID (kring.family.eid). Their account holds no identity number, only the
keyed blind index of it (kring.people.identity.identity_index): which guardians and which child they are is looked
up on that index at each request, so custody as the school register has it today decides what they see."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality
from kring.people.languages import FAMILY_LANGUAGE_CHOICES
from kring.people.models import Child, Guardian


class FamilyAccount(models.Model):
    """A person who logs in with e-ID to the family pages: never staff, never a password, no role anywhere."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_account")
    identity_index = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=10, choices=FAMILY_LANGUAGE_CHOICES, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("family account")
        verbose_name_plural = _("family accounts")

    def __str__(self) -> str:
        return f"family account {self.pk}"


class AccessBlock(models.Model):
    """A recorded decision that a guardian may not see a child in Kring (a danger to the child or to the other
    guardian, or a protected identity the guardian must not learn of), with its reason; lifted by another decision."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its child's
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="access_blocks")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardian_access_blocks")
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("blocked guardian access")
        verbose_name_plural = _("blocked guardian access")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "guardian", "child"],
                condition=Q(lifted_at__isnull=True),
                name="access_block_one_in_force",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="access_block_lifted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"block {self.guardian_id} / {self.child_id}"
