"""Labels for codes a page would otherwise show raw (a builtin: no `{% load %}`): language codes as language names
("sv" → "Swedish"), school form codes as school forms ("GR" → "Compulsory school")."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from kring.directory.models import SchoolForm

register = template.Library()

# Languages common in Swedish schools that Django does not name.
_MORE_LANGUAGES = {
    "so": _("Somali"), "ti": _("Tigrinya"), "prs": _("Dari"), "ku": _("Kurdish"), "kmr": _("Kurmanji"),
    "am": _("Amharic"), "ps": _("Pashto"), "smi": _("Sami"), "fit": _("Meänkieli"), "rom": _("Romani"),
    "yi": _("Yiddish"),
}  # fmt: skip


@register.filter
def language_label(code: str) -> str:
    """A language code as the language's name in the current language; the code itself when unknown."""
    code = (code or "").strip()
    if code in _MORE_LANGUAGES:
        return str(_MORE_LANGUAGES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def language_labels(codes: Iterable[str] | None) -> str:
    return ", ".join(language_label(code) for code in codes or [])


@register.filter
def school_form_label(code: str) -> str:
    return str(dict(SchoolForm.choices).get(code, code))
