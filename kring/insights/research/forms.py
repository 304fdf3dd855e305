"""The study's form: it validates and keeps what was typed; the rules of a release are in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.forms import KringForm
from kring.insights.research.variables import CATALOGUE


class StudyForm(KringForm):
    title = forms.CharField(label=_("Title of the study"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=TEXT, max_length=4000)
    institution = forms.CharField(label=_("Research institution"), max_length=200)
    principal_investigator = forms.CharField(label=_("Principal investigator"), max_length=200)
    ethics_reference = forms.CharField(
        label=_("Ethics approval reference"), max_length=100,
        help_text=_("The Swedish Ethical Review Authority's reference number (Dnr) of the approval."),
    )  # fmt: skip
    variables = forms.MultipleChoiceField(
        label=_("Variables"),
        choices=[(variable.key, variable.label) for variable in CATALOGUE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each row also has the child's pseudonym in this study and whether it is a child with a TSI case "
                    "or a comparison pupil. No name, identity number, free text or full date can be chosen."),
    )  # fmt: skip
    period_from = forms.DateField(label=_("Cases requested from"), widget=DATE_WIDGET)
    period_until = forms.DateField(label=_("Cases requested until"), widget=DATE_WIDGET)
    ends_on = forms.DateField(
        label=_("The study ends"), widget=DATE_WIDGET,
        help_text=_("On the day after, the key of the study's pseudonyms is destroyed and nothing more is released."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end, ends = cleaned.get("period_from"), cleaned.get("period_until"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("period_until", _("The period must end on or after its first day."))
        if ends and ends < timezone.localdate():
            self.add_error("ends_on", _("The end of the study cannot be in the past."))
        return cleaned
