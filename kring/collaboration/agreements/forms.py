"""Forms of the agreements: they validate and keep what was typed; the rules are in `actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.collaboration.agreements.actions import AgreementInput, CommitmentInput, SignatoryInput
from kring.collaboration.models import AgreementVersion, CollaborationGroup
from kring.directory.models import Organisation, User
from kring.forms import KringForm
from kring.prevention.tryggbas.forms import StaffChoiceField


class AgreementForm(KringForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    responsible = StaffChoiceField(label=_("Responsible for the review"), queryset=User.objects.none())
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    needs = forms.CharField(
        label=_("Which problems do we want to solve?"),
        widget=TEXT,
        max_length=4000,
        help_text=_("The common needs the agreement answers."),
    )
    purpose = forms.CharField(label=_("Purpose"), widget=TEXT, max_length=4000)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE_WIDGET, required=False)
    review_on = forms.DateField(label=_("Review date"), widget=DATE_WIDGET)
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups that carry it out"),
        queryset=CollaborationGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    change_note = forms.CharField(label=_("What changed in this version"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        groups: QuerySet[CollaborationGroup],
        responsibles: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("parties", organisations), ("groups", groups), ("responsible", responsibles)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    @classmethod
    def initial_of(cls, version: AgreementVersion) -> dict[str, Any]:
        return {
            "title": version.agreement.title,
            "responsible": version.agreement.responsible,
            "parties": list(version.parties.all()),
            "needs": version.needs,
            "purpose": version.purpose,
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "review_on": version.review_on,
            "groups": list(version.groups.all()),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The agreement ends before it begins."))
        if len(cleaned.get("parties") or []) == 1:
            self.add_error("parties", _("An agreement has two parties at least."))
        return cleaned


class _OrganisationRowForm(KringForm):
    organisation = forms.ModelChoiceField(label=_("Party"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class CommitmentForm(_OrganisationRowForm):
    text = forms.CharField(
        label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("text", "").strip() and cleaned.get("organisation") is None:
            self.add_error("organisation", _("Choose the party that commits to this."))
        return cleaned

    def given(self) -> CommitmentInput | None:
        data = self.cleaned_data
        text = data.get("text", "").strip()
        return CommitmentInput(data["organisation"], text) if text else None


class SignatoryForm(_OrganisationRowForm):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("name", "").strip():
            for field in ("organisation", "title", "signed_on"):
                if not cleaned.get(field):
                    self.add_error(field, _("Fill this in for each signatory."))
        return cleaned

    def given(self) -> SignatoryInput | None:
        data = self.cleaned_data
        if not data.get("name", "").strip():
            return None
        return SignatoryInput(data["name"], data["title"], data["organisation"], data["signed_on"])


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=3, max_num=40, validate_max=True)
SignatoryFormSet = forms.formset_factory(SignatoryForm, extra=3, max_num=20, validate_max=True)


def commitment_initial(version: AgreementVersion) -> list[dict[str, Any]]:
    return [{"organisation": c.organisation, "text": c.text} for c in version.commitments.all()]


def signatory_initial(version: AgreementVersion) -> list[dict[str, Any]]:
    return [
        {"organisation": s.organisation, "name": s.name, "title": s.title, "signed_on": s.signed_on}
        for s in version.signatories.all()
    ]


def agreement_input(form: AgreementForm, commitments: Any, signatories: Any) -> AgreementInput:
    data = form.cleaned_data
    return AgreementInput(
        title=data["title"],
        responsible=data["responsible"],
        parties=list(data["parties"]),
        purpose=data["purpose"],
        needs=data["needs"],
        valid_from=data["valid_from"],
        valid_to=data["valid_to"],
        review_on=data["review_on"],
        groups=list(data["groups"]),
        commitments=[c for c in (row.given() for row in commitments) if c is not None],
        signatories=[s for s in (row.given() for row in signatories) if s is not None],
        change_note=data["change_note"],
    )
