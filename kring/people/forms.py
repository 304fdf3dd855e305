from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kring.forms import KringForm
from kring.people.identity import parse_identity_number

_FULL_NUMBER = re.compile(r"^\s*(\d{6}|\d{8})\s*[-+]?\s*\d{4}\s*$")


class ChildSearchForm(KringForm):
    q = forms.CharField(
        label=_("Name, date of birth or identity number"),
        min_length=2,
        max_length=100,
        help_text=_("You only find children you have a basis to see, such as pupils at your own school."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={
            "required": _("Write at least two characters to search."),
            "min_length": _("Write at least two characters to search."),
        },
    )

    def clean_q(self) -> str:
        """A whole identity number must be a valid one: a typing error should not look like 'no such child'."""
        text: str = self.cleaned_data["q"]
        if _FULL_NUMBER.match(text):
            parse_identity_number(text)
        return text
