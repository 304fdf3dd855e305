"""Child impact assessments (barnkonsekvensanalys), following Barnombudsmannen's steps: the matter and the decision to
be made, the children affected (especially those in vulnerable situations), the children's and the guardians' views,
the articles of the Convention on the Rights of the Child, the options and their consequences per article, the
weighing with the child's best interests first, compensating measures, the decision, how the children are told, and
the follow-up. Each save is a new version. Holds no information about any child: it is about children as a group."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.collaboration.models.agreements import Agreement
from kring.collaboration.models.groups import CollaborationGroup
from kring.directory.models import Municipality, User


class Effect(models.TextChoices):
    STRENGTHENED = "strengthened", _("Strengthened")
    WEAKENED = "weakened", _("Weakened")
    NEUTRAL = "neutral", _("Neutral")


class Term(models.TextChoices):
    SHORT = "short", _("Short term")
    LONG = "long", _("Long term")
    BOTH = "both", _("Short and long term")


class ImpactAssessment(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    # What the decision changes, if it is part of the collaboration structure: a group or an agreement.
    group = models.ForeignKey(
        CollaborationGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments",
        verbose_name=_("collaboration group"),
    )  # fmt: skip
    agreement = models.ForeignKey(
        Agreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments",
        verbose_name=_("agreement"),
    )  # fmt: skip
    responsible = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("child impact assessment")
        verbose_name_plural = _("child impact assessments")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AssessmentVersion(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its assessment's
    assessment = models.ForeignKey(ImpactAssessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    matter = models.TextField(_("the matter"))
    decision_to_make = models.TextField(_("the decision to be made"))
    children_affected = models.TextField(_("children affected"), blank=True)
    vulnerable_children = models.TextField(_("children in vulnerable situations"), blank=True)
    views_method = models.TextField(_("how the children's views were obtained"), blank=True)
    views_count = models.PositiveIntegerField(_("children asked"), null=True, blank=True)
    views_summary = models.TextField(_("the children's views, in their words"), blank=True)
    guardians_views = models.TextField(_("the guardians' views"), blank=True)
    articles = models.JSONField(_("articles of the Convention"), default=list)  # [2, 3, 6, 12, ...]
    options = models.JSONField(_("options"), default=list)  # [{"name": ..., "description": ...}]
    # [{"option": 0, "article": 3, "effect": "strengthened", "term": "long", "note": ""}]
    consequences = models.JSONField(_("consequences"), default=list)
    weighing = models.TextField(_("the weighing"), blank=True)
    departs_from_views = models.BooleanField(_("the decision departs from the children's views"), default=False)
    departure_reasons = models.TextField(_("why the decision departs from the children's views"), blank=True)
    compensating_measures = models.TextField(_("compensating measures"), blank=True)
    decision = models.TextField(_("the decision"), blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    feedback_how = models.TextField(_("how the children are told the outcome"), blank=True)
    feedback_on = models.DateField(_("the children are told by"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("version of a child impact assessment")
        verbose_name_plural = _("versions of child impact assessments")
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "assessment", "number"], name="assessment_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"
