"""The forms of approvals: returning a step needs a comment; the municipality's choice of the steps that need
approval."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import TEXT
from kring.forms import KringForm


class ReturnForm(KringForm):
    comment = forms.CharField(
        label=_("What should change"), widget=TEXT, max_length=2000, help_text=_("The one who asked reads this.")
    )


class SettingsForm(KringForm):
    tsi_plan = forms.BooleanField(label=_("A TSI plan (each new version)"), required=False)
    tsi_closure = forms.BooleanField(label=_("Closing a TSI case"), required=False)
    report_not_opened = forms.BooleanField(
        label=_("A decision not to open an investigation after a report of concern"), required=False
    )
