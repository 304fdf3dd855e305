"""The form for the municipality's absence thresholds: each threshold explained in plain language, with its range."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kring.forms import KringForm
from kring.schooldata.settings_actions import LIMITS, default_values

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise  # what gettext_lazy returns, in django-stubs

# Each field's label and hint; the hint gets the range and the default filled in when the form is made, in the
# user's language. The fields are grouped on the page by what they lead to (see FIELDSETS).
_TEXTS: dict[str, tuple[Promise, Promise]] = {
    "window_days": (
        _("Length of the recent period (days)"),
        _(
            "Recent absence is measured over this many days back from today, today included. The signal below and "
            "the trend on the early-warning pages use it. From %(low)s to %(high)s; the default is %(default)s."
        ),
    ),
    "window_percent": (
        _("Signal: absence in the recent period (%)"),
        _(
            "A pupil who has missed at least this share of the scheduled school time in the recent period, with or "
            "without a valid reason, gets a signal. From %(low)s to %(high)s; the default is %(default)s."
        ),
    ),
    "unexcused_per_month": (
        _("Signal: days with unexcused absence in a month"),
        _(
            "A pupil with unexcused absence on at least this many days in the last 30 days gets a signal, however "
            "short each absence was. From %(low)s to %(high)s; the default is %(default)s."
        ),
    ),
    "term_percent": (
        _("High: absence over the term (%)"),
        _(
            "A pupil who has missed at least this share of the scheduled school time since the term began, with or "
            "without a valid reason, is marked high. From %(low)s to %(high)s; the default is %(default)s."
        ),
    ),
    "consecutive_days": (
        _("High: school days absent in a row"),
        _(
            "A pupil absent this many school days in a row or more is marked high. A day counts when at least three "
            "quarters of it was missed, and a weekend does not break the run. From %(low)s to %(high)s; the "
            "default is %(default)s."
        ),
    ),
    "school_day_minutes": (
        _("Scheduled minutes in a school day"),
        _(
            "Turns the absent minutes that schools report into a share of the school time. From %(low)s to "
            "%(high)s; the default is %(default)s."
        ),
    ),
}

FIELDSETS: list[tuple[Promise, tuple[str, ...]]] = [
    (_("Signal: worth a closer look"), ("window_days", "window_percent", "unexcused_per_month")),
    (_("High: to be investigated promptly"), ("term_percent", "consecutive_days")),
    (_("Measuring school time"), ("school_day_minutes",)),
]


def _field(name: str) -> forms.IntegerField:
    low, high = LIMITS[name]
    return forms.IntegerField(
        label=_TEXTS[name][0],
        min_value=low,
        max_value=high,
        # A text box for digits rather than type="number", which changes on scrolling and reads poorly in
        # screen readers; what was typed is shown back as it was.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter a number."),
            "invalid": _("Enter a whole number, in digits."),
        },
    )


class AbsenceSettingsForm(KringForm):
    window_days = _field("window_days")
    window_percent = _field("window_percent")
    unexcused_per_month = _field("unexcused_per_month")
    term_percent = _field("term_percent")
    consecutive_days = _field("consecutive_days")
    school_day_minutes = _field("school_day_minutes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = default_values()
        for name, field in self.fields.items():
            low, high = LIMITS[name]
            params = {"low": low, "high": high, "default": defaults[name]}
            field.help_text = str(_TEXTS[name][1]) % params
            # Both ends of the range in the message (the validators' own messages name only the end they check).
            out_of_range = gettext("Enter a whole number from %(low)s to %(high)s.") % params
            field.error_messages["min_value"] = field.error_messages["max_value"] = out_of_range

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields grouped for the page, each group with its legend."""
        return [(str(legend), [self[name] for name in names]) for legend, names in FIELDSETS]
