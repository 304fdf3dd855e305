"""Forms of the case documents: the date for "what did the plan say on", and the letter's language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kring.forms import KringForm


class PlanOnForm(KringForm):
    on = forms.DateField(
        label=_("What did the plan say on"),
        help_text=_("For example 2025-03-14."),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Write the date you want to see the plan for."),
            "invalid": _("Write the date as YYYY-MM-DD, for example 2025-03-14."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": "10"}),
    )


class LetterLanguageForm(forms.Form):
    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)
