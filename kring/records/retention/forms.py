from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kring.forms import KringForm
from kring.records.archive.actions import ARCHIVABLE
from kring.records.models import CountedFrom, RetentionAction, RetentionRule
from kring.records.retention.kinds import KINDS


class RuleForm(KringForm):
    keep_years = forms.IntegerField(label=_("Kept for (years)"), min_value=0, max_value=100)
    counted_from = forms.ChoiceField(label=_("Counted from"))
    action = forms.ChoiceField(label=_("Then"), choices=RetentionAction.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("The document management plan and its item, for example “DHP Barn- och utbildningsnämnden 3.2”."),
    )

    def __init__(self, *args: Any, rule: RetentionRule, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"keep_years": rule.keep_years, "counted_from": rule.counted_from, "action": rule.action,
             "source": rule.source},
        )  # fmt: skip
        super().__init__(*args, **kwargs)
        anchors = KINDS[rule.record_type].anchors
        field = self.fields["counted_from"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in CountedFrom.choices if value in anchors]
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [
            (value, label)
            for value, label in RetentionAction.choices
            if (value != RetentionAction.ARCHIVE or rule.record_type in ARCHIVABLE)
            and (value != RetentionAction.ANONYMISE or KINDS[rule.record_type].tally is not None)
        ]
