"""Trygg bas (Botkyrka): each term the class's staff record, pupil by pupil, whether the pupil has a safe adult; the
principal and student health act on every gap by assigning an adult who builds the relation deliberately. In the
same class screen the staff rate each pupil's wellbeing (green, yellow, red), each on their own, and agree a rating
and a next step together in a class review (elevgenomgång) with student health.

All of it is school data (origin school) of two categories of its own, `safe_adult` and `wellbeing`: never
reached by social services or the police through a placement, a case or a consent. A term is kept as the date it
began (`kring.schooldata.school_calendar.term_start`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality, Unit, User
from kring.people.models import Child, Group


class SafeAdultStatus(models.TextChoices):
    NAMED = "named", _("Has a safe adult")
    NONE_YET = "none_yet", _("None yet")
    UNSURE = "unsure", _("Unsure")


GAP_STATUSES = (SafeAdultStatus.NONE_YET, SafeAdultStatus.UNSURE)


class SafeAdultEntry(models.Model):
    """One pupil's line of the class's inventory for one term: a named safe adult (a member of staff, or an adult
    outside school described in a few words), none yet, or unsure."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="safe_adult_entries")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    grade = models.CharField(_("grade"), max_length=10, blank=True)  # the pupil's grade when recorded
    term = models.DateField(_("term"))
    status = models.CharField(_("safe adult"), max_length=10, choices=SafeAdultStatus.choices)
    adult = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("adult at school")
    )
    adult_outside = models.CharField(_("adult outside school"), max_length=100, blank=True)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("safe adult (trygg bas)")
        verbose_name_plural = _("safe adults (trygg bas)")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "child", "unit", "term"], name="safe_adult_one_per_term"),
            models.CheckConstraint(
                condition=~models.Q(status="named") | models.Q(adult__isnull=False) | ~models.Q(adult_outside=""),
                name="safe_adult_named_has_adult",
            ),
            models.CheckConstraint(
                condition=models.Q(status="named") | (models.Q(adult__isnull=True) & models.Q(adult_outside="")),
                name="safe_adult_gap_has_no_adult",
            ),
        ]
        indexes = [models.Index(fields=["unit", "term", "status"], name="safe_adult_unit_term")]

    def __str__(self) -> str:
        return f"{self.child} – {self.get_status_display()}"

    @property
    def adult_label(self) -> str:
        who = self.adult.get_full_name() if self.adult_id and self.adult else self.adult_outside
        return f"{who} ({self.relation})" if who and self.relation else who


class RelationAssignment(models.Model):
    """A gap acted on: an adult at school assigned to build a relation with the pupil deliberately, followed up by
    a date (reminders when it passes)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relation_assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    term = models.DateField(_("term"))
    adult = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("adult"))
    follow_up_on = models.DateField(_("follow up by"))
    note = models.CharField(_("how"), max_length=300, blank=True)
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"))
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    relation_built = models.BooleanField(_("the relation is there"), null=True, blank=True)
    outcome = models.CharField(_("what came of it"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("adult assigned to build a relation")
        verbose_name_plural = _("adults assigned to build a relation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(followed_up_at__isnull=True, followed_up_by__isnull=True, relation_built=None)
                | models.Q(followed_up_at__isnull=False, followed_up_by__isnull=False, relation_built__isnull=False),
                name="relation_assignment_followed_up_together",
            ),
        ]
        indexes = [models.Index(fields=["unit", "followed_up_at", "follow_up_on"], name="relation_assignment_due")]

    def __str__(self) -> str:
        return f"{self.adult} → {self.child}"


class Wellbeing(models.TextChoices):
    GREEN = "green", _("Green: doing well")
    YELLOW = "yellow", _("Yellow: some worry")
    RED = "red", _("Red: serious worry")


WELLBEING_ORDER = (Wellbeing.GREEN, Wellbeing.YELLOW, Wellbeing.RED)


class WellbeingRating(models.Model):
    """One member of staff's own rating of a pupil's wellbeing this term, made before the class review."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="wellbeing_ratings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    term = models.DateField(_("term"))
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("wellbeing"), max_length=10, choices=Wellbeing.choices)
    rated_at = models.DateTimeField(_("rated"))

    class Meta:
        verbose_name = _("wellbeing rating")
        verbose_name_plural = _("wellbeing ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "child", "unit", "term", "rated_by"], name="wellbeing_one_per_rater"
            ),
        ]
        indexes = [models.Index(fields=["unit", "term"], name="wellbeing_unit_term")]

    def __str__(self) -> str:
        return f"{self.child} – {self.get_rating_display()}"


class ClassReview(models.Model):
    """A class review (elevgenomgång) of one class in one term, held by the class's staff with student health."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    term = models.DateField(_("term"))
    held_on = models.DateField(_("held on"))
    participants = models.CharField(_("who took part"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("class review")
        verbose_name_plural = _("class reviews")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "group", "term"], name="class_review_one_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.term:%Y-%m}"


class NextStep(models.TextChoices):
    NONE = "none", _("None needed")
    GUARDIANS = "guardians", _("Talk with the guardians")
    STUDENT_HEALTH = "student_health", _("Student health")
    CONCERN = "concern", _("Record a concern")
    ABSENCE_INVESTIGATION = "absence_investigation", _("Investigation of absence")
    OTHER = "other", _("Other")


class AgreedRating(models.Model):
    """The rating the class review agreed for a pupil this term, and for yellow or red the named next step, who
    takes it and by when."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(ClassReview, on_delete=models.CASCADE, related_name="agreed")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="agreed_ratings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    term = models.DateField(_("term"))
    rating = models.CharField(_("agreed wellbeing"), max_length=10, choices=Wellbeing.choices)
    next_step = models.CharField(_("next step"), max_length=30, choices=NextStep.choices, default=NextStep.NONE)
    next_step_note = models.CharField(_("about the next step"), max_length=300, blank=True)
    next_step_by = models.DateField(_("by"), null=True, blank=True)
    responsible = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("who")
    )
    step_done_at = models.DateTimeField(_("done"), null=True, blank=True)
    agreed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(_("agreed"))

    class Meta:
        verbose_name = _("agreed wellbeing rating")
        verbose_name_plural = _("agreed wellbeing ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "child", "unit", "term"], name="agreed_rating_one_per_term"
            ),
            models.CheckConstraint(
                condition=models.Q(rating="green")
                | (~models.Q(next_step="none") & models.Q(next_step_by__isnull=False, responsible__isnull=False)),
                name="agreed_rating_worry_has_next_step",
            ),
        ]
        indexes = [models.Index(fields=["unit", "term"], name="agreed_rating_unit_term")]

    def __str__(self) -> str:
        return f"{self.child} – {self.get_rating_display()}"
