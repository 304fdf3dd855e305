"""Shared form behaviour: accessible error markup on every widget."""

from __future__ import annotations

from typing import Any

from django import forms


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


class KringForm(AccessibleFormMixin, forms.Form):
    pass


class KringModelForm(AccessibleFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass
