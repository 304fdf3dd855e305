"""Children, guardians and custody, school groups and placements."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality, Unit
from kring.people.identity import identity_index, is_temporary_number


def name_key(first_name: str, last_name: str) -> str:
    """The search key of a name (set it yourself when you bulk_create children)."""
    return f"{first_name} {last_name}".casefold()


class Child(models.Model):
    """A child or pupil. With protected identity the address is never shown and few may see the child at all."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="children")
    identity_number = models.CharField(_("identity number"), max_length=12)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    ss12000_id = models.CharField(max_length=64, blank=True, db_index=True)
    # False for a child someone reported who is not (yet) in the municipality's register: no identity number, another
    # municipality, not imported. Social services match it to a registered child on receipt; an import of the same
    # identity number adopts it.
    in_register = models.BooleanField(_("in the register"), default=True)
    # "first last" case-folded: SQLite's LIKE folds only ASCII, so Å, Ä and Ö need a stored key to search on.
    name_key = models.CharField(max_length=201, blank=True, editable=False)
    # The keyed blind index of the identity number: a young person's e-ID login is matched on it (set it yourself
    # when you bulk_create, with kring.people.identity.identity_index).
    identity_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "identity_number"], name="child_unique_identity_number"),
        ]
        indexes = [models.Index(fields=["municipality", "last_name", "first_name"], name="child_name")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.first_name, self.last_name)
        self.identity_index = identity_index(self.identity_number)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_identity_number(self) -> bool:
        return self.identity_number.isdigit()

    @property
    def has_temporary_identity_number(self) -> bool:
        """A temporary number from the school register (SS 12000), for a pupil with no personal number yet."""
        return is_temporary_number(self.identity_number)

    @property
    def formatted_identity_number(self) -> str:
        if self.has_temporary_identity_number:
            number = f"{self.identity_number[:8]}-{self.identity_number[8:]}"
            return str(_("%(number)s (temporary)") % {"number": number})
        if not self.has_identity_number:
            return str(_("no identity number"))
        return f"{self.identity_number[:8]}-{self.identity_number[8:]}"


class Guardian(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="guardians")
    identity_number = models.CharField(_("identity number"), max_length=12, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("preferred language"), max_length=10, default="sv")
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    ss12000_id = models.CharField(max_length=64, blank=True, db_index=True)
    # The keyed blind index of the identity number: the guardian's e-ID login is matched on it.
    identity_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.identity_index = identity_index(self.identity_number)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CustodyKind(models.TextChoices):
    JOINT = "joint", _("Joint custody")
    SOLE = "sole", _("Sole custody")


class CustodyRelation(models.TextChoices):
    """Who decides for the child: a guardian with custody, or a good man (god man) in a guardian's place for a child
    who came to Sweden without one (SS 12000's relation types `Vårdnadshavare` and `God man`)."""

    GUARDIAN = "guardian", _("Guardian")
    GOOD_MAN = "good_man", _("Good man (god man)")


class Custody(models.Model):
    """A guardian with legal custody of a child (vårdnadshavare), or a good man in a guardian's place."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its child's
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="custodies")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="custodies")
    kind = models.CharField(_("custody"), max_length=10, choices=CustodyKind.choices)
    relation = models.CharField(
        _("relation"), max_length=10, choices=CustodyRelation.choices, default=CustodyRelation.GUARDIAN
    )

    class Meta:
        verbose_name = _("custody")
        verbose_name_plural = _("custodies")
        constraints = [models.UniqueConstraint(fields=["municipality", "child", "guardian"], name="custody_unique")]

    def __str__(self) -> str:
        return f"{self.guardian} – {self.child}"


class Group(models.Model):
    """A class or teaching group in a school."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its school's
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=60)
    school_year = models.CharField(_("school year"), max_length=9, blank=True)
    ss12000_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "unit", "name", "school_year"], name="group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    TEACHER = "teacher", _("Teacher")


class GroupStaffQuerySet(models.QuerySet["GroupStaff"]):
    def current(self, day: date | None = None) -> GroupStaffQuerySet:
        """The assignments in force on `day` (today, in Stockholm, when not given)."""
        day = day or timezone.localdate()
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))


class GroupStaff(models.Model):
    """A member of staff who is the class's mentor or one of its teachers (SS 12000's assignment role of a duty),
    from–to. The class's staff take the class's inventory of safe adults and rate its pupils' wellbeing."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its group's
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey("directory.User", on_delete=models.CASCADE, related_name="group_roles")
    role = models.CharField(_("role in the class"), max_length=10, choices=GroupRole.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)

    objects = GroupStaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff of a class")
        verbose_name_plural = _("staff of classes")
        ordering = ["role", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "group", "user", "role", "start_date"], name="group_staff_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="group_staff_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.group}"


class PlacementQuerySet(models.QuerySet["Placement"]):
    def current(self, day: date | None = None) -> PlacementQuerySet:
        """The placements in force on `day` (today, in Stockholm, when not given): "placed now"."""
        day = day or timezone.localdate()
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))


class Placement(models.Model):
    """A child's placement in a school or preschool, grade and group, from–to."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its child's
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="placements")
    school_form = models.CharField(_("school form"), max_length=10, blank=True)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="placements")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    # An SS 12000 placement's id, or for a school enrolment "<person id>/<school unit id>/<start date>".
    ss12000_id = models.CharField(max_length=200, blank=True, db_index=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["unit", "end_date"], name="placement_unit_end")]

    def __str__(self) -> str:
        return f"{self.child} – {self.unit}"
