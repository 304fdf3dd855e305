"""Forms of the pupil surveys (staff side, and the pupil's code)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import DATE_WIDGET
from kring.forms import KringForm
from kring.people.models import Group
from kring.prevention.models import BankQuestion, Programme, Questionnaire, WaveKind


class QuestionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    language = "sv"

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.text(self.language))


class ClassChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.unit.name}"


class QuestionnaireForm(KringForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    questions = QuestionChoiceField(
        label=_("Questions"),
        queryset=BankQuestion.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In the order of the bank; each has its wording in Swedish, English, Arabic and Somali."),
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questions"]
        assert isinstance(field, QuestionChoiceField)
        field.language = language


class SeriesForm(KringForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    link_answers = forms.BooleanField(
        label=_("Link each pupil's answers before and after through a code the pupil makes up"),
        required=False,
        help_text=_("The pupil answers three questions only they know; Kring keeps a salted hash, never the answers."),
    )

    def __init__(
        self, *args: Any, questionnaires: QuerySet[Questionnaire], programmes: QuerySet[Programme], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"] = forms.ModelChoiceField(label=_("Questionnaire"), queryset=questionnaires)
        self.fields["programme"] = forms.ModelChoiceField(label=_("Programme"), queryset=programmes, required=False)
        self.order_fields(["name", "questionnaire", "programme", "link_answers"])


class WaveForm(KringForm):
    kind = forms.ChoiceField(label=_("Wave"), choices=WaveKind.choices)
    opens_on = forms.DateField(label=_("Opens"), widget=DATE_WIDGET)
    closes_on = forms.DateField(label=_("Closes"), widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The survey cannot close before it opens."))
        return data


class AddClassForm(KringForm):
    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"] = ClassChoiceField(label=_("Class"), queryset=groups)


class CodesForm(KringForm):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=60)


class CodeForm(KringForm):
    """The pupil's code (no login)."""

    code = forms.CharField(
        label=_("Your code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}
        ),
    )
