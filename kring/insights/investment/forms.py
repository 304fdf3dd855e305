"""The forms of the social investment: they validate and keep what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Unit
from kring.forms import KringForm

PAYERS = 4


class TeamCostForm(KringForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    staff = forms.DecimalField(label=_("Staff (full-time equivalents)"), min_value=0, max_digits=5, decimal_places=2)
    hours = forms.IntegerField(label=_("Hours worked"), min_value=0)
    cost = forms.IntegerField(label=_("Cost (kronor)"), min_value=0)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = teams
        for n in range(1, PAYERS + 1):
            self.fields[f"payer_{n}"] = forms.CharField(label=_("Payer %(n)s") % {"n": n}, max_length=100,
                                                        required=False)  # fmt: skip
            self.fields[f"percent_{n}"] = forms.IntegerField(label=_("Share of payer %(n)s (%%)") % {"n": n},
                                                             min_value=1, max_value=100, required=False)  # fmt: skip

    def payer_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"payer_{n}"], self[f"percent_{n}"]) for n in range(1, PAYERS + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shares: list[dict[str, Any]] = []
        for n in range(1, PAYERS + 1):
            payer, percent = (cleaned.get(f"payer_{n}") or "").strip(), cleaned.get(f"percent_{n}")
            if payer and percent is None:
                self.add_error(f"percent_{n}", _("Give this payer's share."))
            elif percent is not None and not payer:
                self.add_error(f"payer_{n}", _("Name who pays this share."))
            elif payer:
                shares.append({"payer": payer, "percent": percent})
        if shares and sum(int(share["percent"]) for share in shares) != 100:
            self.add_error(None, _("The payers' shares must add up to 100 %."))
        if not shares:
            self.add_error("payer_1", _("Name at least one payer."))
        cleaned["shares"] = shares
        return cleaned


class UnitCostsForm(KringForm):
    investigation = forms.IntegerField(label=_("Cost of an investigation (kronor)"), min_value=0)
    placement_per_year = forms.IntegerField(label=_("Cost of a placement for a year (kronor)"), min_value=0)
    placement_years = forms.DecimalField(label=_("Average length of a placement (years)"), min_value=0,
                                         max_digits=4, decimal_places=1)  # fmt: skip
    placement_share_low = forms.IntegerField(label=_("Investigations ending in a placement, low (%)"), min_value=0,
                                             max_value=100)  # fmt: skip
    placement_share_high = forms.IntegerField(label=_("Investigations ending in a placement, high (%)"), min_value=0,
                                              max_value=100)  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("placement_share_low"), cleaned.get("placement_share_high")
        if low is not None and high is not None and low > high:
            self.add_error("placement_share_high", _("The high share cannot be below the low share."))
        return cleaned
