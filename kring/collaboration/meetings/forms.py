"""Forms of the meetings: they validate and keep what was typed; the rules are in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.collaboration.meetings.actions import ActionInput, ConsentInput, MeetingInput
from kring.collaboration.models import AgeBand, GroupMeeting, GroupMember, Issue
from kring.directory.models import Organisation, User
from kring.forms import KringForm
from kring.people.identity import parse_identity_number
from kring.prevention.tryggbas.forms import StaffChoiceField


class MemberChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}, {obj.organisation.name}"


class MeetingForm(KringForm):
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=TEXT, max_length=4000)
    present = MemberChoiceField(
        label=_("Present"), queryset=GroupMember.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    minutes = forms.CharField(label=_("Minutes"), widget=TEXT, max_length=20000, required=False)
    decisions = forms.CharField(label=_("Decisions"), widget=TEXT, max_length=4000, required=False)

    def __init__(self, *args: Any, members: QuerySet[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = members

    @classmethod
    def initial_of(cls, meeting: GroupMeeting, members: QuerySet[GroupMember]) -> dict[str, Any]:
        came = {a.user_id for a in meeting.attendance.all() if a.present and a.user_id}
        named = {a.name for a in meeting.attendance.all() if a.present and not a.user_id}
        return {
            "held_on": meeting.held_on, "place": meeting.place, "agenda": meeting.agenda, "minutes": meeting.minutes,
            "decisions": meeting.decisions,
            "present": [m for m in members if (m.user_id and m.user_id in came) or (not m.user_id and m.name in named)],
        }  # fmt: skip


class ActionForm(KringForm):
    text = forms.CharField(label=pgettext_lazy("meeting", "Action"), max_length=300, required=False)
    owner = StaffChoiceField(label=_("Who"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=pgettext_lazy("due date", "By"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("text", "").strip():
            for name in ("owner", "due_on"):
                if not cleaned.get(name):
                    self.add_error(name, _("Each action needs someone who does it and a date."))
        return cleaned

    def given(self) -> ActionInput | None:
        data = self.cleaned_data
        return ActionInput(data["text"], data["owner"], data["due_on"]) if data.get("text", "").strip() else None


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=30, validate_max=True)


def meeting_input(form: MeetingForm, actions: Any) -> MeetingInput:
    data = form.cleaned_data
    return MeetingInput(
        held_on=data["held_on"], agenda=data["agenda"], place=data["place"], minutes=data["minutes"],
        decisions=data["decisions"], present=list(data["present"]),
        actions=[a for a in (row.given() for row in actions) if a is not None],
    )  # fmt: skip


class DiscussionForm(KringForm):
    age_band = forms.ChoiceField(label=_("Age"), choices=AgeBand.choices)
    issue = forms.ChoiceField(label=_("About"), choices=Issue.choices)
    brought_by = forms.ModelChoiceField(label=_("Brought by"), queryset=Organisation.objects.none())
    description = forms.CharField(
        label=_("The situation"),
        widget=TEXT,
        max_length=4000,
        help_text=_("Without the child's name or identity number: the group discusses the child anonymously."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["brought_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


GROUNDS = (("consent", _("The guardians' consent")), ("police", _("Social services' decision to tell the police")))


class IdentifyForm(KringForm):
    identity_number = forms.CharField(label=_("The child's identity number"), max_length=20)
    notes = forms.CharField(label=_("What the group knows and agreed"), widget=TEXT, max_length=8000)
    grounds = forms.MultipleChoiceField(label=_("Ground"), choices=GROUNDS, widget=forms.CheckboxSelectMultiple)
    consent_organisations = forms.ModelMultipleChoiceField(
        label=_("The consent covers"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_given_on = forms.DateField(label=_("Consent given on"), widget=DATE_WIDGET, required=False)
    consent_until = forms.DateField(label=_("Consent valid until"), widget=DATE_WIDGET, required=False)
    consent_all_guardians = forms.BooleanField(label=_("Every guardian with custody has consented"), required=False)
    police_reason = forms.CharField(
        label=_("Why telling the police can prevent crime"), widget=TEXT, max_length=4000, required=False
    )
    police_risk = forms.BooleanField(
        label=_(
            "Special circumstances show a risk that the young person will commit crime, and the information can be "
            "assumed to help prevent it; it is not a suspicion of a crime already committed"
        ),
        required=False,
    )
    police_not_inappropriate = forms.BooleanField(
        label=_("Telling the police is not inappropriate given social services' own efforts for the young person"),
        required=False,
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consent_organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = organisations

    def clean_identity_number(self) -> str:
        return parse_identity_number(self.cleaned_data["identity_number"]).canonical

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        grounds = cleaned.get("grounds") or []
        if "consent" in grounds:
            for name in ("consent_organisations", "consent_given_on", "consent_all_guardians"):
                if not cleaned.get(name):
                    self.add_error(name, _("Needed for a consent."))
        if "police" in grounds:
            for name in ("police_reason", "police_risk", "police_not_inappropriate"):
                if not cleaned.get(name) or (name == "police_reason" and not cleaned[name].strip()):
                    self.add_error(name, _("Needed for telling the police."))
        return cleaned

    def consent(self) -> ConsentInput | None:
        data = self.cleaned_data
        if "consent" not in data["grounds"]:
            return None
        return ConsentInput(list(data["consent_organisations"]), data["consent_given_on"], data["consent_until"])

    def police_conditions(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("police_risk") and data.get("police_not_inappropriate"))

    def police_reason_given(self) -> str:
        return self.cleaned_data["police_reason"] if "police" in self.cleaned_data["grounds"] else ""


class PoliceForm(KringForm):
    police_reason = IdentifyForm.base_fields["police_reason"]
    police_risk = IdentifyForm.base_fields["police_risk"]
    police_not_inappropriate = IdentifyForm.base_fields["police_not_inappropriate"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("police_reason", "police_risk", "police_not_inappropriate"):
            if not cleaned.get(name):
                self.add_error(name, _("Needed for telling the police."))
        return cleaned
