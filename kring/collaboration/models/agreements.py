"""Written agreements (överenskommelser) between the organisations that work together for children (Botkyrka's
school, social services and police): each change is a new version, so what was agreed on a date can be read back."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.collaboration.models.groups import CollaborationGroup
from kring.directory.models import Municipality, Organisation, User


class Agreement(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    responsible = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible for the review")
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["municipality", "title"], name="agreement_unique_title")]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    """One version of the agreement's text, never changed once saved: a change is a new version."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its agreement's
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    parties = models.ManyToManyField(
        Organisation, through="AgreementVersionParty", related_name="+", verbose_name=_("parties")
    )
    purpose = models.TextField(_("purpose"))
    needs = models.TextField(_("the needs it answers"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    review_on = models.DateField(_("review date"))
    groups = models.ManyToManyField(
        CollaborationGroup,
        through="AgreementVersionGroup",
        related_name="agreement_versions",
        verbose_name=_("groups that carry it out"),
        blank=True,
    )
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    reminded_for = models.DateField(null=True, blank=True)  # the review date last reminded of

    class Meta:
        verbose_name = _("version of an agreement")
        verbose_name_plural = _("versions of agreements")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "agreement", "number"], name="agreement_version_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="agreement_version_valid_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Commitment(models.Model):
    """What one party undertakes in the agreement."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its version's
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="commitments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("commitment"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text[:40]}"


class Signatory(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its version's
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("signed on"))

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


class AgreementVersionParty(models.Model):
    """A party to a version of an agreement (the table of `AgreementVersion.parties`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its version's
    agreementversion = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "collaboration_agreementversion_parties"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "agreementversion", "organisation"], name="agreement_version_party_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreementversion_id} – {self.organisation_id}"


class AgreementVersionGroup(models.Model):
    """A group that carries out a version of an agreement (the table of `AgreementVersion.groups`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its version's
    agreementversion = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    collaborationgroup = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "collaboration_agreementversion_groups"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "agreementversion", "collaborationgroup"], name="agreement_version_group_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreementversion_id} – {self.collaborationgroup_id}"
