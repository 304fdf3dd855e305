"""Forms of the register: they validate and keep what was typed; the rules are in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.collaboration.groups.actions import GroupInput, MemberInput
from kring.collaboration.models import OLDEST_AGE, CollaborationGroup, GroupLevel, GroupStatus, Issue, MemberRole
from kring.directory.models import Organisation, Unit, User
from kring.forms import KringForm


class GroupForm(KringForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    level = forms.ChoiceField(label=_("Level"), choices=GroupLevel.choices, widget=forms.RadioSelect)
    mandate = forms.CharField(label=_("Mandate"), widget=TEXT, max_length=4000)
    mandate_decided_by = forms.CharField(
        label=_("Mandate decided by"), max_length=150, required=False, help_text=_("The committee or the manager.")
    )
    mandate_decided_on = forms.DateField(label=_("Mandate decided on"), widget=DATE_WIDGET, required=False)
    owner = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organisation.objects.none())
    organisations = forms.ModelMultipleChoiceField(
        label=_("Member organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    issues = forms.MultipleChoiceField(
        label=_("What the group works on"), choices=Issue.choices, widget=forms.CheckboxSelectMultiple
    )
    age_from = forms.IntegerField(label=_("From age"), min_value=0, max_value=OLDEST_AGE, initial=0)
    age_to = forms.IntegerField(label=_("To age"), min_value=0, max_value=OLDEST_AGE, initial=OLDEST_AGE)
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None chosen: the group serves the children of every school."),
    )
    area = forms.CharField(label=_("Area"), max_length=150, required=False)
    meeting_rhythm = forms.CharField(
        label=_("Meeting rhythm"), max_length=150, required=False, help_text=_("For example: every other week.")
    )
    decision_power = forms.CharField(label=_("Decision power"), widget=TEXT, max_length=2000, required=False)
    review_on = forms.DateField(label=_("Review date"), widget=DATE_WIDGET, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=GroupStatus.choices, initial=GroupStatus.ACTIVE, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], schools: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "organisations"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = organisations
        schools_field = self.fields["schools"]
        assert isinstance(schools_field, forms.ModelMultipleChoiceField)
        schools_field.queryset = Unit.objects.filter(pk__in=[school.pk for school in schools]).order_by("name")

    @classmethod
    def initial_of(cls, group: CollaborationGroup) -> dict[str, Any]:
        return {
            "name": group.name,
            "level": group.level,
            "mandate": group.mandate,
            "mandate_decided_by": group.mandate_decided_by,
            "mandate_decided_on": group.mandate_decided_on,
            "owner": group.owner,
            "organisations": list(group.organisations.all()),
            "issues": list(group.issues),
            "age_from": group.age_from,
            "age_to": group.age_to,
            "schools": list(group.schools.all()),
            "area": group.area,
            "meeting_rhythm": group.meeting_rhythm,
            "decision_power": group.decision_power,
            "review_on": group.review_on,
            "status": group.status,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        age_from, age_to = cleaned.get("age_from"), cleaned.get("age_to")
        if age_from is not None and age_to is not None and age_from > age_to:
            self.add_error("age_to", _("The last age must not be below the first."))
        return cleaned


class MemberForm(KringForm):
    """One member: a member of staff by e-mail address, or a person without an account by name."""

    email = forms.EmailField(label=_("E-mail of a member of staff"), required=False)
    name = forms.CharField(label=_("or name"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(), required=False)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role in the group"), choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        self.municipality_id = municipality_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, name = cleaned.get("email", ""), cleaned.get("name", "").strip()
        cleaned["user"] = None
        if email:
            user = User.objects.filter(municipality_id=self.municipality_id, email__iexact=email).first()
            if user is None:
                self.add_error("email", _("Nobody in the municipality's staff has this e-mail address."))
            cleaned["user"] = user
        if (email or name) and cleaned.get("organisation") is None:
            self.add_error("organisation", _("Choose the member's organisation."))
        return cleaned

    def member(self) -> MemberInput | None:
        data = self.cleaned_data
        if not data.get("user") and not data.get("name", "").strip():
            return None
        return MemberInput(
            organisation=data["organisation"],
            role=data["role"],
            user=data["user"],
            name=data.get("name", ""),
            title=data.get("title", ""),
        )


MemberFormSet = forms.formset_factory(MemberForm, extra=3, max_num=60, validate_max=True)


def member_initial(group: CollaborationGroup) -> list[dict[str, Any]]:
    return [
        {
            "email": member.user.email if member.user else "",
            "name": "" if member.user else member.name,
            "organisation": member.organisation,
            "title": member.title,
            "role": member.role,
        }
        for member in group.members.all()
    ]


def group_input(form: GroupForm, members: Any) -> GroupInput:
    data = form.cleaned_data
    given = [member for member in (m.member() for m in members) if member is not None]
    return GroupInput(
        name=data["name"],
        level=data["level"],
        mandate=data["mandate"],
        owner=data["owner"],
        organisations=list(data["organisations"]),
        issues=list(data["issues"]),
        status=data["status"],
        age_from=data["age_from"],
        age_to=data["age_to"],
        schools=list(data["schools"]),
        area=data["area"],
        mandate_decided_by=data["mandate_decided_by"],
        mandate_decided_on=data["mandate_decided_on"],
        meeting_rhythm=data["meeting_rhythm"],
        decision_power=data["decision_power"],
        review_on=data["review_on"],
        members=given,
    )
