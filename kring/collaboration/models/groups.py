"""The register of collaboration groups (Orust's map): each group's mandate and who decided it, its owner and member
organisations, its named members, the children it is for (ages, schools, area, issues), its rhythm, decision power,
review date and status. Holds no child data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality, Organisation, Unit, User

OLDEST_AGE = 20  # the register serves children and young people up to 20 (OSL 10 kap 18 a §: under 21)


class GroupLevel(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    OPERATIONAL = "operational", _("Operational")
    AROUND_A_CHILD = "child", _("Around a child")


class GroupStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Issue(models.TextChoices):
    """What a group works on: the lanes of the map."""

    VIOLENCE = "violence", _("Violence")
    CRIME = "crime", _("Crime and risk of crime")
    DRUGS = "drugs", _("Alcohol and drugs")
    ABSENCE = "absence", _("School absence")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    FAMILY = "family", _("Family and parenting support")


# The age bands the map checks for gaps, with the school stages they roughly match.
AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 5), (6, 9), (10, 12), (13, 15), (16, 17), (18, OLDEST_AGE))


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    ADJUNCT = "adjunct", _("Adjunct")


class CollaborationGroup(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    level = models.CharField(_("level"), max_length=20, choices=GroupLevel.choices)
    mandate = models.TextField(_("mandate"))
    mandate_decided_by = models.CharField(_("mandate decided by"), max_length=150, blank=True)
    mandate_decided_on = models.DateField(_("mandate decided on"), null=True, blank=True)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner organisation")
    )
    organisations = models.ManyToManyField(
        Organisation, through="GroupOrganisation", related_name="+", verbose_name=_("member organisations")
    )
    age_from = models.PositiveSmallIntegerField(_("from age"), default=0)
    age_to = models.PositiveSmallIntegerField(_("to age"), default=OLDEST_AGE)
    # No school chosen: the group serves the children of every school (the whole municipality or its area).
    schools = models.ManyToManyField(
        Unit, through="GroupSchool", related_name="+", verbose_name=_("schools"), blank=True
    )
    area = models.CharField(_("area"), max_length=150, blank=True)
    issues = models.JSONField(_("issues"), default=list)
    meeting_rhythm = models.CharField(_("meeting rhythm"), max_length=150, blank=True)
    decision_power = models.TextField(_("decision power"), blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("collaboration group")
        verbose_name_plural = _("collaboration groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="collaboration_group_unique_name"),
            models.CheckConstraint(
                condition=models.Q(age_from__lte=models.F("age_to"), age_to__lte=OLDEST_AGE),
                name="collaboration_group_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ages(self) -> str:
        return f"{self.age_from}–{self.age_to}"

    def issue_labels(self) -> list[str]:
        return [str(Issue(issue).label) for issue in self.issues if issue in Issue.values]


class GroupMember(models.Model):
    """A named member of a group: a member of staff in Kring, or a person without an account (the leisure
    centre's youth worker), with their organisation and role in the group."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its group's
    group = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member of staff")
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    role = models.CharField(_("role in the group"), max_length=10, choices=MemberRole.choices)

    class Meta:
        verbose_name = _("member of a group")
        verbose_name_plural = _("members of a group")
        ordering = ["group", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""), name="group_member_has_a_person"
            ),
            models.UniqueConstraint(
                fields=["municipality", "group", "user"],
                condition=models.Q(user__isnull=False),
                name="group_member_unique_user",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() if self.user_id and self.user else self.name

    @property
    def person_key(self) -> str:
        """The same person across groups: their account, or their name within their organisation."""
        if self.user_id:
            return f"user:{self.user_id}"
        return f"name:{self.organisation_id}:{' '.join(self.name.casefold().split())}"


class GroupOrganisation(models.Model):
    """A member organisation of a group (the table of `CollaborationGroup.organisations`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its group's
    collaborationgroup = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "collaboration_collaborationgroup_organisations"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "collaborationgroup", "organisation"], name="group_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collaborationgroup_id} – {self.organisation_id}"


class GroupSchool(models.Model):
    """A school a group serves (the table of `CollaborationGroup.schools`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its group's
    collaborationgroup = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "collaboration_collaborationgroup_schools"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "collaborationgroup", "unit"], name="group_school_unique")
        ]

    def __str__(self) -> str:
        return f"{self.collaborationgroup_id} – {self.unit_id}"
