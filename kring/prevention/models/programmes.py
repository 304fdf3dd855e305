"""Prevention programmes (MVP, Börja prata): a catalogue with each programme's manual, and per school and term
what was done: staff trained, pupil mentors appointed, sessions held in classes. Reach and fidelity are computed
from these rows (`kring.prevention.programmes.reach`).

Only the pupil mentors are child data (a pupil's name, minimal, school origin, category `programme`); the rest is
the school's own record of its work and names no pupil (a session counts the pupils present)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality, Organisation, Unit, User
from kring.people.models import Child, Group


class Programme(models.Model):
    """A prevention programme in the municipality's catalogue."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    aim = models.TextField(_("aim"))
    target_grades = models.JSONField(_("target grades"), default=list, blank=True)  # ["5"], ["7", "8", "9"]
    organisations = models.ManyToManyField(
        Organisation, through="ProgrammeOrganisation", related_name="+", verbose_name=_("run by"), blank=True
    )
    trains_all_staff = models.BooleanField(_("all staff are to be trained"), default=False)
    has_pupil_mentors = models.BooleanField(_("pupils are appointed as mentors"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("prevention programme")
        verbose_name_plural = _("prevention programmes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="programme_unique_name")]

    def __str__(self) -> str:
        return self.name


class ManualSession(models.Model):
    """One planned session of the programme's manual, in order."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its programme's
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="manual")
    number = models.PositiveSmallIntegerField(_("number"))
    topic = models.CharField(_("topic"), max_length=200)

    class Meta:
        verbose_name = _("session of the manual")
        verbose_name_plural = _("sessions of the manual")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "number"], name="manual_session_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.topic}"


class ProgrammeRun(models.Model):
    """A programme carried out at one school in one term."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="runs")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    term = models.DateField(_("term"))
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("programme at a school")
        verbose_name_plural = _("programmes at schools")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "unit", "term"], name="programme_run_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.unit}"


class StaffTraining(models.Model):
    """A member of staff trained in the programme."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its run's
    run = models.ForeignKey(ProgrammeRun, on_delete=models.CASCADE, related_name="trainings")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("member of staff"))
    trained_on = models.DateField(_("trained on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=120)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "run", "user", "trained_on"], name="staff_training_unique"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="staff_training_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.trained_on}"


class PupilMentor(models.Model):
    """A pupil appointed as a mentor in the programme (MVP): child data, school origin."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(ProgrammeRun, on_delete=models.CASCADE, related_name="pupil_mentors")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    appointed_on = models.DateField(_("appointed on"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pupil mentor")
        verbose_name_plural = _("pupil mentors")
        constraints = [models.UniqueConstraint(fields=["municipality", "run", "child"], name="pupil_mentor_unique")]

    def __str__(self) -> str:
        return f"{self.child} – {self.run}"


class SessionHeld(models.Model):
    """A session of the programme held in a class: when, which session of the manual (or another topic), who led
    it from each organisation, and how many pupils were there (a count, no names)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its run's
    run = models.ForeignKey(ProgrammeRun, on_delete=models.CASCADE, related_name="sessions")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+", verbose_name=_("class"))
    held_on = models.DateField(_("held on"))
    manual_session = models.ForeignKey(
        ManualSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session of the manual"),
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    facilitators = models.ManyToManyField(
        User, through="SessionFacilitator", related_name="+", verbose_name=_("led by")
    )
    pupils_present = models.PositiveSmallIntegerField(_("pupils present"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("session held")
        verbose_name_plural = _("sessions held")
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(manual_session__isnull=False) | ~models.Q(topic=""), name="session_held_has_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.held_on}"


class ProgrammeOrganisation(models.Model):
    """An organisation that runs the programme (the table of `Programme.organisations`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its programme's
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "prevention_programme_organisations"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "programme", "organisation"], name="programme_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} – {self.organisation_id}"


class SessionFacilitator(models.Model):
    """A member of staff who led the session (the table of `SessionHeld.facilitators`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its session's
    sessionheld = models.ForeignKey(SessionHeld, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "prevention_sessionheld_facilitators"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "sessionheld", "user"], name="session_facilitator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sessionheld_id} – {self.user_id}"
