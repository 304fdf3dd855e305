"""An approved study and its releases. The study's key (for its pseudonyms) is held here and wiped when the study
ends: after that nobody, Kring included, can link a pseudonym back to a child."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality


class Study(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"))
    institution = models.CharField(_("research institution"), max_length=200)
    principal_investigator = models.CharField(_("principal investigator"), max_length=200)
    ethics_reference = models.CharField(
        _("ethics approval reference"), max_length=100,
        help_text=_("The Swedish Ethical Review Authority's reference number (Dnr) of the approval."),
    )  # fmt: skip
    variables = models.JSONField(_("variables"), default=list)
    period_from = models.DateField(_("cases requested from"))
    period_until = models.DateField(_("cases requested until"))
    ends_on = models.DateField(_("the study ends"))
    # 32 random bytes: the key of the study's pseudonyms (HMAC-SHA256); wiped (null) when the study ends.
    key = models.BinaryField(null=True, editable=False)
    key_destroyed_at = models.DateTimeField(_("key destroyed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_until__gte=F("period_from")), name="study_period_in_order"),
            models.CheckConstraint(
                condition=Q(key__isnull=True) | Q(key_destroyed_at__isnull=True), name="study_key_or_destroyed"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StudyRelease(models.Model):
    """One export of a study's data set: who, when, how many rows, how many were suppressed."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its study's
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="releases")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("released"))
    rows = models.PositiveIntegerField(_("rows"))
    generalised = models.PositiveIntegerField(_("rows with identifying values suppressed"))
    dropped = models.PositiveIntegerField(_("rows left out"))

    class Meta:
        verbose_name = _("release of a study's data")
        verbose_name_plural = _("releases of studies' data")
        ordering = ["-released_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.study_id} {self.released_at:%Y-%m-%d %H:%M}"
