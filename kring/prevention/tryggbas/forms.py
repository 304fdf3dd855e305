"""Forms of the trygg-bas inventory and the class review. They validate input and keep what was typed; who may do
what is decided in `kring.prevention.tryggbas.actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import DATE_WIDGET
from kring.directory.models import User
from kring.forms import KringForm
from kring.people.models import GroupRole
from kring.prevention.models import NextStep, SafeAdultStatus, Wellbeing


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email)


def _staff_field(label: Any, staff: list[User], *, required: bool, help_text: Any = "") -> StaffChoiceField:
    field = StaffChoiceField(
        label=label,
        queryset=User.objects.filter(pk__in=[user.pk for user in staff]),
        required=required,
        help_text=help_text,
    )
    field.choices = [("", "–"), *((user.pk, user.get_full_name() or user.email) for user in staff)]
    return field


class SafeAdultForm(KringForm):
    status = forms.ChoiceField(label=_("Safe adult"), choices=SafeAdultStatus.choices, widget=forms.RadioSelect)
    adult = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    adult_outside = forms.CharField(
        label=_("or an adult outside school"),
        max_length=100,
        required=False,
        help_text=_("In a few words, no name: the football coach, an older cousin."),
    )
    relation = forms.CharField(label=_("Relation"), max_length=100, required=False)

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adult"] = _staff_field(_("Adult at school"), staff, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = data.get("status") == SafeAdultStatus.NAMED
        if named and not data.get("adult") and not (data.get("adult_outside") or "").strip():
            self.add_error("adult", _("Name the adult: someone at school, or an adult outside school."))
        return data


class RatingForm(KringForm):
    rating = forms.ChoiceField(label=_("My rating"), choices=Wellbeing.choices, widget=forms.RadioSelect)


class AgreeForm(KringForm):
    rating = forms.ChoiceField(label=_("Agreed rating"), choices=Wellbeing.choices, widget=forms.RadioSelect)
    next_step = forms.ChoiceField(label=_("Next step"), choices=NextStep.choices, required=False)
    next_step_note = forms.CharField(label=_("About the next step"), max_length=300, required=False)
    next_step_by = forms.DateField(label=_("To be done by"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = _staff_field(_("Who"), staff, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rating") in (Wellbeing.YELLOW, Wellbeing.RED):
            if data.get("next_step") in (None, "", NextStep.NONE):
                self.add_error("next_step", _("A yellow or red rating needs a next step."))
            if not data.get("next_step_by"):
                self.add_error("next_step_by", _("Say by when."))
            if not data.get("responsible"):
                self.add_error("responsible", _("Say who takes the step."))
        return data


class AssignForm(KringForm):
    follow_up_on = forms.DateField(label=_("Follow up by"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("How"),
        max_length=300,
        required=False,
        help_text=_("For example: lunch together on Tuesdays, the chess club."),
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adult"] = _staff_field(_("Adult who builds the relation"), staff, required=True)
        self.order_fields(["adult", "follow_up_on", "note"])


class FollowUpForm(KringForm):
    relation_built = forms.TypedChoiceField(
        label=_("Is the relation there?"),
        choices=[("yes", _("Yes: the pupil has a safe adult")), ("no", _("Not yet"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(label=_("What came of it"), max_length=300, required=False)


class ClassStaffForm(KringForm):
    role = forms.ChoiceField(label=_("Role in the class"), choices=GroupRole.choices)

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"] = _staff_field(_("Member of staff"), staff, required=True)
        self.order_fields(["user", "role"])
