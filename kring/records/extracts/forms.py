from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kring.directory.models import User
from kring.forms import KringForm
from kring.legal import REFERENCES
from kring.records.extracts.actions import GROUNDS
from kring.records.extracts.details import CORRECTABLE
from kring.records.extracts.queries import find_subject
from kring.records.models import ExtractSubject


class RequestForm(KringForm):
    subject_kind = forms.ChoiceField(label=_("Whose data"), choices=ExtractSubject.choices, widget=forms.RadioSelect)
    subject = forms.CharField(
        label=_("Identity number, or e-mail address for a member of staff"),
        max_length=254,
        help_text=_("A child or a guardian by identity number (YYYYMMDD-NNNN); a member of staff by e-mail."),
    )
    requested_by = forms.CharField(
        label=_("Asked by, and how their identity was checked"),
        max_length=300,
        help_text=_("For example “The guardian in person at the reception, Swedish ID card checked”."),
    )
    by_guardian = forms.BooleanField(
        label=_("A guardian asks on behalf of the child"),
        required=False,
        help_text=_("What is secret towards the guardians is then withheld before the review."),
    )
    received_on = forms.DateField(label=_("Received"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.person: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("subject_kind") and data.get("subject"):
            try:
                self.person = find_subject(self.user, data["subject_kind"], data["subject"])
            except ValidationError as error:
                self.add_error("subject", error)
        return data


def item_field_name(key: str) -> str:
    """A choice is named by its item, not by its place: a draft compiled again cannot shift the choices."""
    return "item_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def ground_choices() -> list[tuple[str, Any]]:
    return [("", _("Release"))] + [
        (key, _("Withhold: %(ground)s") % {"ground": f"{REFERENCES[key].title} ({REFERENCES[key].cite()})"})
        for key in GROUNDS
    ]


class ReviewForm(KringForm):
    """One choice per item of the extract: release it, or withhold it on a ground."""

    note = forms.CharField(
        label=_("Note of the review"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What was checked, and why anything was withheld: the decision the person may appeal."),
    )

    compiled = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, content: dict[str, Any], compiled: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content = content
        self.compiled_version = compiled
        self.fields["compiled"].initial = compiled
        self.item_fields: dict[str, str] = {}
        for section in content.get("sections", []):
            for item in section["items"]:
                name = item_field_name(item["key"])
                self.item_fields[name] = item["key"]
                self.fields[name] = forms.ChoiceField(
                    label=f"{section['title']}: {item['title']}",
                    choices=ground_choices(),
                    required=False,
                    initial=item.get("withheld", ""),
                )

    def sections(self) -> list[tuple[dict[str, Any], list[tuple[dict[str, Any], Any]]]]:
        """The draft to show: each section with its items, each item beside its choice."""
        names = iter(self.item_fields)
        return [
            (section, [(item, self[next(names)]) for item in section["items"]])
            for section in self.content.get("sections", [])
        ]

    def clean_compiled(self) -> str:
        """The choices are about the draft the officer saw: if it was compiled again meanwhile, review it again."""
        value = self.cleaned_data.get("compiled") or ""
        if value != self.compiled_version:
            raise forms.ValidationError(
                _("The extract was compiled again while you reviewed it: review the new draft.")
            )
        return value

    def withheld(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.item_fields.items()}


class ReleaseForm(KringForm):
    how = forms.CharField(
        label=_("Handed over how"),
        max_length=200,
        help_text=_("For example “Sent by registered post to the address in the population register”."),
    )


class CorrectionForm(KringForm):
    field = forms.ChoiceField(label=_("Detail to correct"))
    new_value = forms.CharField(label=_("Correct value"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Why"), max_length=300, help_text=_("What the person said, and how it was checked.")
    )

    def __init__(self, *args: Any, subject_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, label) for name, label in CORRECTABLE[subject_kind].items()]
