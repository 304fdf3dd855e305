"""Forms of social services' steps with a report of concern: they validate input and keep what was typed; the
order of the steps and the rules of the feedback are in `kring.casework.reports.actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kring.casework.models import Decision, FeedbackKind, ProtectionOutcome
from kring.directory.models import User
from kring.forms import KringForm
from kring.legal import cite
from kring.people.identity import parse_identity_number

TEXT = forms.Textarea(attrs={"rows": 5})


class AssignForm(KringForm):
    handler = forms.ModelChoiceField(
        label=_("Handling officer"),
        queryset=User.objects.none(),
        help_text=_("A social worker or unit manager of the receiving unit."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        field.label_from_instance = lambda user: str(user.get_full_name() or user.email)  # type: ignore[method-assign,assignment]


class ReceiveForm(KringForm):
    """Registering the report as received has nothing to fill in: the button starts the clocks."""


class ProtectionForm(KringForm):
    outcome = forms.ChoiceField(
        label=_("Does the child need protection at once?"),
        choices=ProtectionOutcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the assessment rests on"),
        widget=TEXT,
        max_length=5000,
        help_text=_("What you found out today, whom you spoke to, and what is done to protect the child."),
    )


class ExtensionForm(KringForm):
    until = forms.DateField(
        label=_("New date for the initial assessment"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("The exceptional reasons"),
        widget=TEXT,
        max_length=5000,
        help_text=format_lazy(
            _(
                "The initial assessment may take longer than 14 days only for exceptional reasons ({reference}). "
                "Say what they are: the extension is a decision, recorded with its reason."
            ),
            reference=lazy(cite, str)("initial_assessment"),
        ),
    )


class MatchChildForm(KringForm):
    identity_number = forms.CharField(
        label=_("The identity number of the child in the register"), max_length=20, help_text=_("YYYYMMDD-NNNN")
    )

    def clean_identity_number(self) -> str:
        return parse_identity_number(self.cleaned_data["identity_number"]).canonical


class DecisionForm(KringForm):
    decision = forms.ChoiceField(
        label=_("Decision of the initial assessment"), choices=Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Grounds for the decision"),
        widget=TEXT,
        max_length=5000,
        help_text=_("This note stays with social services; the reporter sees only the feedback."),
    )


class FeedbackForm(KringForm):
    kind = forms.ChoiceField(
        label=_("Feedback to the reporter"),
        choices=FeedbackKind.choices,
        widget=forms.RadioSelect,
        help_text=format_lazy(
            _(
                "The reporter sees only this: whether an investigation was opened, not opened or is already under "
                "way ({reference}). Choose no feedback only when it would be inappropriate in this case."
            ),
            reference=lazy(cite, str)("report_feedback"),
        ),
    )
