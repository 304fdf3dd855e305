"""The municipality (tenant), its organisations and units, staff and their roles, and schools' contact persons."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from kring.access.roles import Role


class Municipality(models.Model):
    """A kommun: the tenant. Every tenant-scoped row carries its id."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("municipality code"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A member of staff. Logs in with e-mail, password and TOTP."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notify_by_email = models.BooleanField(_("send me an e-mail for each new notification"), default=True)
    # The person's identifier at their municipality's single sign-on (an EPPN or an HSA-id), when a provider is
    # configured to match on it rather than on the e-mail address (kring.directory.sso, ADR 0015).
    sso_identifier = models.CharField(
        _("single sign-on identifier"),
        max_length=200,
        blank=True,
        help_text=_("The EPPN or HSA-id the municipality's login service gives for this person, when it is used."),
    )
    # An integration's user (kring.api): holds roles like a person, acts only through its API token, never logs in.
    is_system = models.BooleanField(_("system user (an integration)"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "sso_identifier"],
                condition=~models.Q(sso_identifier=""),
                name="user_unique_sso_identifier",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class OrganisationKind(models.TextChoices):
    EDUCATION = "education", _("Education")
    STUDENT_HEALTH = "student_health", _("Student health")
    SOCIAL_SERVICES = "social_services", _("Social services")
    POLICE = "police", _("Police")
    HEALTH_CARE = "health_care", _("Region / health care")
    INDEPENDENT_SCHOOL = "independent_school", _("Independent school (its own organiser)")
    OTHER = "other", _("Other")


# Organisations that are their own organiser (huvudman, or another authority): an independent school's company,
# the Police, a region. Every other organisation of a municipality has the municipality as its organiser.
OWN_ORGANISER_KINDS = frozenset(
    {OrganisationKind.INDEPENDENT_SCHOOL, OrganisationKind.POLICE, OrganisationKind.HEALTH_CARE}
)


def organiser_key(municipality_id: int, organisation_id: int, organisation_kind: str) -> str:
    """Who is responsible for a unit's information (huvudman): no basis crosses from one organiser to another."""
    if organisation_kind in OWN_ORGANISER_KINDS:
        return f"organisation:{organisation_id}"
    return f"municipality:{municipality_id}"


class Organisation(models.Model):
    """A förvaltning, a police area, a region's health care: one secrecy domain."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    SCHOOL = "school", _("School")
    PRESCHOOL = "preschool", _("Preschool")
    SOCIAL_SERVICES_UNIT = "social_services_unit", _("Social services unit")
    STUDENT_HEALTH_TEAM = "student_health_team", _("Student health team")
    JOINT_TEAM = "joint_team", _("Joint team")
    POLICE_UNIT = "police_unit", _("Police unit")
    OTHER = "other", _("Other unit")


class SchoolForm(models.TextChoices):
    PRESCHOOL = "FS", _("Preschool")
    PRESCHOOL_CLASS = "FKLASS", _("Preschool class")
    COMPULSORY = "GR", _("Compulsory school")
    COMPULSORY_ADAPTED = "GRS", _("Compulsory school for pupils with learning disabilities")
    LEISURE = "FTH", _("Leisure-time centre (fritids)")
    UPPER_SECONDARY = "GY", _("Upper secondary school")


SCHOOL_KINDS = (UnitKind.SCHOOL, UnitKind.PRESCHOOL)


class Unit(models.Model):
    """A school, preschool, social services unit, student health team or joint team (owned by two organisations)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="units")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    co_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_owned_units",
        verbose_name=_("second owning organisation"),
        help_text=_("Only for a joint team, such as a TSI team employed by two administrations."),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    school_forms = models.JSONField(_("school forms"), default=list, blank=True)
    grades = models.JSONField(_("grades"), default=list, blank=True)
    school_unit_code = models.CharField(_("school unit code"), max_length=8, blank=True)
    address = models.CharField(_("visiting address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    ss12000_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_unique_name"),
            models.CheckConstraint(
                condition=models.Q(co_organisation__isnull=True) | models.Q(kind="joint_team"),
                name="unit_only_joint_team_has_two_owners",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    @property
    def organiser(self) -> str:
        """The unit's organiser (huvudman): the municipality, or its organisation if that is its own organiser."""
        return organiser_key(self.municipality_id, self.organisation_id, self.organisation.kind)


class Membership(models.Model):
    """A user's role in a unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    # A role given in Kring needs a second person: it waits, inactive, until another manager (or a unit manager of
    # the unit) approves it. Roles from the demo or an import carry no requester.
    awaiting_approval = models.BooleanField(_("awaiting approval"), default=False)
    requested_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role_in_unit"),
            models.CheckConstraint(
                condition=~models.Q(active=True, awaiting_approval=True), name="membership_active_or_awaiting"
            ),
        ]
        indexes = [models.Index(fields=["unit", "role"], name="membership_unit_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.unit}"


class ContactPerson(models.Model):
    """A social services contact person for a school or preschool (Falköping: two per school)."""

    school = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contact_persons")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contact_for")
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="contact_person_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.school}"


class NotificationKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assigned to you")
    HANDOVER = "handover", _("A handover to accept")
    HANDOVER_ANSWER = "handover_answer", _("An answer to your handover")
    APPROVAL = "approval", _("An approval to give")
    APPROVAL_ANSWER = "approval_answer", _("An answer to your request for approval")
    FEEDBACK = "feedback", _("Feedback on your report")
    REVIEW = "review", _("A review is due")
    ACTION = "action", _("An action from a meeting is due")


class Notification(models.Model):
    """Something a person should know of: a report assigned to them, a handover or an approval waiting for them, an
    answer, feedback received. It names no child (the case or report by its number) and links to the thing; its
    words are made when it is shown, in the reader's language (`kring.directory.notifications.text_of`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its reader's
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    # {"subject": "tsi_case" | "report", "number": 12, "answer": "accepted" | "declined" | "approved" | "returned"}
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} {self.params}"
