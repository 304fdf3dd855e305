"""Staff forms of the family pages: the decision that keeps a guardian out, and the child's voice on a tablet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BlockForm(forms.Form):
    guardian = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give the reason for the decision.")},
    )


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give the reason for the decision.")},
    )
