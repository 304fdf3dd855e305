"""The forms of a handover: to whom (a colleague, or another unit) and why; declining needs a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kring.casework.models import ReferralPurpose
from kring.casework.workflow import TEXT
from kring.directory.models import Unit, User
from kring.forms import KringForm


def _person(user: User) -> str:
    return str(user.get_full_name() or user.email)


class OfferForm(KringForm):
    to_user = forms.ModelChoiceField(label=_("To a colleague"), queryset=User.objects.none(), required=False)
    to_unit = forms.ModelChoiceField(
        label=_("Or to another unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Whoever of that unit accepts it takes over."),
    )
    reason = forms.CharField(
        label=_("Why"),
        widget=TEXT,
        max_length=2000,
        help_text=_(
            "The receiver reads this before they may see the case: say what they need to decide, without the "
            "child's name."
        ),
    )

    def __init__(self, *args: Any, colleagues: QuerySet[User], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to_user, to_unit = self.fields["to_user"], self.fields["to_unit"]
        assert isinstance(to_user, forms.ModelChoiceField) and isinstance(to_unit, forms.ModelChoiceField)
        to_user.queryset, to_unit.queryset = colleagues, units
        to_user.label_from_instance = _person  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("to_user")) == bool(cleaned.get("to_unit")):
            raise forms.ValidationError(_("Choose either a colleague or another unit."), code="receiver")
        return cleaned


class DeclineForm(KringForm):
    reason = forms.CharField(label=_("Why you decline"), widget=TEXT, max_length=2000)


class ReferralForm(KringForm):
    purpose = forms.ChoiceField(label=_("Referral"), choices=ReferralPurpose.choices, widget=forms.RadioSelect)
    to_unit = forms.ModelChoiceField(label=_("To"), queryset=Unit.objects.none())
    reason = forms.CharField(
        label=_("Why, and what the receiver needs to know"),
        widget=TEXT,
        max_length=2000,
        help_text=_(
            "The receiver records that they have received the referral. Name the child only where the guardians' "
            "consent covers the receiver (for a SIP), or where the law lets you report (to social services)."
        ),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
