"""A collaboration group's meetings: agenda, who was there, minutes, decisions, and actions with an owner and a date.

A child is discussed **anonymously** by default (`Discussion`: an age band, what it is about, a description that may
name no one — the SSPF way). Only under a recorded basis is the child **identified** (`IdentifiedDiscussion`, child
data of the collaboration group's own origin and category): the guardians' consent, scoped to organisations of the
group, or social services' decision to tell the police under OSL 10 kap 18 a § (`PoliceDisclosure`). Who sees an
identified discussion is decided in `kring.collaboration.meetings.basis`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.collaboration.models.groups import CollaborationGroup, Issue
from kring.directory.models import Municipality, Organisation, User
from kring.people.models import Child, Guardian


class AgeBand(models.TextChoices):
    PRESCHOOL = "0-5", _("0–5 years")
    YOUNGER = "6-9", _("6–9 years")
    MIDDLE = "10-12", _("10–12 years")
    TEEN = "13-15", _("13–15 years")
    OLDER = "16-17", _("16–17 years")
    YOUNG_ADULT = "18-20", _("18–20 years")


class GroupMeeting(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its group's
    group = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group} {self.held_on}"


class Attendance(models.Model):
    """Who was asked and who came, as they were named at the meeting (a member may later leave the group)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its meeting's
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.name


class MeetingAction(models.Model):
    """Something the meeting decided someone will do, by a date."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its meeting's
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("who"))
    due_on = models.DateField(_("by"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # the day its owner was reminded

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text


class Discussion(models.Model):
    """A child discussed at the meeting, anonymously: no name, no identity number (checked when written)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its meeting's
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="discussions")
    age_band = models.CharField(_("age"), max_length=5, choices=AgeBand.choices)
    issue = models.CharField(_("about"), max_length=20, choices=Issue.choices)
    description = models.TextField(_("situation, without naming the child"))
    brought_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("child discussed")
        verbose_name_plural = _("children discussed")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_age_band_display()}"


class IdentifiedDiscussion(models.Model):
    """The child of a discussion, identified under a recorded basis, and what the group knows and agreed."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    discussion = models.OneToOneField(Discussion, on_delete=models.CASCADE, related_name="identified")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("what the group knows and agreed"))
    identified_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The kind of organisation the person who identified the child and wrote the notes worked for: only what social
    # services wrote may be told to the police (OSL 10 kap 18 a § lets no one else share).
    identified_by_kind = models.CharField(max_length=20, blank=True)
    identified_at = models.DateTimeField()
    # The guardians' consent (every guardian with custody), scoped to organisations of the group.
    consent_organisations = models.ManyToManyField(
        Organisation, through="ConsentOrganisation", related_name="+", blank=True, verbose_name=_("consent covers")
    )
    consent_guardians = models.ManyToManyField(Guardian, through="ConsentGuardian", related_name="+", blank=True)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_until = models.DateField(_("consent valid until"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("child identified in a group")
        verbose_name_plural = _("children identified in groups")

    def __str__(self) -> str:
        return f"{self.discussion} – {self.child_id}"


class PoliceDisclosure(models.Model):
    """Social services' decision to tell the police in the group about the young person (OSL 10 kap 18 a §): one
    way, social services to the police, a person under 21, to prevent crime; its reason recorded."""

    # as its identified discussion's
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    identified = models.ForeignKey(IdentifiedDiscussion, on_delete=models.CASCADE, related_name="police_disclosures")
    police = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    # The statutory conditions, confirmed by the one who decided: a risk of crime the information can help prevent
    # (not a suspicion of a crime already committed), and not inappropriate given social services' own efforts.
    risk_confirmed = models.BooleanField(default=False)
    not_inappropriate_confirmed = models.BooleanField(default=False)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("disclosure to the police to prevent crime")
        verbose_name_plural = _("disclosures to the police to prevent crime")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "identified", "police"], name="police_disclosure_unique"),
            models.CheckConstraint(
                condition=models.Q(risk_confirmed=True, not_inappropriate_confirmed=True),
                name="police_disclosure_conditions_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identified} → {self.police}"


class ConsentOrganisation(models.Model):
    """An organisation the guardians' consent covers (the table of `IdentifiedDiscussion.consent_organisations`)."""

    # as its identified discussion's
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    identifieddiscussion = models.ForeignKey(IdentifiedDiscussion, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "collaboration_identifieddiscussion_consent_organisations"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "identifieddiscussion", "organisation"], name="consent_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifieddiscussion_id} – {self.organisation_id}"


class ConsentGuardian(models.Model):
    """A guardian who gave the consent (the table of `IdentifiedDiscussion.consent_guardians`)."""

    # as its identified discussion's
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    identifieddiscussion = models.ForeignKey(IdentifiedDiscussion, on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "collaboration_identifieddiscussion_consent_guardians"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "identifieddiscussion", "guardian"], name="consent_guardian_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifieddiscussion_id} – {self.guardian_id}"
