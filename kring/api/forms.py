"""The organisation admin's form for a new API token."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kring.access.roles import fits_the_holder
from kring.api.actions import TokenInput
from kring.api.models import ApiToken
from kring.directory.models import Unit, User
from kring.directory.queries import grantable_roles, units_for_manager
from kring.forms import KringForm

MAX_DAYS = 2 * 366  # a token lives at most two years; a new one is made before it expires


def integration_roles(manager: User) -> list[tuple[str, str]]:
    return [
        (value, label)
        for value, label in grantable_roles(manager, integration=True)
        if fits_the_holder(value, system_user=True)
    ]


class TokenForm(KringForm):
    name = forms.CharField(
        label=_("Integration"),
        max_length=100,
        help_text=_("What uses the token, such as “E-service: report of concern” or “Social services' case system”."),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=_("Choose a unit"))
    role = forms.ChoiceField(
        label=_("Role"),
        help_text=_(
            "The integration acts with this role in the unit, as a person would: the e-service's role only passes "
            "on reports of concern from the public."
        ),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most two years from today."),
    )

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager = manager
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units_for_manager(manager).order_by("name")
        role_field: Any = self.fields["role"]
        role_field.choices = [("", _("Choose a role")), *integration_roles(manager)]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=365)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if ApiToken.objects.filter(municipality_id=self.manager.municipality_id or 0, name=name).exists():
            raise forms.ValidationError(_("A token of that name exists already. Give the integration another name."))
        return name

    def clean_expires_on(self) -> Any:
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today or day > today + timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("Choose a day after today and at most two years ahead."))
        return day

    def token(self) -> TokenInput:
        data = self.cleaned_data
        end_of_day = timezone.make_aware(datetime.combine(data["expires_on"], time.max))
        return TokenInput(name=data["name"], unit=data["unit"], role=data["role"], expires_at=end_of_day)
