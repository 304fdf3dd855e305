"""The form to upload a CSV file of school data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kring.forms import KringForm
from kring.schooldata import csv_import
from kring.schooldata.csv_import import CsvKind


class CsvUploadForm(KringForm):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=CsvKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the file holds.")},
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 text with the column names on the first line, separated by semicolons or commas; at most 50 MB."
        ),
        error_messages={
            "required": _("Choose the file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose the file to upload."),
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self) -> UploadedFile:
        file: UploadedFile = self.cleaned_data["file"]
        if file.size is not None and file.size > csv_import.MAX_BYTES:
            message = _("The file is larger than %(size)d MB: split it into smaller files.")
            raise forms.ValidationError(message, params={"size": csv_import.MAX_MEGABYTES})
        return file

    def refuse_file(self, message: str) -> None:
        """Show why the import refused the file, as an error of the file field (after is_valid)."""
        self.add_error("file", message)
        attrs: dict[str, Any] = self.fields["file"].widget.attrs
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{self['file'].id_for_label}-hint {self['file'].id_for_label}-error"
