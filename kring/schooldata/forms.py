"""Forms of the early warning and the investigations of absence. They validate input and keep what was typed; the
rules (who may act, one open investigation) are in `kring.schooldata.investigations`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.forms import KringForm
from kring.schooldata.models import AbsenceInvestigation, AbsenceLevel

CONCLUSION_REQUIRED = _("Write the conclusion before you close the investigation.")


class LevelFilterForm(KringForm):
    level = forms.TypedChoiceField(
        label=_("Show"),
        choices=[
            (AbsenceLevel.SIGNAL, _("Signal and high")),
            (AbsenceLevel.HIGH, _("High only")),
        ],
        coerce=int,
        required=False,
        initial=AbsenceLevel.SIGNAL,
        widget=forms.RadioSelect,
    )

    def level_min(self) -> int:
        """The lowest level to show: signal unless a valid choice says high."""
        if self.is_bound and self.is_valid() and self.cleaned_data["level"]:
            return int(self.cleaned_data["level"])
        return int(AbsenceLevel.SIGNAL)


class InvestigationForm(KringForm):
    background = forms.CharField(
        label=_("Background"),
        widget=TEXT,
        max_length=10000,
        required=False,
        help_text=_("How the absence looks, what is known of why, and what the pupil and the guardians say."),
    )
    student_health_involved = forms.BooleanField(label=_("Student health takes part"), required=False)
    measures = forms.CharField(
        label=_("Measures"),
        widget=TEXT,
        max_length=10000,
        required=False,
        help_text=_("What the school does, who is responsible, and when it is followed up."),
    )
    reported_to_organiser_on = forms.DateField(
        label=_("Reported to the principal organiser on"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Long absence is reported to the school's principal organiser (huvudman)."),
    )
    conclusion = forms.CharField(label=_("Conclusion so far"), widget=TEXT, max_length=10000, required=False)

    @classmethod
    def for_investigation(cls, investigation: AbsenceInvestigation, data: Any = None) -> InvestigationForm:
        initial = {name: getattr(investigation, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def clean_reported_to_organiser_on(self) -> date | None:
        reported_on: date | None = self.cleaned_data["reported_to_organiser_on"]
        if reported_on is not None and reported_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return reported_on


class CloseInvestigationForm(KringForm):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        widget=TEXT,
        max_length=10000,
        help_text=_("What the investigation found, and what the school does now."),
        error_messages={"required": CONCLUSION_REQUIRED},
    )
