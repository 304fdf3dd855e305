"""Forms of the organisation admin. They do all the input validation, scoped to the manager's municipality, and
hand the actions plain details (see kring.directory.actions)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kring.directory.actions import OrganisationDetails, StaffDetails, UnitDetails
from kring.directory.models import (
    SCHOOL_KINDS,
    ContactPerson,
    Membership,
    Organisation,
    OrganisationKind,
    SchoolForm,
    Unit,
    UnitKind,
    User,
)
from kring.directory.queries import (
    contact_person_candidates,
    grantable_roles,
    organisations_for_manager,
    units_for_manager,
)
from kring.forms import KringForm, KringModelForm

GRADE_CHOICES = [("F", "F"), *((str(grade), str(grade)) for grade in range(1, 10))]
UPPER_SECONDARY_GRADES = frozenset({"1", "2", "3"})
_COMPULSORY_FORMS = frozenset({SchoolForm.PRESCHOOL_CLASS, SchoolForm.COMPULSORY, SchoolForm.COMPULSORY_ADAPTED})
_SCHOOL_UNIT_CODE = re.compile(r"^\d{8}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{5,40}$")


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and not _PHONE.match(value):
        raise ValidationError(_("Write the phone number with digits, spaces, brackets, + and - only."))
    return value


def _with_blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class OrganisationForm(KringModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager = manager
        kind: Any = self.fields["kind"]
        kind.choices = _with_blank(OrganisationKind.choices, _("Choose a kind"))

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = organisations_for_manager(self.manager).filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("There is already an organisation with this name."))
        return name

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(name=self.cleaned_data["name"], kind=self.cleaned_data["kind"])


class UnitForm(KringModelForm):
    school_forms = forms.MultipleChoiceField(
        label=_("School forms"),
        choices=SchoolForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for schools and preschools."),
    )
    grades = forms.MultipleChoiceField(
        label=_("Grades"),
        choices=GRADE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("F is the preschool class. Upper secondary school has grades 1–3."),
    )
    school_unit_code = forms.CharField(
        label=_("School unit code"),
        required=False,
        help_text=_("Eight digits, from Skolverket's register of school units. Only for schools and preschools."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Unit
        fields = [
            "name",
            "kind",
            "organisation",
            "co_organisation",
            "school_forms",
            "grades",
            "school_unit_code",
            "address",
            "phone",
            "email",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager = manager
        organisations = organisations_for_manager(manager).order_by("name")
        organisation: Any = self.fields["organisation"]
        organisation.queryset = organisations
        organisation.empty_label = _("Choose an organisation")
        co_organisation: Any = self.fields["co_organisation"]
        co_organisation.queryset = organisations
        co_organisation.empty_label = _("None")
        kind: Any = self.fields["kind"]
        kind.choices = _with_blank(UnitKind.choices, _("Choose a kind"))

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if units_for_manager(self.manager).filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("There is already a unit with this name."))
        return name

    def clean_school_unit_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["school_unit_code"])
        if code and not _SCHOOL_UNIT_CODE.match(code):
            raise ValidationError(_("A school unit code is eight digits, for example 12345678."))
        return code

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_owners(data)
        if data.get("kind") and data["kind"] not in SCHOOL_KINDS:
            self._check_not_a_school(data)
        self._check_grades(data)
        return data

    def _check_owners(self, data: dict[str, Any]) -> None:
        second = data.get("co_organisation")
        if second is None:
            return
        if data.get("kind") and data["kind"] != UnitKind.JOINT_TEAM:
            message = _(
                "Only a joint team can have a second owning organisation. "
                "Choose the kind Joint team, or leave this empty."
            )
            self.add_error("co_organisation", message)
        elif second == data.get("organisation"):
            self.add_error("co_organisation", _("Choose an organisation other than the first owner."))

    def _check_not_a_school(self, data: dict[str, Any]) -> None:
        messages = {
            "school_forms": _("Only schools and preschools have school forms."),
            "grades": _("Only schools and preschools have grades."),
            "school_unit_code": _("Only schools and preschools have a school unit code."),
        }
        for name, message in messages.items():
            if data.get(name):
                self.add_error(name, message)
        if self.instance.pk and self.instance.contact_persons.exists():
            self.add_error(
                "kind", _("Remove the school's contact persons before it stops being a school or preschool.")
            )

    def _check_grades(self, data: dict[str, Any]) -> None:
        forms_given = set(data.get("school_forms") or [])
        grades = set(data.get("grades") or [])
        upper_secondary_only = SchoolForm.UPPER_SECONDARY in forms_given and not forms_given & _COMPULSORY_FORMS
        if upper_secondary_only and grades - UPPER_SECONDARY_GRADES:
            self.add_error("grades", _("Upper secondary school has grades 1, 2 and 3 only."))

    def details(self) -> UnitDetails:
        data = self.cleaned_data
        return UnitDetails(
            organisation=data["organisation"],
            co_organisation=data["co_organisation"],
            name=data["name"],
            kind=data["kind"],
            school_forms=list(data["school_forms"]),
            grades=[grade for grade, _label in GRADE_CHOICES if grade in data["grades"]],
            school_unit_code=data["school_unit_code"],
            address=data["address"],
            phone=data["phone"],
            email=data["email"],
        )


class StaffForm(KringModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "sso_identifier"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "sso_identifier": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["email"].help_text = _("The person logs in with this address and gets their invitation to it.")
        self.municipality_id: int | None = None  # set by the view for a new person (the manager's municipality)

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This e-mail address is already used by another account."))
        return email

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_sso_identifier(self) -> str:
        value: str = self.cleaned_data["sso_identifier"].strip()
        if value and self.instance.is_system:
            raise ValidationError(_("An integration's system user never logs in: it has no single sign-on identifier."))
        municipality_id = self.instance.municipality_id or self.municipality_id or 0
        others = User.objects.filter(municipality_id=municipality_id, sso_identifier=value)
        if value and others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This single sign-on identifier is already used by another account."))
        return value

    def details(self) -> StaffDetails:
        data = self.cleaned_data
        return StaffDetails(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=data["email"],
            phone=data["phone"],
            sso_identifier=data["sso_identifier"],
        )


class MembershipForm(KringForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=_("Choose a unit"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, manager: User, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.manager = manager
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units_for_manager(manager).order_by("name")
        role_field: Any = self.fields["role"]
        role_field.choices = _with_blank(grantable_roles(manager), _("Choose a role"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.person.pk == self.manager.pk:
            raise forms.ValidationError(
                _("Nobody gives themselves a role: ask another administrator or coordinator."), code="self_grant"
            )
        unit, role = data.get("unit"), data.get("role")
        if unit and role and Membership.objects.filter(user=self.person, unit=unit, role=role, active=True).exists():
            self.add_error("role", _("The person already has this role in this unit."))
        return data


class ContactPersonForm(KringForm):
    """Add one of the school's (at most two) social services contact persons."""

    MAX_CONTACTS = 2

    person = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_("Staff with the role social worker or unit manager in a social services unit."),
        error_messages={"invalid_choice": _("Choose one of the listed people: staff with a social services role.")},
    )
    position = forms.TypedChoiceField(
        label=_("Order"), coerce=int, choices=[(1, _("First contact person")), (2, _("Second contact person"))]
    )

    def __init__(self, *args: Any, manager: User, school: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contacts: list[ContactPerson] = list(school.contact_persons.all())
        person_field: Any = self.fields["person"]
        person_field.queryset = contact_person_candidates(manager).order_by("last_name", "first_name")
        taken = {contact.position for contact in self.contacts}
        self.fields["position"].initial = next((p for p in (1, 2) if p not in taken), 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, position = data.get("person"), data.get("position")
        if len(self.contacts) >= self.MAX_CONTACTS:
            self.add_error("person", _("A school has at most two contact persons. Remove one before you add another."))
        elif person and any(contact.user_id == person.pk for contact in self.contacts):
            self.add_error("person", _("This person is already a contact person of the school."))
        elif position and any(contact.position == position for contact in self.contacts):
            self.add_error("position", _("This place is taken. Choose the other one, or remove that contact first."))
        return data


class DeactivateForm(KringForm):
    def __init__(self, *args: Any, manager: User, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager, self.person = manager, person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.person.pk == self.manager.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        return data


class InvitationForm(KringForm):
    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.person.is_active:
            raise ValidationError(_("Reactivate the account before you send an invitation."))
        if self.person.has_usable_password():
            raise ValidationError(_("The person has already chosen a password."))
        return data
