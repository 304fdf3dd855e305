"""Shared form behaviour: accessible error markup on every widget, and dates within reason in every date field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# No date Kring records (a birth, an absence, a meeting, a consent) lies outside these years; a date outside them is
# a typing error (year 1, year 9999), refused with a message before it can break a calculation or a chart.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def validate_reasonable_date(value: date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class ReasonableDatesMixin:
    """Every date and date-time field of the form refuses years outside FIRST_YEAR–LAST_YEAR."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        for field in form.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(validate_reasonable_date)


class AccessibleFormMixin:
    """Mark invalid fields with aria-invalid and link hints and errors with aria-describedby."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: Any = self
        for name, field in form.fields.items():
            bound = form[name]
            field_id = bound.id_for_label or bound.auto_id  # a group of checkboxes has no single id to label
            described = []
            if field.help_text:
                described.append(f"{field_id}-hint")
            if name in form.errors:
                described.append(f"{field_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class KringForm(ReasonableDatesMixin, AccessibleFormMixin, forms.Form):
    pass


class KringModelForm(ReasonableDatesMixin, AccessibleFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass
